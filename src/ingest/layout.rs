//! Reading order: rebuilds lines of text from glyph positions.
//!
//! Glyphs are grouped by writing direction, then into lines by baseline (tolerance relative to
//! the font size), lines ordered top → bottom and glyphs left → right. Inside a line a gap
//! decides what goes between two glyphs: nothing between CJK glyphs or inside a number, a space
//! where the gap says a word ended, a TAB where it is wide (table cells). Pure function of its
//! input; knows nothing of PDF syntax.

use super::content::{Glyph, PageGlyphs};

/// Gap (in em) above which two glyphs are in different table cells.
const TAB_GAP: f64 = 2.0;
/// Gap (in em) above which a space separates two Latin glyphs.
const SPACE_GAP: f64 = 0.25;
/// Gap (in em) above which a space separates two digits/number punctuation.
const NUMBER_GAP: f64 = 0.45;
/// Gap (in em) above which a space separates two CJK glyphs.
const CJK_GAP: f64 = 1.0;

/// True for characters of CJK scripts and full-width forms.
pub(crate) fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FDF | 0x3000..=0x303F | 0x3040..=0x30FF | 0x3100..=0x31BF | 0x31F0..=0x31FF
        | 0x3200..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0xFE30..=0xFE4F
        | 0xFF00..=0xFFEF | 0x20000..=0x3FFFF)
}

fn is_numberish(c: char) -> bool {
    c.is_ascii_digit() || matches!(c, ',' | '.' | '%' | '-' | '/' | ':')
}

struct Item<'g> {
    g: &'g Glyph,
    u0: f64,
    u1: f64,
    v: f64,
    size: f64,
    idx: usize,
}

fn frame(orientation: u8, x: f64, y: f64) -> (f64, f64) {
    match orientation {
        0 => (x, y),
        1 => (y, -x),
        2 => (-x, -y),
        _ => (-y, x),
    }
}

/// Builds the page text from collected glyphs. `media_box` (x0, y0, x1, y1 in device space)
/// drops glyphs drawn off the page, as viewers do.
pub(crate) fn page_text(pg: &PageGlyphs, media_box: Option<[f64; 4]>) -> String {
    let mut groups: [Vec<Item<'_>>; 4] = Default::default();
    let mut last_orientation = 0u8;
    for (idx, g) in pg.glyphs.iter().enumerate() {
        let size = if g.size.is_finite() && g.size > 1e-3 {
            g.size
        } else {
            1e-3
        };
        if let Some([mx0, my0, mx1, my1]) = media_box {
            let m = size.max(1.0);
            if g.x0 < mx0 - m || g.x0 > mx1 + m || g.y0 < my0 - m || g.y0 > my1 + m {
                continue;
            }
        }
        let (dx, dy) = (g.x1 - g.x0, g.y1 - g.y0);
        let orientation = if dx.abs() < 1e-6 && dy.abs() < 1e-6 {
            last_orientation
        } else if dx.abs() >= dy.abs() {
            if dx >= 0.0 { 0 } else { 2 }
        } else if dy > 0.0 {
            1
        } else {
            3
        };
        last_orientation = orientation;
        let (u0, v) = frame(orientation, g.x0, g.y0);
        let (u1, _) = frame(orientation, g.x1, g.y1);
        groups[usize::from(orientation)].push(Item {
            g,
            u0,
            u1: u1.max(u0),
            v,
            size,
            idx,
        });
    }
    let mut order: Vec<usize> = (0..4).filter(|&o| !groups[o].is_empty()).collect();
    order.sort_by_key(|&o| std::cmp::Reverse(groups[o].len()));

    let mut out = String::new();
    for o in order {
        let mut items = std::mem::take(&mut groups[o]);
        items.sort_by(|a, b| b.v.total_cmp(&a.v).then(a.idx.cmp(&b.idx)));
        let mut lines: Vec<Vec<Item<'_>>> = Vec::new();
        let mut anchor: Option<(f64, f64)> = None;
        for it in items {
            match anchor {
                Some((v, s)) if (v - it.v).abs() <= 0.5 * s.max(it.size) => {
                    if let Some(l) = lines.last_mut() {
                        l.push(it);
                    }
                }
                _ => {
                    anchor = Some((it.v, it.size));
                    lines.push(vec![it]);
                }
            }
        }
        for line in lines {
            let line = order_line(line);
            let text = line_text(pg, &line);
            let trimmed = text.trim_end();
            if trimmed.trim_start().is_empty() {
                continue;
            }
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(trimmed);
        }
    }
    out
}

/// Orders a line left → right by chunks: consecutive glyphs of one string-showing run stay
/// together (a cell that overflows into the next column is not interleaved with it), and
/// chunks are ordered by where they start.
fn order_line(mut line: Vec<Item<'_>>) -> Vec<Item<'_>> {
    line.sort_by_key(|it| it.idx);
    let mut chunks: Vec<Vec<Item<'_>>> = Vec::new();
    for it in line {
        match chunks.last_mut() {
            Some(c)
                if c.last().is_some_and(|l| {
                    l.g.run == it.g.run && l.idx + 1 == it.idx && it.u0 >= l.u0 - 0.01 * it.size
                }) =>
            {
                c.push(it)
            }
            _ => chunks.push(vec![it]),
        }
    }
    chunks.sort_by(|a, b| {
        let (fa, fb) = (&a[0], &b[0]);
        fa.u0.total_cmp(&fb.u0).then(fa.idx.cmp(&fb.idx))
    });
    chunks.into_iter().flatten().collect()
}

fn line_text(pg: &PageGlyphs, line: &[Item<'_>]) -> String {
    let mut s = String::new();
    let mut kept: Vec<&Item<'_>> = Vec::with_capacity(line.len());
    let mut prev_end = f64::NEG_INFINITY;
    for it in line {
        let text = pg
            .text
            .get(it.g.start as usize..it.g.end as usize)
            .unwrap_or("");
        // A second copy of the same glyph at (almost) the same place from another run is a
        // fake-bold overprint or a shadow: keep one.
        let dup = kept.iter().rev().take(6).any(|k| {
            k.g.run != it.g.run
                && (k.u0 - it.u0).abs() < 0.2 * it.size
                && (k.v - it.v).abs() < 0.2 * it.size
                && pg.text.get(k.g.start as usize..k.g.end as usize) == Some(text)
        });
        if dup {
            continue;
        }
        if let Some(prev) = kept.last() {
            let prev_text = pg
                .text
                .get(prev.g.start as usize..prev.g.end as usize)
                .unwrap_or("");
            let gap = it.u0 - prev_end;
            let em = prev.size.max(it.size);
            let a = prev_text.chars().next_back().unwrap_or(' ');
            let b = text.chars().next().unwrap_or(' ');
            let new_chunk = prev.g.run != it.g.run;
            if gap > TAB_GAP * em || (new_chunk && gap < -em && !dup_free_overlap(prev, it)) {
                while s.ends_with(' ') {
                    s.pop();
                }
                s.push('\t');
            } else if !a.is_whitespace() && !b.is_whitespace() {
                let threshold = if is_cjk(a) && is_cjk(b) {
                    CJK_GAP
                } else if is_numberish(a) && is_numberish(b) {
                    NUMBER_GAP
                } else {
                    SPACE_GAP
                };
                if gap > threshold * em {
                    s.push(' ');
                }
            }
        }
        s.push_str(text);
        prev_end = if kept.is_empty() {
            it.u1
        } else {
            prev_end.max(it.u1)
        };
        // A glyph far to the left of the running end (overlapping runs) resets it.
        if it.u1 < prev_end - TAB_GAP * it.size {
            prev_end = it.u1;
        }
        kept.push(it);
    }
    s
}

/// True when `it` starts inside `prev`'s own box (kerning-like overlap, not cell overflow).
fn dup_free_overlap(prev: &Item<'_>, it: &Item<'_>) -> bool {
    it.u0 >= prev.u0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn glyphs(spec: &[(&str, f64, f64, f64, f64)]) -> PageGlyphs {
        let mut pg = PageGlyphs::default();
        for (i, (t, x, y, w, size)) in spec.iter().enumerate() {
            let start = pg.text.len() as u32;
            pg.text.push_str(t);
            pg.glyphs.push(Glyph {
                start,
                end: pg.text.len() as u32,
                x0: *x,
                y0: *y,
                x1: x + w,
                y1: *y,
                size: *size,
                run: i as u32,
            });
        }
        pg
    }

    #[test]
    fn lines_sorted_top_to_bottom_and_gaps_decide_separators() {
        let pg = glyphs(&[
            ("b", 100.0, 700.0, 5.0, 10.0),
            ("中", 10.0, 680.0, 10.0, 10.0),
            ("文", 20.5, 680.0, 10.0, 10.0),
            ("a", 90.0, 700.5, 5.0, 10.0),
            ("1", 10.0, 660.0, 5.0, 10.0),
            ("2", 15.5, 660.0, 5.0, 10.0),
            ("x", 80.0, 660.0, 5.0, 10.0),
            ("y", 88.0, 660.0, 5.0, 10.0),
        ]);
        assert_eq!(page_text(&pg, None), "a b\n中文\n12\tx y");
    }

    #[test]
    fn overprinted_bold_is_deduplicated_and_offpage_dropped() {
        let pg = glyphs(&[
            ("A", 10.0, 700.0, 6.0, 10.0),
            ("A", 10.3, 700.0, 6.0, 10.0),
            ("Z", 9000.0, 700.0, 6.0, 10.0),
        ]);
        assert_eq!(page_text(&pg, Some([0.0, 0.0, 612.0, 792.0])), "A");
    }
}
