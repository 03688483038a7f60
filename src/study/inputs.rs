//! Loading a study's inputs: the price panel, the market index (its dates are the trading
//! calendar) and the events, with a BLAKE3 digest of each file computed on a second thread
//! while the files are parsed; and the warnings about the inputs themselves.

use super::factors::FactorDays;
use super::returns::returns_on_calendar;
use crate::calendar::Calendar;
use crate::config::{ReturnKind, StudyConfig};
use crate::data::{EventFile, MarketIndex, PricePanel, ReadOptions, ReturnSource};
use crate::error::{Error, Result};
use crate::result::InputFile;

/// Loaded inputs, ready for per-event work.
pub(super) struct Inputs {
    pub panel: PricePanel,
    pub calendar: Calendar,
    pub market_ret: Vec<Option<f64>>,
    /// Market closes on the calendar (for returns over a span).
    pub market_close: Vec<f64>,
    pub returns: ReturnKind,
    pub events: EventFile,
    /// The factor model's factors on the calendar (`None` for the other models).
    pub factors: Option<FactorDays>,
    pub files: Vec<InputFile>,
    pub warnings: Vec<String>,
    /// What the front end did to read the files (decoding, title lines, duplicates…).
    pub notes: Vec<String>,
}

/// Read the three inputs (and their digests).
///
/// # Errors
/// File-level input errors.
pub(super) fn load(config: &StudyConfig) -> Result<Inputs> {
    let price_files = config.prices.expand("prices")?;
    let (loaded, digests) = std::thread::scope(|scope| {
        let hashing = scope.spawn(|| -> Result<Vec<InputFile>> {
            let mut files = vec![
                digest("market", &config.market)?,
                digest("events", &config.events)?,
            ];
            for (i, f) in price_files.iter().enumerate() {
                files.insert(i, digest("prices", f)?);
            }
            for f in &config.factors {
                files.push(digest("factors", f)?);
            }
            Ok(files)
        });
        let loaded = (|| -> Result<_> {
            let opts = ReadOptions::of(config);
            let panel = PricePanel::load_many(&price_files, &opts)?;
            let market = MarketIndex::load_with(&config.market, &opts)?;
            let events = EventFile::load_with(&config.events, &opts)?;
            Ok((panel, market, events))
        })();
        (loaded, hashing.join())
    });
    let (panel, market, events) = loaded?;
    let files =
        digests.map_err(|_| Error::Internal("the input hashing thread failed".into()))??;
    let mut notes: Vec<String> = panel.notices.clone();
    notes.extend(market.notices.iter().cloned());
    notes.extend(events.notices.iter().cloned());
    let mut warnings = panel.warnings.clone();
    warnings.extend(panel.plausibility());
    if panel.return_source() == ReturnSource::Close {
        warnings.push(format!(
            "{}: no adj_close or prev_close column: returns are close-to-close, so payouts on ex-dates are not accounted for",
            panel.files_display()
        ));
    }
    let calendar = Calendar::new(market.dates.clone());
    let market_ret = returns_on_calendar(&market.close, config.returns);
    let factors = if config.model.is_factor_model() {
        let (f, notes) = FactorDays::load(config, &calendar)?;
        warnings.extend(notes);
        Some(f)
    } else {
        None
    };
    let mut inputs = Inputs {
        panel,
        calendar,
        market_ret,
        market_close: market.close,
        returns: config.returns,
        events,
        factors,
        files,
        warnings: Vec::new(),
        notes,
    };
    warn_off_calendar(&inputs, &mut warnings);
    inputs.warnings = warnings;
    Ok(inputs)
}

/// The BLAKE3 fingerprint of one input file, read through a memory map on all threads of
/// the pool (`blake3`'s `update_mmap_rayon`), while the loader parses the files.
fn digest(role: &str, path: &std::path::Path) -> Result<InputFile> {
    let mut hasher = blake3::Hasher::new();
    hasher.update_mmap_rayon(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(InputFile {
        role: role.to_string(),
        path: path.display().to_string(),
        hash: hasher.finalize().to_hex().to_string(),
        algorithm: crate::result::HASH_ALGORITHM.to_string(),
    })
}

fn warn_off_calendar(inputs: &Inputs, warnings: &mut Vec<String>) {
    let cal = inputs.calendar.dates();
    let p = &inputs.panel;
    let mut count = 0usize;
    let mut first: Option<usize> = None;
    for r in &p.ranges {
        let mut k = 0;
        for i in r.clone() {
            while k < cal.len() && cal[k] < p.date[i] {
                k += 1;
            }
            if k == cal.len() || cal[k] != p.date[i] {
                count += 1;
                first.get_or_insert(i);
            }
        }
    }
    if let Some(i) = first {
        warnings.push(format!(
            "{}: {count} rows fall on dates that are not trading days of the market file (first: line {}, {} {}); they are ignored",
            p.file_of(i).display(),
            p.line_at(i),
            p.tickers[p.ticker_at(i).unwrap_or(0)],
            p.date[i]
        ));
    }
}

impl Inputs {
    /// Market return over the `span` sessions ending on calendar day `k`, shifted by `shift`
    /// sessions (`close[k+shift] / close[k+shift-span]`); `None` off the calendar.
    pub fn market_over(&self, k: usize, span: usize, shift: i64) -> Option<f64> {
        let end = k as i64 + shift;
        let start = end - span as i64;
        if start < 0 || end >= self.market_close.len() as i64 {
            return None;
        }
        if span == 1 && shift == 0 {
            return self.market_ret[k];
        }
        let gross = self.market_close[end as usize] / self.market_close[start as usize];
        gross
            .is_finite()
            .then(|| super::returns::to_kind(gross, self.returns))
    }
}
