//! Markets, boards and the per-stock facts a limit rule needs: board, listing date, ST periods.
//!
//! The board decides the percentage (METHODS-SPEC §6.1): SSE/SZSE main board ±10% (ST ±5%),
//! ChiNext ±20% from 2020-08-24, STAR ±20%, BSE ±30% `[PPDOC] [CD20a] [STAR-QA] [SHINE21]`.
//! When the input has no board column, [`infer_board`] reads it from the A-share code prefix
//! (§6.3 **DECISION**: 60x SSE main, 688/689 STAR, 00x SZSE main, 30x ChiNext, 8x/4x/92x BSE);
//! the caller warns that the board was inferred.
//!
//! The listing date drives the new-listing windows (the n-th trading day since listing has no
//! limit for n <= N, N from the rule in force on the listing date). **DECISION**: when it is
//! not given, the stock's first row is taken as the listing day, which is wrong for data that
//! starts after the listing (a trimmed history, a panel starting on a fixed date): pass the
//! real date in [`Instrument::listing_date`] there.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A market whose daily limits share one rule family and one currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Market {
    /// China A shares (SSE, SZSE, BSE).
    Cn,
    /// Taiwan (TWSE, TPEx).
    Tw,
    /// Korea (KOSPI, KOSDAQ).
    Kr,
    /// Japan (TSE).
    Jp,
    /// Thailand (SET, mai).
    Th,
    /// Vietnam (HOSE, HNX, UPCoM).
    Vn,
}

impl Market {
    /// Price unit (smallest quote step ever used) in which limit arithmetic is done.
    pub fn default_unit(self) -> f64 {
        match self {
            Market::Cn | Market::Tw | Market::Th => 0.01,
            Market::Jp => 0.1,
            Market::Kr | Market::Vn => 1.0,
        }
    }
}

/// A listing board: the unit a limit rule is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Board {
    /// Shanghai main board (60xxxx).
    SseMain,
    /// Shenzhen main board, including the former SME board (00xxxx).
    SzseMain,
    /// Shenzhen ChiNext (30xxxx).
    #[serde(rename = "chinext")]
    ChiNext,
    /// Shanghai STAR Market (688xxx, 689xxx).
    Star,
    /// Beijing Stock Exchange (8xxxxx, 4xxxxx, 92xxxx).
    Bse,
    /// Taiwan Stock Exchange.
    Twse,
    /// Taipei Exchange.
    Tpex,
    /// Korea Exchange KOSPI market.
    Kospi,
    /// Korea Exchange KOSDAQ market.
    Kosdaq,
    /// Tokyo Stock Exchange.
    Tse,
    /// Stock Exchange of Thailand.
    Set,
    /// Market for Alternative Investment (Thailand).
    Mai,
    /// Ho Chi Minh City Stock Exchange.
    Hose,
    /// Hanoi Stock Exchange.
    Hnx,
    /// Unlisted Public Company Market (Hanoi).
    Upcom,
}

impl Board {
    /// Every board, in declaration order.
    pub const ALL: [Board; 15] = [
        Board::SseMain,
        Board::SzseMain,
        Board::ChiNext,
        Board::Star,
        Board::Bse,
        Board::Twse,
        Board::Tpex,
        Board::Kospi,
        Board::Kosdaq,
        Board::Tse,
        Board::Set,
        Board::Mai,
        Board::Hose,
        Board::Hnx,
        Board::Upcom,
    ];

    /// The name used in rule files and reports (`sse_main`, `chinext`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Board::SseMain => "sse_main",
            Board::SzseMain => "szse_main",
            Board::ChiNext => "chinext",
            Board::Star => "star",
            Board::Bse => "bse",
            Board::Twse => "twse",
            Board::Tpex => "tpex",
            Board::Kospi => "kospi",
            Board::Kosdaq => "kosdaq",
            Board::Tse => "tse",
            Board::Set => "set",
            Board::Mai => "mai",
            Board::Hose => "hose",
            Board::Hnx => "hnx",
            Board::Upcom => "upcom",
        }
    }

    /// The market the board belongs to.
    pub fn market(self) -> Market {
        match self {
            Board::SseMain | Board::SzseMain | Board::ChiNext | Board::Star | Board::Bse => {
                Market::Cn
            }
            Board::Twse | Board::Tpex => Market::Tw,
            Board::Kospi | Board::Kosdaq => Market::Kr,
            Board::Tse => Market::Jp,
            Board::Set | Board::Mai => Market::Th,
            Board::Hose | Board::Hnx | Board::Upcom => Market::Vn,
        }
    }
}

impl std::str::FromStr for Board {
    type Err = String;
    /// Parse a board name as written by [`Board::as_str`] (`sse_main`, `chinext`, …).
    fn from_str(s: &str) -> Result<Self, String> {
        let want = s.trim().to_ascii_lowercase();
        Board::ALL
            .into_iter()
            .find(|b| b.as_str() == want)
            .ok_or_else(|| {
                format!(
                    "unknown board {s:?} (use one of {})",
                    Board::ALL.map(Board::as_str).join(", ")
                )
            })
    }
}

impl fmt::Display for Board {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Board of a China A-share from its code, or `None` when the code is not an A-share stock.
///
/// Accepts `600000`, `600000.SH` (also `.SS`, `.XSHG`), `000001.SZ` (`.XSHE`), `830799.BJ`,
/// and the prefixed forms `sh600000` / `sz.002415`. When an exchange is given it must agree
/// with the code: `000300.SH` is the CSI 300 index, not a stock, and gets `None`.
pub fn infer_board(ticker: &str) -> Option<Board> {
    let t = ticker.trim().to_ascii_uppercase();
    let (code, exchange) = split_exchange(&t)?;
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let board = if code.starts_with("688") || code.starts_with("689") {
        Board::Star
    } else if code.starts_with("60") {
        Board::SseMain
    } else if code.starts_with("00") {
        Board::SzseMain
    } else if code.starts_with("30") {
        Board::ChiNext
    } else if code.starts_with('8') || code.starts_with('4') || code.starts_with("92") {
        Board::Bse
    } else {
        return None;
    };
    let exchange_of_board = match board {
        Board::SseMain | Board::Star => "SH",
        Board::Bse => "BJ",
        _ => "SZ",
    };
    match exchange {
        Some(e) if e != exchange_of_board => None,
        _ => Some(board),
    }
}

/// Splits `CODE.EX` / `EXCODE` / `EX.CODE` into the code and a normalised exchange (SH/SZ/BJ).
fn split_exchange(t: &str) -> Option<(&str, Option<&'static str>)> {
    let normalise = |e: &str| match e {
        "SH" | "SS" | "XSHG" => Some("SH"),
        "SZ" | "XSHE" => Some("SZ"),
        "BJ" | "BSE" => Some("BJ"),
        _ => None,
    };
    if let Some((code, ex)) = t.split_once('.') {
        if code.bytes().all(|b| b.is_ascii_digit()) {
            return Some((code, Some(normalise(ex)?)));
        }
        return Some((ex, Some(normalise(code)?)));
    }
    if t.len() == 8 && t.is_char_boundary(2) {
        let (ex, code) = t.split_at(2);
        return Some((code, Some(normalise(ex)?)));
    }
    Some((t, None))
}

/// What the limit rules need to know about one stock.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Instrument {
    /// Listing board; `None` matches only market-wide rules such as a custom `--limit-rule`.
    pub board: Option<Board>,
    /// First trading day. `None`: the first row with a bar is taken as the listing day.
    pub listing_date: Option<NaiveDate>,
    /// Inclusive date ranges under special treatment (ST / *ST).
    pub st_periods: Vec<(NaiveDate, NaiveDate)>,
}

impl Instrument {
    /// An instrument on `board` with no listing date and no ST periods.
    pub fn on_board(board: Board) -> Self {
        Instrument {
            board: Some(board),
            ..Instrument::default()
        }
    }

    /// Whether the stock is under special treatment on `date`.
    pub fn is_st(&self, date: NaiveDate) -> bool {
        self.st_periods
            .iter()
            .any(|&(from, to)| from <= date && date <= to)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn infer_board_reads_a_share_code_prefixes() {
        assert_eq!(infer_board("600519.SH"), Some(Board::SseMain));
        assert_eq!(infer_board("603019.SH"), Some(Board::SseMain));
        assert_eq!(infer_board("688256.SH"), Some(Board::Star));
        assert_eq!(infer_board("689009.SH"), Some(Board::Star));
        assert_eq!(infer_board("002415.SZ"), Some(Board::SzseMain));
        assert_eq!(infer_board("000063.SZ"), Some(Board::SzseMain));
        assert_eq!(infer_board("300367.SZ"), Some(Board::ChiNext));
        assert_eq!(infer_board("301001.SZ"), Some(Board::ChiNext));
        assert_eq!(infer_board("835185.BJ"), Some(Board::Bse));
        assert_eq!(infer_board("430047.BJ"), Some(Board::Bse));
        assert_eq!(infer_board("920001.BJ"), Some(Board::Bse));
    }

    #[test]
    fn infer_board_accepts_vendor_spellings() {
        assert_eq!(infer_board("sh600000"), Some(Board::SseMain));
        assert_eq!(infer_board("sz.002415"), Some(Board::SzseMain));
        assert_eq!(infer_board("600000.XSHG"), Some(Board::SseMain));
        assert_eq!(infer_board("600000"), Some(Board::SseMain));
    }

    #[test]
    fn infer_board_rejects_indices_and_foreign_codes() {
        assert_eq!(infer_board("000300.SH"), None, "CSI 300 index");
        assert_eq!(infer_board("000001.SH"), None, "SSE Composite");
        assert_eq!(infer_board("399001.SZ"), None, "SZSE Component index");
        assert_eq!(infer_board("900901.SH"), None, "B share");
        assert_eq!(infer_board("AAPL"), None);
        assert_eq!(infer_board("7203.T"), None);
    }

    #[test]
    fn st_periods_are_inclusive() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let mut inst = Instrument::on_board(Board::ChiNext);
        inst.st_periods.push((d("2020-09-15"), d("2022-06-29")));
        assert!(!inst.is_st(d("2020-09-14")));
        assert!(inst.is_st(d("2020-09-15")));
        assert!(inst.is_st(d("2022-06-29")));
        assert!(!inst.is_st(d("2022-06-30")));
    }
}
