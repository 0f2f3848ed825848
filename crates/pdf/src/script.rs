//! Script properties of characters that both the content interpreter (a CJK glyph's default
//! advance) and `layout` (which gap separates two glyphs) need: one home, so neither of those
//! modules imports the other for it. Pure functions of a `char`; knows nothing of PDF.

/// True for characters of CJK scripts and full-width forms.
pub(crate) fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FDF | 0x3000..=0x303F | 0x3040..=0x30FF | 0x3100..=0x31BF | 0x31F0..=0x31FF
        | 0x3200..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0xFE30..=0xFE4F
        | 0xFF00..=0xFFEF | 0x20000..=0x3FFFF)
}
