//! Canonical instrument codes (#11): the spellings of China A-share codes that vendors use
//! are read as one `NNNNNN.XX` form (`.SH` Shanghai, `.SZ` Shenzhen, `.BJ` Beijing), so that
//! baostock's `sz.002415` prices match an events file that says `002415.SZ`, and the limit
//! board is known from the code. Any other ticker passes unchanged.
//!
//! | written | read as |
//! |---|---|
//! | `sz.002415`, `SZ002415`, `sz002415`, `002415.SZ`, `002415.XSHE` | `002415.SZ` |
//! | `600519.XSHG`, `600519.SS` | `600519.SH` |
//! | bare `002415` | exchange from the code range (below) |
//! | CSMAR integer `2415` | `002415.SZ` |
//!
//! Code ranges of a bare code (METHODS.md, "Instrument codes"): `60`/`68`/`90` → SH;
//! `00`/`30`/`20` → SZ; `8`/`4`/`92` → BJ. A bare code outside them, or the CSI 300's
//! `000300` (an index code, also read as a Shenzhen code), is an error asking for the
//! exchange; an integer that pads to no A-share code (a CRSP PERMNO) is not a Chinese code
//! and passes unchanged.

use std::borrow::Cow;

/// Why a code cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeProblem {
    /// What is wrong.
    pub why: &'static str,
    /// The code written with its exchange(s), for the message.
    pub example: String,
}

/// The canonical form of `raw` (trimmed), or the problem that keeps it from one.
///
/// # Errors
/// A bare 6-digit code whose exchange the code range does not settle.
pub fn canonical(raw: &str) -> Result<Cow<'_, str>, CodeProblem> {
    let t = raw.trim();
    if let Some(c) = prefixed(t).or_else(|| suffixed(t)) {
        return Ok(Cow::Owned(c));
    }
    let digits = !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    if digits && t.len() == 6 {
        return bare(t).map(Cow::Owned);
    }
    if digits && t.len() < 6 && !t.starts_with('0') {
        let padded = format!("{t:0>6}");
        if let Ok(c) = bare(&padded) {
            return Ok(Cow::Owned(c));
        }
    }
    Ok(Cow::Borrowed(t))
}

/// Whether `raw` is read as a China A-share code (a file stem that names the ticker).
pub fn is_code(raw: &str) -> bool {
    matches!(canonical(raw), Ok(Cow::Owned(_)))
}

/// The exchange of a 6-digit code from its range.
fn bare(code: &str) -> Result<String, CodeProblem> {
    if code == "000300" {
        return Err(CodeProblem {
            why: "is the CSI 300 index code and a Shenzhen code",
            example: "000300.SH for the index".into(),
        });
    }
    let ex = match &code[..2] {
        "60" | "68" | "90" => "SH",
        "00" | "30" | "20" => "SZ",
        "92" => "BJ",
        p if p.starts_with('8') || p.starts_with('4') => "BJ",
        _ => {
            return Err(CodeProblem {
                why: "has no exchange and its range does not give one",
                example: format!("{code}.SH or {code}.SZ"),
            });
        }
    };
    Ok(format!("{code}.{ex}"))
}

fn exchange(e: &str) -> Option<&'static str> {
    match e.to_ascii_uppercase().as_str() {
        "SH" | "SS" | "XSHG" | "SSE" => Some("SH"),
        "SZ" | "XSHE" | "SZSE" => Some("SZ"),
        "BJ" | "BSE" => Some("BJ"),
        _ => None,
    }
}

fn six_digits(s: &str) -> bool {
    s.len() == 6 && s.bytes().all(|b| b.is_ascii_digit())
}

/// `sz.002415`, `SZ002415`, `sz002415`.
fn prefixed(t: &str) -> Option<String> {
    if t.len() < 8 || !t.is_char_boundary(2) {
        return None;
    }
    let (ex, rest) = t.split_at(2);
    let code = rest.strip_prefix('.').unwrap_or(rest);
    (six_digits(code)).then_some(())?;
    Some(format!("{code}.{}", exchange(ex)?))
}

/// `002415.SZ`, `002415.XSHE`, `600519.SS`.
fn suffixed(t: &str) -> Option<String> {
    let (code, ex) = t.split_once('.')?;
    six_digits(code).then_some(())?;
    Some(format!("{code}.{}", exchange(ex)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: &str) -> String {
        canonical(s).unwrap().into_owned()
    }

    #[test]
    fn every_vendor_spelling_of_hikvision_is_one_code() {
        for s in [
            "sz.002415",
            "SZ002415",
            "sz002415",
            "002415.SZ",
            "002415.XSHE",
            "002415",
            "2415",
            " 002415.sz ",
        ] {
            assert_eq!(c(s), "002415.SZ", "{s}");
        }
        assert_eq!(c("600519.XSHG"), "600519.SH");
        assert_eq!(c("sh.600519"), "600519.SH");
        assert_eq!(c("688256"), "688256.SH");
        assert_eq!(c("300750"), "300750.SZ");
        assert_eq!(c("830799"), "830799.BJ");
        assert_eq!(c("920001"), "920001.BJ");
        assert_eq!(c("000300.SH"), "000300.SH");
    }

    #[test]
    fn other_tickers_pass_unchanged() {
        for s in ["AAPL", "BRK.B", "14593", "0700.HK", "A"] {
            assert_eq!(c(s), s, "{s}");
            assert!(!is_code(s));
        }
    }

    #[test]
    fn a_code_without_a_settled_exchange_is_a_problem() {
        assert!(canonical("000300").is_err());
        assert!(canonical("510300").is_err());
    }
}
