//! Unit tests of the rule table: builtin dates, overrides and error messages.

use super::*;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn pct_on(rules: &RuleSet, board: Board, st: bool, date: &str) -> Option<f64> {
    match &rules.rule_for(Some(board), st, d(date))?.kind {
        RuleKind::Pct(p) => Some(p.percent()),
        _ => None,
    }
}

#[test]
fn builtin_rules_parse() {
    let rules = RuleSet::builtin();
    assert!(rules.rules().len() > 20);
    assert!(
        rules
            .rules()
            .iter()
            .all(|r| r.origin.starts_with(BUILTIN_PATH))
    );
}

#[test]
fn chinext_moves_from_10_to_20_percent_on_2020_08_24() {
    let rules = RuleSet::builtin();
    assert_eq!(
        pct_on(&rules, Board::ChiNext, false, "2020-08-21"),
        Some(10.0)
    );
    assert_eq!(
        pct_on(&rules, Board::ChiNext, true, "2020-08-21"),
        Some(5.0)
    );
    assert_eq!(
        pct_on(&rules, Board::ChiNext, false, "2020-08-24"),
        Some(20.0)
    );
    assert_eq!(
        pct_on(&rules, Board::ChiNext, true, "2020-09-15"),
        Some(20.0),
        "ST included"
    );
}

#[test]
fn main_board_st_is_5_percent_from_1998_04_22() {
    let rules = RuleSet::builtin();
    assert_eq!(
        pct_on(&rules, Board::SseMain, true, "1998-04-21"),
        Some(10.0)
    );
    assert_eq!(
        pct_on(&rules, Board::SzseMain, true, "1998-04-22"),
        Some(5.0)
    );
    assert_eq!(
        pct_on(&rules, Board::SzseMain, false, "2022-05-05"),
        Some(10.0)
    );
    assert_eq!(
        pct_on(&rules, Board::SseMain, false, "1996-12-13"),
        None,
        "before 1996-12-16"
    );
}

#[test]
fn new_listing_windows_follow_the_listing_date() {
    let rules = RuleSet::builtin();
    let n = |b, date| {
        rules
            .rule_for(Some(b), false, d(date))
            .unwrap()
            .no_limit_first_n_days
    };
    assert_eq!(n(Board::SzseMain, "2010-05-28"), 1, "approval-era IPO day");
    assert_eq!(n(Board::SseMain, "2023-04-10"), 5, "registration-based IPO");
    assert_eq!(n(Board::ChiNext, "2020-08-21"), 1);
    assert_eq!(n(Board::ChiNext, "2020-08-24"), 5);
    assert_eq!(n(Board::Star, "2020-07-20"), 5);
    assert_eq!(n(Board::Bse, "2021-11-15"), 1);
    assert_eq!(n(Board::Twse, "2016-01-04"), 5);
}

#[test]
fn foreign_markets_have_their_dated_widths() {
    let rules = RuleSet::builtin();
    assert_eq!(pct_on(&rules, Board::Twse, false, "2015-05-29"), Some(7.0));
    assert_eq!(pct_on(&rules, Board::Tpex, false, "2015-06-01"), Some(10.0));
    assert_eq!(
        pct_on(&rules, Board::Kospi, false, "1998-03-02"),
        Some(12.0)
    );
    assert_eq!(
        pct_on(&rules, Board::Kospi, false, "2015-06-12"),
        Some(15.0)
    );
    assert_eq!(
        pct_on(&rules, Board::Kosdaq, false, "2015-06-15"),
        Some(30.0)
    );
    assert_eq!(pct_on(&rules, Board::Set, false, "2020-03-18"), Some(15.0));
    assert_eq!(pct_on(&rules, Board::Mai, false, "2020-10-01"), Some(30.0));
    assert_eq!(pct_on(&rules, Board::Hose, false, "2022-01-04"), Some(7.0));
    assert_eq!(pct_on(&rules, Board::Hnx, false, "2022-01-04"), Some(10.0));
    assert_eq!(
        pct_on(&rules, Board::Upcom, false, "2015-07-01"),
        Some(15.0)
    );
    let tse = rules
        .rule_for(Some(Board::Tse), false, d("2025-02-28"))
        .unwrap();
    assert!(matches!(tse.kind, RuleKind::BandTable(_)));
    let kospi = rules
        .rule_for(Some(Board::Kospi), false, d("2023-01-25"))
        .unwrap();
    assert_eq!(kospi.ticks.at(12_970), Some(10), "unified 2023 tick table");
}

#[test]
fn user_rows_override_builtin_rows() {
    let user = RuleSet::from_toml_str(
        "[[rule]]\nmarket = \"CN\"\nboard = \"sse_main\"\nst = true\nfrom = 2025-07-01\nkind = \"pct\"\npct = 10\n",
    )
    .unwrap();
    let rules = RuleSet::builtin().extended(user);
    assert_eq!(
        pct_on(&rules, Board::SseMain, true, "2025-06-30"),
        Some(5.0)
    );
    assert_eq!(
        pct_on(&rules, Board::SseMain, true, "2025-07-01"),
        Some(10.0)
    );
    assert_eq!(
        pct_on(&rules, Board::SzseMain, true, "2025-07-01"),
        Some(5.0)
    );
}

#[test]
fn user_rows_may_use_builtin_tables() {
    let user = RuleSet::from_toml_str(
        "[[rule]]\nmarket = \"KR\"\nboard = \"kosdaq\"\nfrom = \"2005-03-28\"\nto = \"2015-06-14\"\nkind = \"pct\"\npct = 15\ntick_table = \"krx_kosdaq_old\"\nrounding = \"krx\"\n",
    )
    .unwrap();
    let rule = &user.rules()[0];
    assert_eq!(rule.ticks.at(12_920), Some(50));
    assert_eq!(rule.origin, "<string>:1");
}

#[test]
fn custom_rule_applies_to_every_stock_and_day() {
    let rules = RuleSet::custom("7.5%".parse().unwrap());
    let rule = rules.rule_for(None, true, d("1990-01-01")).unwrap();
    assert_eq!(rule.kind, RuleKind::Pct(Pct::from_bp(750).unwrap()));
    assert!(
        rules
            .rule_for(Some(Board::Tse), false, d("2024-01-04"))
            .is_some()
    );
    assert_eq!(rule.origin, "--limit-rule 7.5%");
}

#[test]
fn bad_pct_error_names_file_line_and_value() {
    let text = "# user rules\n[[rule]]\nmarket = \"CN\"\nboard = \"star\"\nfrom = \"2019-07-22\"\nkind = \"pct\"\npct = 120\n";
    let err = RuleSet::from_toml_named(text, Path::new("my_rules.toml")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "my_rules.toml: line 7: pct = \"120\": expected a percent above 0 and below 100 in whole basis points"
    );
}

#[test]
fn bad_date_and_unknown_table_errors_name_the_line() {
    let text = "[[rule]]\nmarket = \"CN\"\nfrom = \"2019-13-01\"\nkind = \"none\"\n";
    let err = RuleSet::from_toml_str(text).unwrap_err().to_string();
    assert_eq!(
        err,
        "<string>: line 3: from = \"2019-13-01\": expected a date YYYY-MM-DD"
    );
    let text = "[[rule]]\nmarket = \"JP\"\nfrom = \"2020-01-01\"\nkind = \"band_table\"\nband_table = \"tsx\"\n";
    let err = RuleSet::from_toml_str(text).unwrap_err().to_string();
    assert_eq!(
        err,
        "<string>: line 5: band_table = \"tsx\" is not defined (known: tse)"
    );
}

#[test]
fn unknown_board_is_a_toml_error_with_a_line() {
    let text =
        "[[rule]]\nmarket = \"CN\"\nboard = \"gem\"\nfrom = \"2019-01-01\"\nkind = \"none\"\n";
    let err = RuleSet::from_toml_str(text).unwrap_err().to_string();
    assert!(
        err.starts_with("<string>: TOML parse error at line 3"),
        "{err}"
    );
    assert!(err.contains("unknown variant `gem`"), "{err}");
}

#[test]
fn board_of_another_market_is_rejected() {
    let text =
        "[[rule]]\nmarket = \"KR\"\nboard = \"star\"\nfrom = \"2019-01-01\"\nkind = \"none\"\n";
    let err = RuleSet::from_toml_str(text).unwrap_err().to_string();
    assert_eq!(
        err,
        "<string>: line 1: board = \"star\": board belongs to another market"
    );
}

#[test]
fn a_pct_row_without_pct_names_the_missing_field() {
    let text = "[[rule]]\nmarket = \"TH\"\nfrom = \"2021-01-04\"\nkind = \"pct\"\n";
    let err = RuleSet::from_toml_str(text).unwrap_err().to_string();
    assert_eq!(err, "<string>: line 1: kind = \"pct\" needs a `pct` value");
}

#[test]
fn an_off_grid_tick_is_rejected_with_its_line() {
    let text = "[[rule]]\nmarket = \"CN\"\nfrom = \"2021-01-04\"\nkind = \"pct\"\npct = 10\ntick = 0.005\n";
    let err = RuleSet::from_toml_str(text).unwrap_err().to_string();
    assert_eq!(
        err,
        "<string>: line 6: tick = \"0.005\": is not a whole number of the rule's price unit"
    );
}

#[test]
fn a_user_file_extends_the_builtin_rules() {
    let path = std::env::temp_dir().join(format!("evstudy_limits_{}.toml", std::process::id()));
    let text = "[[rule]]\nmarket = \"CN\"\nboard = \"bse\"\nfrom = \"2024-01-02\"\nkind = \"pct\"\npct = 7.5\n";
    std::fs::write(&path, text).unwrap();
    let rules = RuleSet::builtin_with_file(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(pct_on(&rules, Board::Bse, false, "2023-12-29"), Some(30.0));
    assert_eq!(pct_on(&rules, Board::Bse, false, "2024-01-02"), Some(7.5));
    let origin = &rules.rules().last().unwrap().origin;
    assert!(origin.ends_with(".toml:1"), "{origin}");
}

#[test]
fn a_missing_user_file_names_the_path() {
    let err = RuleSet::from_file(Path::new("no/such/rules.toml"))
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("no/such/rules.toml: cannot read limit rules: "),
        "{err}"
    );
}

/// Between `date` and `next_change(date)` every board, with and without ST, keeps the row in
/// force on `date` (checked day by day over the builtin table's whole history).
#[test]
fn the_row_in_force_holds_until_the_next_change() {
    let rules = RuleSet::builtin();
    let mut date = d("1990-01-01");
    let end = d("2027-01-01");
    let mut changes = 0;
    while date < end {
        let next = rules.next_change(date);
        let until = next.unwrap_or(end).min(end);
        for board in Board::ALL.into_iter().map(Some).chain([None]) {
            for st in [false, true] {
                let row = rules.rule_for(board, st, date).map(|r| r.origin.clone());
                let mut day = date;
                while day < until {
                    assert_eq!(
                        rules.rule_for(board, st, day).map(|r| r.origin.clone()),
                        row,
                        "{board:?} st={st} {day}"
                    );
                    day = day.succ_opt().unwrap();
                }
            }
        }
        changes += 1;
        date = until;
    }
    assert!(changes > 5, "{changes}");
}
