//! The look shared by every chart: the Okabe–Ito colour-blind-safe palette (Okabe and Ito
//! 2008, "Color Universal Design"), font sizes that scale with the image width (legible at
//! 1200 px and at 600 px), and number formatting (percent with a true minus sign).
//!
//! Text is drawn with the embedded DejaVu Sans registered under `"sans-serif"`, so a chart
//! renders to the same pixels on every machine.

use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{FontStyle, IntoFont, RGBColor, TextStyle};

/// Okabe–Ito black.
pub const BLACK: RGBColor = RGBColor(0, 0, 0);
/// Okabe–Ito orange.
pub const ORANGE: RGBColor = RGBColor(230, 159, 0);
/// Okabe–Ito sky blue.
pub const SKY: RGBColor = RGBColor(86, 180, 233);
/// Okabe–Ito bluish green.
pub const GREEN: RGBColor = RGBColor(0, 158, 115);
/// Okabe–Ito yellow.
pub const YELLOW: RGBColor = RGBColor(240, 228, 66);
/// Okabe–Ito blue.
pub const BLUE: RGBColor = RGBColor(0, 114, 178);
/// Okabe–Ito vermillion.
pub const VERMILLION: RGBColor = RGBColor(213, 94, 0);
/// Okabe–Ito reddish purple.
pub const PURPLE: RGBColor = RGBColor(204, 121, 167);
/// Grid lines and secondary text (not part of the palette: neutral grey).
pub const GRID: RGBColor = RGBColor(224, 224, 224);
/// Days without a trade (suspension or missing row).
pub const SHADE: RGBColor = RGBColor(236, 236, 236);
/// Secondary text.
pub const MUTED: RGBColor = RGBColor(90, 90, 90);

/// Series colours in the order they are handed out (yellow last: weakest on white).
pub const SERIES: [RGBColor; 8] = [BLUE, VERMILLION, GREEN, ORANGE, PURPLE, SKY, BLACK, YELLOW];

/// Up-limit days (price ceiling).
pub const UP: RGBColor = GREEN;
/// Down-limit days (price floor).
pub const DOWN: RGBColor = VERMILLION;

/// Font family name the embedded DejaVu Sans is registered under.
pub const FAMILY: &str = "sans-serif";

/// Sizes of one rendering, all in pixels, derived from the image size.
#[derive(Debug, Clone, Copy)]
pub struct Theme {
    /// Image width.
    pub width: u32,
    /// Image height.
    pub height: u32,
    /// `width / 1200`: 1 at the reference size.
    pub scale: f64,
    /// Raster output: text is placed glyph by glyph (see `text.rs`).
    pub bitmap: bool,
}

impl Theme {
    /// The theme of a `width × height` image, raster or vector.
    pub fn new(width: u32, height: u32, bitmap: bool) -> Self {
        Theme {
            width,
            height,
            scale: f64::from(width) / 1200.0,
            bitmap,
        }
    }

    fn px(self, base: f64, min: f64) -> f64 {
        (base * self.scale).max(min).round()
    }

    /// Title font size.
    pub fn title_px(self) -> f64 {
        self.px(26.0, 15.0)
    }

    /// Subtitle font size.
    pub fn subtitle_px(self) -> f64 {
        self.px(17.0, 12.0)
    }

    /// Axis-description font size.
    pub fn desc_px(self) -> f64 {
        self.px(17.0, 12.0)
    }

    /// Tick-label and legend font size.
    pub fn tick_px(self) -> f64 {
        self.px(15.0, 11.0)
    }

    /// Outer margin.
    pub fn margin(self) -> i32 {
        self.px(18.0, 8.0) as i32
    }

    /// A line width scaled with the image (at least one pixel).
    pub fn stroke(self, base: f64) -> u32 {
        (base * self.scale.max(0.7)).round().max(1.0) as u32
    }

    /// Tick labels.
    pub fn tick(self) -> TextStyle<'static> {
        text(self.tick_px()).color(&MUTED)
    }
}

/// Regular text of `size` pixels.
pub fn text(size: f64) -> TextStyle<'static> {
    (FAMILY, size).into_font().color(&BLACK)
}

/// Bold text of `size` pixels.
pub fn bold(size: f64) -> TextStyle<'static> {
    (FAMILY, size, FontStyle::Bold).into_font().color(&BLACK)
}

/// A copy of `style` anchored at `(h, v)`.
pub fn anchored(style: &TextStyle<'static>, h: HPos, v: VPos) -> TextStyle<'static> {
    style.pos(Pos::new(h, v))
}

/// `value` (a fraction) as a percent with `decimals` places and a true minus sign: `−9.9%`.
pub fn pct(value: f64, decimals: usize) -> String {
    signed(&format!("{:.*}%", decimals, value * 100.0))
}

/// `value` (already in percent units) as a tick label.
pub fn pct_tick(value: f64, decimals: usize) -> String {
    signed(&format!("{value:.decimals$}%"))
}

/// A relative day as `−5`, `0`, `+5`.
pub fn rel_day(day: i32) -> String {
    match day {
        0 => "0".to_string(),
        d if d > 0 => format!("+{d}"),
        d => format!("\u{2212}{}", d.unsigned_abs()),
    }
}

/// Replace a leading ASCII minus by U+2212 and drop the sign of a rounded zero.
fn signed(s: &str) -> String {
    match s.strip_prefix('-') {
        Some(rest) if rest.chars().any(|c| c.is_ascii_digit() && c != '0') => {
            format!("\u{2212}{rest}")
        }
        Some(rest) => rest.to_string(),
        None => s.to_string(),
    }
}

/// Decimals that tell ticks `step` apart (0 for steps of 1 or more).
pub fn decimals_for(step: f64) -> usize {
    if !(step.is_finite() && step > 0.0) || step >= 1.0 {
        0
    } else {
        (-step.log10().floor()) as usize
    }
}

/// `[lo, hi]` of the finite values, widened to include `also`, padded by `pad` of the span
/// on each side, never empty.
pub fn padded_range(values: impl Iterator<Item = f64>, also: &[f64], pad: f64) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in values.chain(also.iter().copied()).filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if !lo.is_finite() {
        return (-1.0, 1.0);
    }
    let span = (hi - lo).max(hi.abs().max(lo.abs()) * 0.02).max(1e-9);
    (lo - pad * span, hi + pad * span)
}

/// A "nice" tick step (1, 2 or 5 × 10^k) giving at most `max_ticks` ticks over `span`.
pub fn nice_step(span: f64, max_ticks: usize) -> f64 {
    let raw = span / max_ticks.max(1) as f64;
    if !(raw.is_finite() && raw > 0.0) {
        return 1.0;
    }
    let mag = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag)
}

/// The next finer 1-2-5 step below `step` (5 → 2 → 1 → 0.5 …).
pub fn finer_step(step: f64) -> f64 {
    let mag = 10f64.powf(step.log10().floor());
    let m = (step / mag).round();
    if m >= 5.0 {
        2.0 * mag
    } else if m >= 2.0 {
        mag
    } else {
        0.5 * mag
    }
}

/// Multiples of `step` inside `[lo, hi]`.
pub fn ticks(lo: f64, hi: f64, step: f64) -> Vec<f64> {
    let first = (lo / step).ceil() as i64;
    let last = (hi / step).floor() as i64;
    (first..=last).map(|k| k as f64 * step).collect()
}

/// A day step (1, 2, 5, 10, 20, 50, …) leaving room for `label_px`-wide labels on `width_px`.
pub fn day_step(n_days: usize, width_px: f64, label_px: f64) -> i32 {
    let fits = |step: i32| (n_days as f64 / f64::from(step)) * label_px * 1.8 <= width_px;
    let last = i32::try_from(n_days).unwrap_or(i32::MAX).max(1);
    let mut mag = 1i32;
    loop {
        for m in [1i32, 2, 5] {
            let step = m.saturating_mul(mag);
            if fits(step) || step >= last {
                return step;
            }
        }
        mag = mag.saturating_mul(10);
    }
}

/// `text` cut to at most `max_chars` characters, with an ellipsis when cut.
pub fn truncate(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        text.to_string()
    } else {
        let mut t: String = text.chars().take(max_chars.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_labels_use_a_true_minus_and_no_negative_zero() {
        assert_eq!(pct(-0.0999, 1), "\u{2212}10.0%");
        assert_eq!(pct(0.0412, 2), "4.12%");
        assert_eq!(pct_tick(-0.001, 1), "0.0%");
        assert_eq!(rel_day(-5), "\u{2212}5");
        assert_eq!(rel_day(3), "+3");
    }

    #[test]
    fn nice_steps_are_one_two_five() {
        assert_eq!(nice_step(10.0, 5), 2.0);
        assert_eq!(nice_step(23.0, 5), 5.0);
        assert_eq!(nice_step(0.9, 6), 0.2);
        assert_eq!(ticks(-3.1, 4.2, 2.0), vec![-2.0, 0.0, 2.0, 4.0]);
        assert_eq!(decimals_for(0.5), 1);
        assert_eq!(finer_step(50.0), 20.0);
        assert_eq!(finer_step(20.0), 10.0);
        assert_eq!(finer_step(10.0), 5.0);
        assert_eq!(decimals_for(2.0), 0);
    }

    #[test]
    fn day_steps_grow_one_two_five_ten() {
        assert_eq!(day_step(21, 1000.0, 40.0), 2);
        assert_eq!(day_step(21, 2000.0, 40.0), 1);
        assert_eq!(day_step(21, 400.0, 40.0), 5);
        assert_eq!(day_step(250, 400.0, 40.0), 50);
    }
}
