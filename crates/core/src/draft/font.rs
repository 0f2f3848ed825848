//! The PDF font: the committed subset of Noto Sans CJK SC (`fixtures/fonts/`, OFL) compiled in,
//! or a font file a court supplies, read just enough to lay out text without a shaper:
//! character → glyph (`cmap` format 4 or 12) and advance widths (`hmtx`).
//!
//! Must not: read files (the caller hands bytes in) or panic on a malformed font (a font that
//! cannot be read is an error).

use super::DraftError;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

/// The committed subset: GB2312 level-1 hanzi, GB2312 symbol rows, ASCII and the generator's
/// characters (see `fixtures/fonts/README.md`).
static EMBEDDED: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../fixtures/fonts/NotoSansSC-subset.otf"
));

/// A font ready for PDF drafts: krilla's handle plus our own glyph and width tables.
#[derive(Clone)]
pub struct PdfFont {
    pub(super) krilla: krilla::text::Font,
    pub(super) info: Arc<FontInfo>,
}

impl std::fmt::Debug for PdfFont {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PdfFont")
            .field("glyphs", &self.info.cmap.len())
            .finish()
    }
}

impl PdfFont {
    /// The compiled-in subset font (parsed once per process).
    pub fn embedded() -> Result<PdfFont, DraftError> {
        static FONT: OnceLock<Result<PdfFont, String>> = OnceLock::new();
        FONT.get_or_init(|| PdfFont::from_bytes(EMBEDDED.to_vec(), 0).map_err(|e| e.to_string()))
            .clone()
            .map_err(|message| DraftError::Pdf { message })
    }

    /// A font from OpenType/TrueType bytes (`index`: face in a collection), e.g. a court's full
    /// 仿宋 or Noto CJK for names outside the subset.
    pub fn from_bytes(bytes: Vec<u8>, index: u32) -> Result<PdfFont, DraftError> {
        let info = FontInfo::parse(&bytes, index).ok_or_else(|| DraftError::Pdf {
            message: "cannot read the font's cmap/hmtx tables".into(),
        })?;
        let krilla =
            krilla::text::Font::new(bytes.into(), index).ok_or_else(|| DraftError::Pdf {
                message: "krilla rejected the font".into(),
            })?;
        Ok(PdfFont {
            krilla,
            info: Arc::new(info),
        })
    }

    /// The characters of `text` this font cannot draw (sorted, no duplicates). Whitespace is
    /// never missing: it is laid out as a gap.
    pub fn missing_chars(&self, text: &str) -> Vec<char> {
        let mut out: Vec<char> = text
            .chars()
            .filter(|c| !c.is_whitespace() && self.info.glyph(*c).is_none())
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// What layout needs from the font: char → glyph id, advances, units per em.
#[derive(Debug)]
pub(super) struct FontInfo {
    cmap: HashMap<char, u16>,
    advances: Vec<u16>,
    units_per_em: f32,
}

fn u16_at(b: &[u8], o: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*b.get(o)?, *b.get(o.checked_add(1)?)?]))
}

fn u32_at(b: &[u8], o: usize) -> Option<u32> {
    Some(u32::from_be_bytes([
        *b.get(o)?,
        *b.get(o.checked_add(1)?)?,
        *b.get(o.checked_add(2)?)?,
        *b.get(o.checked_add(3)?)?,
    ]))
}

impl FontInfo {
    /// Reads `head`, `hhea`, `hmtx` and the best Unicode `cmap` subtable (12 over 4).
    fn parse(b: &[u8], index: u32) -> Option<FontInfo> {
        let base = if b.get(0..4)? == b"ttcf" {
            u32_at(b, 12usize.checked_add(4 * index as usize)?)? as usize
        } else {
            0
        };
        let n = u16_at(b, base + 4)? as usize;
        let mut tables: HashMap<&[u8], usize> = HashMap::new();
        for i in 0..n {
            let r = base + 12 + 16 * i;
            tables.insert(b.get(r..r + 4)?, u32_at(b, r + 8)? as usize);
        }
        let head = *tables.get(b"head".as_slice())?;
        let hhea = *tables.get(b"hhea".as_slice())?;
        let hmtx = *tables.get(b"hmtx".as_slice())?;
        let cmap = *tables.get(b"cmap".as_slice())?;
        let units_per_em = f32::from(u16_at(b, head + 18)?.max(1));
        let n_metrics = u16_at(b, hhea + 34)? as usize;
        let advances = (0..n_metrics)
            .map(|i| u16_at(b, hmtx + 4 * i))
            .collect::<Option<Vec<_>>>()?;
        let mut best: Option<(u8, usize)> = None;
        for i in 0..u16_at(b, cmap + 2)? as usize {
            let r = cmap + 4 + 8 * i;
            let (pid, eid) = (u16_at(b, r)?, u16_at(b, r + 2)?);
            let off = cmap.checked_add(u32_at(b, r + 4)? as usize)?;
            let rank = match u16_at(b, off)? {
                12 => 2,
                4 => 1,
                _ => 0,
            };
            let unicode = pid == 0 || (pid == 3 && (eid == 1 || eid == 10));
            if unicode && rank > 0 && best.is_none_or(|(r, _)| rank > r) {
                best = Some((rank, off));
            }
        }
        let (rank, off) = best?;
        let mut map = HashMap::new();
        if rank == 2 {
            for g in 0..u32_at(b, off + 12)? as usize {
                let r = off.checked_add(16 + 12 * g)?;
                let (start, end, gid) = (u32_at(b, r)?, u32_at(b, r + 4)?, u32_at(b, r + 8)?);
                for c in start..=end.min(0x10FFFF) {
                    let g = gid.checked_add(c - start).map(u16::try_from);
                    if let (Some(ch), Some(Ok(g))) = (char::from_u32(c), g)
                        && g != 0
                    {
                        map.insert(ch, g);
                    }
                }
            }
        } else {
            let seg2 = u16_at(b, off + 6)? as usize;
            let ends = off + 14;
            let starts = ends + seg2 + 2;
            let deltas = starts + seg2;
            let ranges = deltas + seg2;
            for s in 0..seg2 / 2 {
                let (end, start) = (u16_at(b, ends + 2 * s)?, u16_at(b, starts + 2 * s)?);
                let delta = u16_at(b, deltas + 2 * s)?;
                let ro = u16_at(b, ranges + 2 * s)? as usize;
                for c in start..=end {
                    if c == 0xFFFF {
                        break;
                    }
                    let gid = if ro == 0 {
                        c.wrapping_add(delta)
                    } else {
                        let g = u16_at(b, ranges + 2 * s + ro + 2 * usize::from(c - start))?;
                        if g == 0 { 0 } else { g.wrapping_add(delta) }
                    };
                    if gid != 0
                        && let Some(ch) = char::from_u32(u32::from(c))
                    {
                        map.insert(ch, gid);
                    }
                }
            }
        }
        Some(FontInfo {
            cmap: map,
            advances,
            units_per_em,
        })
    }

    /// The glyph of `c`, if the font has one.
    pub(super) fn glyph(&self, c: char) -> Option<u16> {
        self.cmap.get(&c).copied()
    }

    /// Advance of a glyph in ems.
    pub(super) fn advance(&self, gid: u16) -> f32 {
        let a = self
            .advances
            .get(usize::from(gid))
            .or(self.advances.last())
            .copied()
            .unwrap_or(1000);
        f32::from(a) / self.units_per_em
    }

    /// Advance of a character in ems (a missing one counts as 1 em).
    pub(super) fn char_advance(&self, c: char) -> f32 {
        self.glyph(c).map_or(1.0, |g| self.advance(g))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_font_covers_draft_wording() {
        let f = PdfFont::embedded().unwrap();
        assert!(
            f.missing_chars("民事判决书支付令〇一二三，。（）、；：“”100,000.00元%×÷＝")
                .is_empty()
        );
        // A GB2312 level-2 character a name might hold is not in the subset.
        assert_eq!(f.missing_chars("王喆"), vec!['喆']);
        assert!((f.info.char_advance('中') - 1.0).abs() < 0.01);
    }

    #[test]
    fn garbage_fonts_are_errors() {
        for b in [vec![], vec![0u8; 12], b"ttcf\0\0\0\0\0\0\0\x05".to_vec()] {
            assert!(PdfFont::from_bytes(b, 0).is_err());
        }
    }
}
