//! The PDF font: the committed subset of Noto Sans CJK SC (`fixtures/fonts/`, OFL) compiled in,
//! or a font file a court supplies, read just enough to lay out text without a shaper:
//! character → glyph (`cmap` format 4 or 12) and advance widths (`hmtx`). This is the one place
//! that reads font tables (through skrifa, which krilla already uses); the fixture generator lays
//! its PDFs out with the same [`FontInfo`].
//!
//! Must not: read files (the caller hands bytes in), parse font tables by hand, or panic on a
//! malformed font (a font that cannot be read is an error).

use super::DraftError;
use skrifa::instance::{LocationRef, Size};
use skrifa::raw::TableProvider;
use skrifa::{FontRef, GlyphId, MetadataProvider};
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
    bytes: Arc<Vec<u8>>,
    index: u32,
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
        let bytes = Arc::new(bytes);
        let krilla =
            krilla::text::Font::new(bytes.as_ref().clone().into(), index).ok_or_else(|| {
                DraftError::Pdf {
                    message: "krilla rejected the font".into(),
                }
            })?;
        Ok(PdfFont {
            krilla,
            info: Arc::new(info),
            bytes,
            index,
        })
    }

    /// The glyph and width tables layout reads.
    pub fn info(&self) -> &FontInfo {
        &self.info
    }

    /// krilla's handle on the same font, for drawing glyphs.
    pub fn krilla(&self) -> &krilla::text::Font {
        &self.krilla
    }

    /// Draws the outline of glyph `gid` at `px` pixels per em into `pen` (y upwards, origin at
    /// the glyph's origin on the baseline): what rasterising text needs, as the fixture
    /// generator's scanned pages do. False when the glyph has no outline or cannot be drawn.
    pub fn outline(&self, gid: u16, px: f32, pen: &mut impl skrifa::outline::OutlinePen) -> bool {
        let Ok(font) = FontRef::from_index(&self.bytes, self.index) else {
            return false;
        };
        let outlines = font.outline_glyphs();
        let Some(glyph) = outlines.get(GlyphId::new(u32::from(gid))) else {
            return false;
        };
        let settings =
            skrifa::outline::DrawSettings::unhinted(Size::new(px), LocationRef::default());
        glyph.draw(settings, pen).is_ok()
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

/// What layout needs from a font: char → glyph id (the best Unicode `cmap` subtable), advance
/// widths and units per em. Read once with skrifa, then looked up without touching the font bytes
/// again. Drafts and the fixture generator both lay glyphs out with it.
#[derive(Debug)]
pub struct FontInfo {
    cmap: HashMap<char, u16>,
    /// Advance width of every glyph, in font units.
    advances: Vec<f32>,
    units_per_em: f32,
}

impl FontInfo {
    /// Reads face `index` of OpenType/TrueType (or collection) bytes: `head`'s units per em,
    /// the advances of `hmtx` and the Unicode character map skrifa picks (format 12 over 4).
    /// `None` when the font lacks one of these.
    pub fn parse(bytes: &[u8], index: u32) -> Option<FontInfo> {
        let font = FontRef::from_index(bytes, index).ok()?;
        let units_per_em = f32::from(font.head().ok()?.units_per_em().max(1));
        font.hmtx().ok()?;
        let charmap = font.charmap();
        if !charmap.has_map() {
            return None;
        }
        let cmap = charmap
            .mappings()
            .filter_map(|(c, g)| Some((char::from_u32(c)?, u16::try_from(g.to_u32()).ok()?)))
            .collect();
        let metrics = font.glyph_metrics(Size::unscaled(), LocationRef::default());
        let advances = (0..metrics.glyph_count())
            .map(|g| metrics.advance_width(GlyphId::new(g)).unwrap_or(0.0))
            .collect();
        Some(FontInfo {
            cmap,
            advances,
            units_per_em,
        })
    }

    /// The glyph of `c`, if the font has one.
    pub fn glyph(&self, c: char) -> Option<u16> {
        self.cmap.get(&c).copied()
    }

    /// Advance of a glyph in ems (a glyph past the font's last counts as the last one).
    pub fn advance(&self, gid: u16) -> f32 {
        let a = self
            .advances
            .get(usize::from(gid))
            .or(self.advances.last())
            .copied()
            .unwrap_or(1000.0);
        a / self.units_per_em
    }

    /// Advance of a character in ems (a missing one counts as 1 em).
    pub fn char_advance(&self, c: char) -> f32 {
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
