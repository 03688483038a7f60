//! Header resolution: vendor spellings, the explicit mapping per file role, and the
//! closest-header suggestion of the missing-column message (#11).

use std::path::Path;

use super::*;

fn src(header: &str) -> Source {
    Source::from_bytes(Path::new("x.csv"), format!("{header}\n").into_bytes()).unwrap()
}

#[test]
fn vendor_spellings_resolve_to_fields() {
    let h = src("ts_code,trade_date,open,pre_close,close,vol");
    let m = ColumnMap::new();
    assert_eq!(require(&h, Role::Prices, TICKER, &m).unwrap(), 0);
    assert_eq!(require(&h, Role::Prices, DATE, &m).unwrap(), 1);
    assert_eq!(find(&h, Role::Prices, PREV_CLOSE, &m).unwrap(), Some(3));
    let y = src("Date,Open,High,Low,Close,Adj Close,Volume");
    assert_eq!(find(&y, Role::Prices, ADJ_CLOSE, &m).unwrap(), Some(5));
    assert_eq!(find(&y, Role::Prices, CLOSE, &m).unwrap(), Some(4));
}

#[test]
fn explicit_mapping_wins_and_must_exist() {
    let h = src("d,sym,px");
    let mut m = ColumnMap::new();
    m.insert("close".into(), "px".into());
    assert_eq!(require(&h, Role::Prices, CLOSE, &m).unwrap(), 2);
    m.insert("date".into(), "when".into());
    assert!(matches!(
        require(&h, Role::Prices, DATE, &m),
        Err(Error::MappedColumnAbsent { .. })
    ));
}

#[test]
fn a_prefixed_mapping_addresses_only_its_file() {
    let h = src("d,px_last");
    let mut m = ColumnMap::new();
    m.insert("market.close".into(), "px_last".into());
    assert_eq!(require(&h, Role::Market, CLOSE, &m).unwrap(), 1);
    assert_eq!(find(&h, Role::Prices, CLOSE, &m).unwrap(), None);
    m.insert("prices.close".into(), "px_last".into());
    assert_eq!(require(&h, Role::Prices, CLOSE, &m).unwrap(), 1);
}

#[test]
fn the_missing_column_flag_names_the_role_and_the_closest_header() {
    let h = src("event_date,ticker");
    match require(&h, Role::Events, DATE, &ColumnMap::new()).unwrap_err() {
        Error::MissingColumn { fix, role, .. } => {
            assert_eq!(role, "events");
            assert!(fix.ends_with("--columns events.date=event_date"), "{fix}");
        }
        e => panic!("{e}"),
    }
    let h = src("dates,ticker");
    match require(&h, Role::Market, DATE, &ColumnMap::new()).unwrap_err() {
        Error::MissingColumn { fix, .. } => {
            assert!(fix.ends_with("--columns market.date=dates"), "{fix}");
        }
        e => panic!("{e}"),
    }
}
