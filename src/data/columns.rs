//! Header resolution: the usual spellings of A-share and US data vendors, mapped onto
//! evstudy's field names, plus the user's explicit `--columns field=header` mapping.
//!
//! Matching ignores case and every character that is not a letter or digit, so
//! `Adj Close`, `adj_close` and `adjclose` are one spelling. The table is documented in the
//! README ("Input formats").

use std::path::Path;

use crate::config::ColumnMap;
use crate::error::{Error, Result};

/// A field evstudy reads, with the header spellings it recognises (normalized form).
#[derive(Debug, Clone, Copy)]
pub struct Field {
    /// evstudy's name for the field.
    pub name: &'static str,
    /// Accepted spellings (compared after [`normalize`]).
    pub aliases: &'static [&'static str],
}

/// `date`: Yahoo `Date`, tushare `trade_date`, CSMAR `Trddt`, akshare `日期`.
pub const DATE: Field = Field {
    name: "date",
    aliases: &[
        "date",
        "tradedate",
        "tradingdate",
        "datetime",
        "day",
        "trddt",
        "日期",
        "交易日期",
    ],
};
/// `ticker`: tushare `ts_code`, baostock `code`, CRSP `permno`, CSMAR `Stkcd`.
pub const TICKER: Field = Field {
    name: "ticker",
    aliases: &[
        "ticker",
        "symbol",
        "code",
        "tscode",
        "stockcode",
        "secid",
        "permno",
        "stkcd",
        "股票代码",
        "代码",
    ],
};
/// `close`: raw closing price.
pub const CLOSE: Field = Field {
    name: "close",
    aliases: &["close", "closeprice", "clsprc", "prc", "收盘", "收盘价"],
};
/// `open`.
pub const OPEN: Field = Field {
    name: "open",
    aliases: &["open", "openprice", "opnprc", "开盘", "开盘价"],
};
/// `high`.
pub const HIGH: Field = Field {
    name: "high",
    aliases: &["high", "highprice", "hiprc", "最高", "最高价"],
};
/// `low`.
pub const LOW: Field = Field {
    name: "low",
    aliases: &["low", "lowprice", "loprc", "最低", "最低价"],
};
/// `prev_close`: the exchange's reference previous close (tushare `pre_close`, baostock `preclose`).
pub const PREV_CLOSE: Field = Field {
    name: "prev_close",
    aliases: &[
        "prevclose",
        "preclose",
        "previousclose",
        "prevclosingprice",
        "前收盘",
        "前收盘价",
        "昨收",
    ],
};
/// `adj_close`: a vendor's total-return adjusted close (Yahoo `Adj Close`).
pub const ADJ_CLOSE: Field = Field {
    name: "adj_close",
    aliases: &["adjclose", "adjustedclose", "adjclosingprice", "复权收盘价"],
};
/// `volume`.
pub const VOLUME: Field = Field {
    name: "volume",
    aliases: &["volume", "vol", "成交量"],
};

/// `st`: special-treatment flag of the day (1 = ST/*ST, 0 = not; baostock `isST`), for the
/// ±5% limit of main-board ST stocks.
pub const ST: Field = Field {
    name: "st",
    aliases: &["st", "isst", "stflag"],
};

/// Every field of the price file, required ones first.
pub const PRICE_FIELDS: [Field; 10] = [
    DATE, TICKER, CLOSE, OPEN, HIGH, LOW, PREV_CLOSE, ADJ_CLOSE, VOLUME, ST,
];

/// Lowercase, keeping only letters and digits (CJK included).
pub fn normalize(header: &str) -> String {
    header
        .trim_start_matches('\u{feff}')
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Find the header index of `field`: the explicit mapping first, then the alias table.
///
/// # Errors
/// `MappedColumnAbsent` when the mapping names a header that is not there.
pub fn find(
    path: &Path,
    headers: &[String],
    field: Field,
    map: &ColumnMap,
) -> Result<Option<usize>> {
    if let Some(name) = map.get(field.name) {
        return headers
            .iter()
            .position(|h| h == name || normalize(h) == normalize(name))
            .map(Some)
            .ok_or_else(|| Error::MappedColumnAbsent {
                path: path.to_path_buf(),
                column: field.name.to_string(),
                name: name.clone(),
                found: list(headers),
            });
    }
    let norm: Vec<String> = headers.iter().map(|h| normalize(h)).collect();
    Ok(field
        .aliases
        .iter()
        .find_map(|a| norm.iter().position(|h| h == a)))
}

/// Like [`find`], but the field is required.
///
/// # Errors
/// `MissingColumn` naming the aliases and the `--columns` fix.
pub fn require(path: &Path, headers: &[String], field: Field, map: &ColumnMap) -> Result<usize> {
    find(path, headers, field, map)?.ok_or_else(|| Error::MissingColumn {
        path: path.to_path_buf(),
        column: field.name,
        found: list(headers),
        aliases: field.aliases.join(", "),
    })
}

/// `date, ticker, close` as a readable list for messages.
pub fn list(headers: &[String]) -> String {
    headers.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hdr(names: &[&str]) -> Vec<String> {
        names.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn vendor_spellings_resolve_to_fields() {
        let p = Path::new("x.csv");
        let h = hdr(&["ts_code", "trade_date", "open", "pre_close", "close", "vol"]);
        let m = ColumnMap::new();
        assert_eq!(require(p, &h, TICKER, &m).unwrap(), 0);
        assert_eq!(require(p, &h, DATE, &m).unwrap(), 1);
        assert_eq!(find(p, &h, PREV_CLOSE, &m).unwrap(), Some(3));
        let y = hdr(&[
            "Date",
            "Open",
            "High",
            "Low",
            "Close",
            "Adj Close",
            "Volume",
        ]);
        assert_eq!(find(p, &y, ADJ_CLOSE, &m).unwrap(), Some(5));
        assert_eq!(find(p, &y, CLOSE, &m).unwrap(), Some(4));
    }

    #[test]
    fn explicit_mapping_wins_and_must_exist() {
        let p = Path::new("x.csv");
        let h = hdr(&["d", "sym", "px"]);
        let mut m = ColumnMap::new();
        m.insert("close".into(), "px".into());
        assert_eq!(require(p, &h, CLOSE, &m).unwrap(), 2);
        m.insert("date".into(), "when".into());
        assert!(matches!(
            require(p, &h, DATE, &m),
            Err(Error::MappedColumnAbsent { .. })
        ));
    }
}
