//! Text placement. plotters 0.3.7 rasterizes ab_glyph text without each glyph's left side
//! bearing (`ab_glyph.rs` draws outline pixels from `px_bounds().min.y` but not `.min.x`), so
//! in PNGs letters with a wide bearing (`1`, `D`, `a`) sit too far left and words look
//! unevenly spaced. For bitmap output this module draws text one glyph at a time, shifted by
//! the bearing read from the embedded font's `hmtx` table (OpenType spec, `cmap` format 4 and
//! `hmtx`); SVG output keeps whole `<text>` runs, which viewers lay out themselves.

use std::sync::OnceLock;

use plotters::coord::Shift;
use plotters::prelude::{DrawingArea, DrawingBackend, FontTransform, Text};
use plotters::style::text_anchor::{HPos, Pos};
use plotters::style::{FontStyle, TextStyle};

use super::frame::DrawResult;
use super::theme::Theme;

/// Left side bearings of one TrueType font, in font units, by character.
struct Bearings {
    font: &'static [u8],
    cmap: usize,
    hmtx: usize,
    n_hmetrics: usize,
    /// `ascender − descender` of `hhea`, the unit ab_glyph scales a pixel size by.
    height: f64,
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*b.get(at)?, *b.get(at + 1)?]))
}

fn i16_at(b: &[u8], at: usize) -> Option<i16> {
    u16_at(b, at).map(|v| v as i16)
}

fn u32_at(b: &[u8], at: usize) -> Option<usize> {
    Some(u32::from_be_bytes([
        *b.get(at)?,
        *b.get(at + 1)?,
        *b.get(at + 2)?,
        *b.get(at + 3)?,
    ]) as usize)
}

impl Bearings {
    fn parse(font: &'static [u8]) -> Option<Self> {
        let table = |tag: &[u8; 4]| -> Option<usize> {
            (0..usize::from(u16_at(font, 4)?))
                .map(|i| 12 + 16 * i)
                .find(|&r| font.get(r..r + 4) == Some(tag.as_slice()))
                .and_then(|r| u32_at(font, r + 8))
        };
        let hhea = table(b"hhea")?;
        let cmap = table(b"cmap")?;
        let sub = (0..usize::from(u16_at(font, cmap + 2)?))
            .map(|i| cmap + 4 + 8 * i)
            .find(|&r| u16_at(font, r) == Some(3) && u16_at(font, r + 2) == Some(1))
            .and_then(|r| u32_at(font, r + 4))
            .map(|off| cmap + off)
            .filter(|&s| u16_at(font, s) == Some(4))?;
        let height = f64::from(i16_at(font, hhea + 4)?) - f64::from(i16_at(font, hhea + 6)?);
        Some(Bearings {
            font,
            cmap: sub,
            hmtx: table(b"hmtx")?,
            n_hmetrics: usize::from(u16_at(font, hhea + 34)?),
            height,
        })
    }

    /// Glyph id of `c` by the format-4 (BMP) subtable; 0 (`.notdef`) when absent.
    fn glyph(&self, c: char) -> usize {
        let (f, s) = (self.font, self.cmap);
        let Ok(c) = u16::try_from(u32::from(c)) else {
            return 0;
        };
        let seg_x2 = usize::from(u16_at(f, s + 6).unwrap_or(0));
        let ends = s + 14;
        let starts = ends + seg_x2 + 2;
        let deltas = starts + seg_x2;
        let ranges = deltas + seg_x2;
        for i in (0..seg_x2).step_by(2) {
            let end = u16_at(f, ends + i).unwrap_or(0);
            if c > end {
                continue;
            }
            let start = u16_at(f, starts + i).unwrap_or(u16::MAX);
            if c < start {
                return 0;
            }
            let delta = u16_at(f, deltas + i).unwrap_or(0);
            let range = usize::from(u16_at(f, ranges + i).unwrap_or(0));
            if range == 0 {
                return usize::from(c.wrapping_add(delta));
            }
            let at = ranges + i + range + 2 * usize::from(c - start);
            return match u16_at(f, at) {
                Some(0) | None => 0,
                Some(g) => usize::from(g.wrapping_add(delta)),
            };
        }
        0
    }

    /// Left side bearing of `c` in pixels at font size `size`, as ab_glyph rounds it.
    fn lsb_px(&self, c: char, size: f64) -> i32 {
        let g = self.glyph(c);
        let at = if g < self.n_hmetrics {
            self.hmtx + 4 * g + 2
        } else {
            self.hmtx + 4 * self.n_hmetrics + 2 * (g - self.n_hmetrics)
        };
        let lsb = f64::from(i16_at(self.font, at).unwrap_or(0));
        (lsb * size / self.height).floor() as i32
    }
}

fn bearings(style: FontStyle) -> Option<&'static Bearings> {
    static REGULAR: OnceLock<Option<Bearings>> = OnceLock::new();
    static BOLD: OnceLock<Option<Bearings>> = OnceLock::new();
    match style {
        FontStyle::Bold => BOLD.get_or_init(|| Bearings::parse(dejavu::sans::bold())),
        _ => REGULAR.get_or_init(|| Bearings::parse(dejavu::sans::regular())),
    }
    .as_ref()
}

/// Width of `text` in `style`, in pixels.
pub fn width<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    style: &TextStyle<'_>,
) -> DrawResult<i32>
where
    DB::ErrorType: 'static,
{
    Ok(area.estimate_text_size(text, style)?.0 as i32)
}

/// Draw `text` at `pos` (area pixels) anchored as `style.pos` says; horizontal or rotated
/// 270° (reading upwards).
pub fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    th: Theme,
    text: &str,
    pos: (i32, i32),
    style: &TextStyle<'static>,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let metrics = bearings(style.font.get_style());
    let Some(metrics) = metrics.filter(|_| th.bitmap) else {
        area.draw(&Text::new(text.to_string(), pos, style.clone()))?;
        return Ok(());
    };
    let total = width(area, text, style)?;
    let start = match style.pos.h_pos {
        HPos::Left => 0,
        HPos::Center => -total / 2,
        HPos::Right => -total,
    };
    let rotated = matches!(style.font.get_transform(), FontTransform::Rotate270);
    let glyph = style.clone().pos(Pos::new(HPos::Left, style.pos.v_pos));
    let size = style.font.get_size();
    for (i, c) in text.char_indices() {
        if c.is_whitespace() {
            continue;
        }
        let off = start + width(area, &text[..i], style)? + metrics.lsb_px(c, size);
        let at = if rotated {
            (pos.0, pos.1 - off)
        } else {
            (pos.0 + off, pos.1)
        };
        area.draw(&Text::new(c.to_string(), at, glyph.clone()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dejavu_bearings_match_the_font_tables() {
        let b = bearings(FontStyle::Normal).unwrap();
        assert_eq!(b.height, 2384.0);
        // hmtx: '0' (glyph 19) lsb 135, '1' (glyph 20) lsb 225 font units; × 100 / 2384.
        assert_eq!((b.glyph('A'), b.glyph('0'), b.glyph('1')), (36, 19, 20));
        assert_eq!((b.lsb_px('0', 100.0), b.lsb_px('1', 100.0)), (5, 9));
        assert!(b.glyph('\u{2212}') > 0);
        assert!(bearings(FontStyle::Bold).is_some());
    }
}
