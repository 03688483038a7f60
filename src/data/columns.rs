//! Header resolution: the usual spellings of A-share and US data vendors, mapped onto
//! evstudy's field names, plus the user's explicit `--columns field=header` mapping.
//!
//! Matching ignores case and every character that is not a letter or digit, so
//! `Adj Close`, `adj_close` and `adjclose` are one spelling. The table is documented in the
//! README ("Input formats").

use super::source::Source;
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

/// `tradestatus`: baostock's trading status of the day (`1` traded, `0` suspended).
pub const TRADESTATUS: Field = Field {
    name: "tradestatus",
    aliases: &["tradestatus", "tradingstatus", "交易状态"],
};

/// `suspended`: a suspension flag of the day (`1`/`true`/`停牌` = suspended).
pub const SUSPENDED: Field = Field {
    name: "suspended",
    aliases: &[
        "suspended",
        "suspension",
        "halted",
        "issuspended",
        "停牌",
        "是否停牌",
    ],
};

/// Every field of the price file, required ones first.
pub const PRICE_FIELDS: [Field; 12] = [
    DATE,
    TICKER,
    CLOSE,
    OPEN,
    HIGH,
    LOW,
    PREV_CLOSE,
    ADJ_CLOSE,
    VOLUME,
    ST,
    TRADESTATUS,
    SUSPENDED,
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

/// Which input a header belongs to: it prefixes the `--columns` key (`market.close=…`;
/// the price file's fields may go without one) and names the file in messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// `--prices`.
    Prices,
    /// `--market`.
    Market,
    /// `--events`.
    Events,
    /// `--instruments`.
    Instruments,
}

impl Role {
    /// Every role, in `--columns` order.
    pub const ALL: [Role; 4] = [Role::Prices, Role::Market, Role::Events, Role::Instruments];

    /// `prices`, `market`, `events`, `instruments`.
    pub fn name(self) -> &'static str {
        match self {
            Role::Prices => "prices",
            Role::Market => "market",
            Role::Events => "events",
            Role::Instruments => "instruments",
        }
    }

    /// The fields `--columns ROLE.FIELD=…` may map.
    pub fn fields(self) -> &'static [&'static str] {
        match self {
            Role::Prices => &[
                "date",
                "ticker",
                "close",
                "open",
                "high",
                "low",
                "prev_close",
                "adj_close",
                "volume",
                "st",
                "tradestatus",
                "suspended",
            ],
            Role::Market => &["date", "close", "adj_close", "ticker"],
            Role::Events => &["ticker", "date", "event_id", "label", "timing", "group"],
            Role::Instruments => &["ticker", "board", "listing_date", "st_from", "st_to"],
        }
    }

    /// The `--columns` key of `field` for this role (`close`, `market.close`).
    pub fn key(self, field: &str) -> String {
        match self {
            Role::Prices => field.to_string(),
            _ => format!("{}.{field}", self.name()),
        }
    }

    /// The header the user mapped `field` to, if any (`prices.close` or `close` for prices).
    pub fn mapped<'a>(self, map: &'a ColumnMap, field: &str) -> Option<&'a String> {
        map.get(&format!("{}.{field}", self.name()))
            .or_else(|| match self {
                Role::Prices => map.get(field),
                _ => None,
            })
    }
}

/// Find the header index of `field` in `src`: the explicit mapping first, then the alias
/// table.
///
/// # Errors
/// `MappedColumnAbsent` when the mapping names a header that is not there.
pub fn find(src: &Source, role: Role, field: Field, map: &ColumnMap) -> Result<Option<usize>> {
    let headers = &src.headers;
    if let Some(name) = role.mapped(map, field.name) {
        return headers
            .iter()
            .position(|h| h == name || normalize(h) == normalize(name))
            .map(Some)
            .ok_or_else(|| Error::MappedColumnAbsent {
                path: src.path.clone(),
                line: src.header_line,
                flag: role.key(field.name),
                name: name.clone(),
                found: list(headers) + &closest_hint(headers, name),
            });
    }
    let norm: Vec<String> = headers.iter().map(|h| normalize(h)).collect();
    Ok(field
        .aliases
        .iter()
        .find_map(|a| norm.iter().position(|h| h == a)))
}

/// The column `name` given by a flag such as `--returns-column` (exact, or the same
/// normalized spelling).
///
/// # Errors
/// `ReturnsColumnAbsent` with the header and the closest name.
pub fn require_named(src: &Source, name: &str) -> Result<usize> {
    let headers = &src.headers;
    headers
        .iter()
        .position(|h| h == name || normalize(h) == normalize(name))
        .ok_or_else(|| Error::ReturnsColumnAbsent {
            path: src.path.clone(),
            line: src.header_line,
            name: name.to_string(),
            found: list(headers) + &closest_hint(headers, name),
        })
}

/// Like [`find`], but the field is required.
///
/// # Errors
/// `MissingColumn` naming the file's role, the aliases, the exact `--columns` flag that
/// fixes it and the closest header.
pub fn require(src: &Source, role: Role, field: Field, map: &ColumnMap) -> Result<usize> {
    find(src, role, field, map)?.ok_or_else(|| missing(src, role, field))
}

/// The `MissingColumn` error of `field` in `src`.
pub fn missing(src: &Source, role: Role, field: Field) -> Error {
    let guess = closest(&src.headers, field.name)
        .or_else(|| field.aliases.iter().find_map(|a| closest(&src.headers, a)))
        .or_else(|| {
            src.headers
                .iter()
                .find(|h| normalize(h).contains(field.name))
                .map(String::as_str)
        });
    Error::MissingColumn {
        path: src.path.clone(),
        line: src.header_line,
        role: role.name(),
        column: field.name,
        found: list(&src.headers),
        fix: format!(
            "use one of the aliases {}, or map it with --columns {}={}",
            field.aliases.join(", "),
            role.key(field.name),
            guess.unwrap_or("NAME")
        ),
    }
}

fn closest_hint(headers: &[String], name: &str) -> String {
    closest(headers, name).map_or_else(String::new, |h| format!("; did you mean {h:?}?"))
}

/// The header nearest to `name` (edit distance on the normalized spellings, at most a
/// third of the name's length and at least 1 edit away from nothing), if one is near.
pub fn closest<'a>(headers: &'a [String], name: &str) -> Option<&'a str> {
    let want = normalize(name);
    let limit = (want.chars().count() / 3).max(1);
    headers
        .iter()
        .map(|h| (edit_distance(&normalize(h), &want), h))
        .filter(|&(d, h)| d <= limit && !h.is_empty())
        .min_by_key(|&(d, _)| d)
        .map(|(_, h)| h.as_str())
}

/// Levenshtein distance over chars.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, &cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// `date, ticker, close` as a readable list for messages.
pub fn list(headers: &[String]) -> String {
    headers.join(", ")
}

#[cfg(test)]
#[path = "columns_tests.rs"]
mod tests;
