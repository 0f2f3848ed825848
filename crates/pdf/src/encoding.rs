//! Character encodings of PDF fonts: the standard single-byte encodings (WinAnsi, MacRoman,
//! Standard, MacExpert), glyph names (`/Differences`), and the predefined CJK CMaps that a
//! Type0 font may name as its `/Encoding` (UCS-2/UTF-16 ones, and GBK, GB18030, Big5,
//! Shift-JIS, EUC-JP, EUC-KR ones decoded through `encoding_rs`), with the CIDs each of them
//! gives single-byte ASCII ([`AsciiCids`]) and the HKSCS meaning of Big5 private-use code
//! points ([`hkscs_pua`]).
//!
//! Owns only code → Unicode tables. It does not read font dictionaries (that is `font`).
//! The single-byte tables and the Adobe Glyph List come from lopdf's own copies, read through
//! its public `Encoding` API once and cached, so we do not carry a second 4,000-line table.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

/// Decodes UTF-16 units; lone surrogates become U+FFFD; NULs are dropped.
pub(crate) fn units_to_string(units: &[u16]) -> String {
    char::decode_utf16(units.iter().copied())
        .map(|r| r.unwrap_or('\u{FFFD}'))
        .filter(|c| *c != '\0')
        .collect()
}

/// A 256-entry single-byte encoding (None: no character at that code).
pub(crate) type ByteTable = [Option<char>; 256];

fn lopdf_table(encoding_name: &[u8]) -> ByteTable {
    let mut out: ByteTable = [None; 256];
    let mut dict = lopdf::Dictionary::new();
    dict.set("Type", lopdf::Object::Name(b"Font".to_vec()));
    dict.set("Encoding", lopdf::Object::Name(encoding_name.to_vec()));
    let doc = lopdf::Document::new();
    if let Ok(lopdf::Encoding::OneByteEncoding(table)) = dict.get_font_encoding(&doc) {
        for (i, g) in table.iter().enumerate() {
            if let Some(g) = g {
                out[i] = char::from_u32(u32::from(g.utf16_code_unit()));
            }
        }
    }
    out
}

/// The table of a named base encoding (`WinAnsiEncoding`, …), None for an unknown name.
pub(crate) fn base_table(name: &[u8]) -> Option<&'static ByteTable> {
    static WIN: OnceLock<ByteTable> = OnceLock::new();
    static MAC: OnceLock<ByteTable> = OnceLock::new();
    static STD: OnceLock<ByteTable> = OnceLock::new();
    static EXP: OnceLock<ByteTable> = OnceLock::new();
    match name {
        b"WinAnsiEncoding" => Some(WIN.get_or_init(|| {
            let mut t = lopdf_table(b"WinAnsiEncoding");
            // Readers map the undefined WinAnsi slots and 0x20-looking codes as Acrobat does.
            if t[0x20].is_none() {
                t[0x20] = Some(' ');
            }
            t
        })),
        b"MacRomanEncoding" => Some(MAC.get_or_init(|| lopdf_table(b"MacRomanEncoding"))),
        b"StandardEncoding" => Some(STD.get_or_init(|| lopdf_table(b"StandardEncoding"))),
        b"MacExpertEncoding" => Some(EXP.get_or_init(|| lopdf_table(b"MacExpertEncoding"))),
        _ => None,
    }
}

/// The built-in encoding of the standard Symbol or ZapfDingbats font (PDF 32000-1, Annex D.5
/// and D.6), for a font of that name without an encoding of its own; None for other fonts.
pub(crate) fn symbolic_builtin(base_font: &str) -> Option<&'static ByteTable> {
    static SYMBOL: OnceLock<ByteTable> = OnceLock::new();
    static DINGBATS: OnceLock<ByteTable> = OnceLock::new();
    match font_family(base_font) {
        "Symbol" | "SymbolMT" => Some(SYMBOL.get_or_init(symbol_table)),
        "ZapfDingbats" | "ZapfDingbatsITC" | "Dingbats" => {
            Some(DINGBATS.get_or_init(dingbats_table))
        }
        _ => None,
    }
}

/// A `/BaseFont` without its subset prefix and its style suffix: "ABCDEF+Arial,Bold" and
/// "Arial-BoldMT" → "Arial".
pub(crate) fn font_family(base_font: &str) -> &str {
    let name = base_font.split_once('+').map_or(base_font, |(_, n)| n);
    name.split([',', '-']).next().unwrap_or(name)
}

fn symbol_table() -> ByteTable {
    let mut t: ByteTable = [None; 256];
    for b in 0x20u8..0x7F {
        t[usize::from(b)] = Some(char::from(b));
    }
    // Greek capitals and small letters on A–Z, a–z (Adobe's Symbol order).
    let upper = "ΑΒΧΔΕΦΓΗΙϑΚΛΜΝΟΠΘΡΣΤΥςΩΞΨΖ";
    let lower = "αβχδεφγηιϕκλμνοπθρστυϖωξψζ";
    for (i, c) in upper.chars().enumerate() {
        t[0x41 + i] = Some(c);
    }
    for (i, c) in lower.chars().enumerate() {
        t[0x61 + i] = Some(c);
    }
    for (code, c) in [
        (0x22, '∀'),
        (0x24, '∃'),
        (0x27, '∋'),
        (0x2A, '∗'),
        (0x2D, '−'),
        (0x40, '≅'),
        (0x5C, '∴'),
        (0x5E, '⊥'),
        (0x60, '\u{F8E5}'),
        (0x7E, '∼'),
    ] {
        t[code] = Some(c);
    }
    let high =
        "€ϒ′≤⁄∞ƒ♣♦♥♠↔←↑→↓°±″≥×∝∂•÷≠≡≈…\u{F8E6}\u{F8E7}↵ℵℑℜ℘⊗⊕∅∩∪⊃⊇⊄⊂⊆∈∉∠∇®©™∏√⋅¬∧∨⇔⇐⇑⇒⇓◊〈®©™∑";
    for (i, c) in high.chars().enumerate() {
        t[0xA0 + i] = Some(c);
    }
    for (slot, u) in t[0xE6..=0xEF].iter_mut().zip(0xF8EB..) {
        *slot = char::from_u32(u);
    }
    t[0xF1] = Some('〉');
    t[0xF2] = Some('∫');
    t[0xF3] = Some('⌠');
    t[0xF4] = Some('\u{F8F5}');
    t[0xF5] = Some('⌡');
    for (slot, u) in t[0xF6..=0xFE].iter_mut().zip(0xF8F6..) {
        *slot = char::from_u32(u);
    }
    t
}

fn dingbats_table() -> ByteTable {
    let mut t: ByteTable = [None; 256];
    t[0x20] = Some(' ');
    // Mostly U+2701 onwards in code order, with the glyphs Unicode has elsewhere.
    for (slot, u) in t[0x21..=0x7E].iter_mut().zip(0x2701..) {
        *slot = char::from_u32(u);
    }
    for (code, c) in [
        (0x25, '☎'),
        (0x2A, '☛'),
        (0x2B, '☞'),
        (0x48, '★'),
        (0x6C, '●'),
        (0x6E, '■'),
        (0x73, '▲'),
        (0x74, '▼'),
        (0x75, '◆'),
        (0x77, '◗'),
    ] {
        t[code] = Some(c);
    }
    let ranges: [(usize, usize, u32); 12] = [
        (0x80, 0x8D, 0x2768),
        (0xA1, 0xA7, 0x2761),
        (0xAC, 0xB5, 0x2460),
        (0xB6, 0xBF, 0x2776),
        (0xC0, 0xC9, 0x2780),
        (0xCA, 0xD3, 0x278A),
        (0xD4, 0xD4, 0x2794),
        (0xD8, 0xDF, 0x2798),
        (0xE0, 0xEF, 0x27A0),
        (0xF1, 0xFE, 0x27B1),
        (0xA8, 0xA8, 0x2663),
        (0xAB, 0xAB, 0x2660),
    ];
    for (lo, hi, base) in ranges {
        for (slot, u) in t[lo..=hi].iter_mut().zip(base..) {
            *slot = char::from_u32(u);
        }
    }
    t[0xA9] = Some('♦');
    t[0xAA] = Some('♥');
    t[0xD5] = Some('→');
    t[0xD6] = Some('↔');
    t[0xD7] = Some('↕');
    t
}

fn lopdf_glyph(name: &[u8]) -> Option<char> {
    let mut enc = lopdf::Dictionary::new();
    enc.set(
        "Differences",
        lopdf::Object::Array(vec![
            lopdf::Object::Integer(0),
            lopdf::Object::Name(name.to_vec()),
        ]),
    );
    let mut dict = lopdf::Dictionary::new();
    dict.set("Type", lopdf::Object::Name(b"Font".to_vec()));
    dict.set("Encoding", lopdf::Object::Dictionary(enc));
    let doc = lopdf::Document::new();
    match dict.get_font_encoding(&doc) {
        Ok(lopdf::Encoding::Differences(d)) => d
            .map
            .get(&0)
            .and_then(|g| char::from_u32(u32::from(g.utf16_code_unit()))),
        _ => None,
    }
}

fn parse_hex(s: &[u8]) -> Option<u32> {
    if s.is_empty() || s.len() > 8 {
        return None;
    }
    let t = std::str::from_utf8(s).ok()?;
    u32::from_str_radix(t, 16).ok()
}

fn one_component(name: &[u8]) -> Option<String> {
    if name.is_empty() {
        return None;
    }
    // uniXXXX[XXXX...]: UTF-16 code units, four hex digits each.
    if let Some(hex) = name.strip_prefix(b"uni")
        && !hex.is_empty()
        && hex.len() % 4 == 0
        && hex.iter().all(u8::is_ascii_hexdigit)
    {
        let units: Vec<u16> = hex
            .chunks(4)
            .filter_map(|c| parse_hex(c).map(|v| v as u16))
            .collect();
        let s = units_to_string(&units);
        return if s.is_empty() { None } else { Some(s) };
    }
    // uXXXX to uXXXXXX: one code point.
    if let Some(hex) = name.strip_prefix(b"u")
        && (4..=6).contains(&hex.len())
        && hex.iter().all(u8::is_ascii_hexdigit)
    {
        return parse_hex(hex).and_then(char::from_u32).map(String::from);
    }
    if let Some(c) = lopdf_glyph(name) {
        return Some(c.to_string());
    }
    None
}

/// A glyph name without its variant suffix (`a.sc` → `a`; `.notdef` stays).
fn without_variant(name: &[u8]) -> &[u8] {
    match name.iter().position(|&b| b == b'.') {
        Some(i) if i > 0 => &name[..i],
        _ => name,
    }
}

/// The Unicode text of a glyph name (Adobe Glyph List, `uniXXXX`, `uXXXXX`, ligatures with
/// `_`, suffixes after `.` dropped). None for names that carry no character (`g123`, `cid45`).
pub(crate) fn glyph_name_to_unicode(name: &[u8]) -> Option<String> {
    thread_local! {
        static CACHE: RefCell<HashMap<Vec<u8>, Option<String>>> = RefCell::new(HashMap::new());
    }
    if let Some(hit) = CACHE.with(|c| c.borrow().get(name).cloned()) {
        return hit;
    }
    let base = without_variant(name);
    let result = if base.contains(&b'_') {
        let parts: Option<Vec<String>> = base.split(|&b| b == b'_').map(one_component).collect();
        parts.map(|p| p.concat())
    } else {
        one_component(base)
    };
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() < 100_000 {
            c.insert(name.to_vec(), result.clone());
        }
    });
    result
}

/// Whether a glyph name is one the Adobe Glyph List knows (or a `uniXXXX` / `uXXXX` name, or
/// a ligature / variant of such names). lopdf's table is pdf.js's, which adds TeX and
/// Unicode-style names (`triangle`, `angbracketleft`); `data/agl_extras.txt` lists those.
pub(crate) fn in_agl(name: &[u8]) -> bool {
    static EXTRAS: OnceLock<HashSet<&'static [u8]>> = OnceLock::new();
    let extras = EXTRAS.get_or_init(|| {
        include_str!("data/agl_extras.txt")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::as_bytes)
            .collect()
    });
    glyph_name_to_unicode(name).is_some()
        && without_variant(name)
            .split(|&b| b == b'_')
            .all(|part| !extras.contains(part))
}

/// How a predefined CMap splits bytes into codes and what those codes mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Predefined {
    /// `Identity-H/V`: two-byte codes equal to CIDs; text needs a ToUnicode map.
    Identity,
    /// `Uni*-UCS2-*`: two-byte UCS-2 code units.
    Ucs2,
    /// `Uni*-UTF16-*`: UTF-16BE, surrogate pairs four bytes.
    Utf16,
    /// `Uni*-UTF8-*`: UTF-8.
    Utf8,
    /// A legacy multi-byte charset decoded by `encoding_rs`.
    Legacy(Legacy),
}

/// Legacy CJK charsets behind predefined CMaps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Legacy {
    /// GB2312 / GBK (`GB-EUC-*`, `GBpc-EUC-*`, `GBK-EUC-*`, `GBKp-EUC-*`).
    Gbk,
    /// GB18030 (`GBK2K-*`).
    Gb18030,
    /// Big5 (`B5pc-*`, `ETen-B5-*`, `HKscs-B5-*`, `ETenms-B5-*`).
    Big5,
    /// Shift-JIS (`*-RKSJ-*`).
    ShiftJis,
    /// EUC-JP (`EUC-H/V`).
    EucJp,
    /// EUC-KR / UHC (`KSC-EUC-*`, `KSCms-UHC-*`, `KSCpc-EUC-*`).
    EucKr,
    /// JIS X 0208 row/cell codes without the EUC high bits (`H`, `V`).
    Jis,
}

/// Recognises a predefined CMap name; the bool says whether it writes vertically.
pub(crate) fn predefined(name: &[u8]) -> Option<(Predefined, bool)> {
    let n = std::str::from_utf8(name).ok()?;
    let vertical = n.ends_with("-V");
    let p = if n == "Identity-H" || n == "Identity-V" {
        Predefined::Identity
    } else if n.starts_with("Uni") && n.contains("-UCS2-") {
        Predefined::Ucs2
    } else if n.starts_with("Uni") && n.contains("-UTF16-") {
        Predefined::Utf16
    } else if n.starts_with("Uni") && n.contains("-UTF8-") {
        Predefined::Utf8
    } else if n.starts_with("GBK2K-") {
        Predefined::Legacy(Legacy::Gb18030)
    } else if n.starts_with("GB") && n.contains("EUC-") {
        Predefined::Legacy(Legacy::Gbk)
    } else if n.starts_with("B5") || n.starts_with("ETen") || n.starts_with("HKscs") {
        Predefined::Legacy(Legacy::Big5)
    } else if n.contains("RKSJ") {
        Predefined::Legacy(Legacy::ShiftJis)
    } else if n == "H" || n == "V" {
        Predefined::Legacy(Legacy::Jis)
    } else if n == "EUC-H" || n == "EUC-V" {
        Predefined::Legacy(Legacy::EucJp)
    } else if n.starts_with("KSC") {
        Predefined::Legacy(Legacy::EucKr)
    } else {
        return None;
    };
    Some((p, vertical))
}

impl Predefined {
    /// Splits the next code off `bytes`: (code, byte length). Never returns length 0 for
    /// non-empty input.
    pub(crate) fn next_code(self, bytes: &[u8]) -> (u32, usize) {
        let take = |n: usize| {
            let n = n.min(bytes.len()).max(1);
            (
                bytes[..n].iter().fold(0u32, |a, &b| a << 8 | u32::from(b)),
                n,
            )
        };
        let b0 = bytes.first().copied().unwrap_or(0);
        match self {
            Predefined::Identity | Predefined::Ucs2 => take(2),
            Predefined::Utf16 => {
                if (0xD8..=0xDB).contains(&b0) {
                    take(4)
                } else {
                    take(2)
                }
            }
            Predefined::Utf8 => take(match b0 {
                0xC0..=0xDF => 2,
                0xE0..=0xEF => 3,
                0xF0..=0xF7 => 4,
                _ => 1,
            }),
            Predefined::Legacy(l) => {
                let two = match l {
                    Legacy::Gbk | Legacy::Big5 | Legacy::EucKr => (0x81..=0xFE).contains(&b0),
                    Legacy::Gb18030 => {
                        if (0x81..=0xFE).contains(&b0) && matches!(bytes.get(1), Some(0x30..=0x39))
                        {
                            return take(4);
                        }
                        (0x81..=0xFE).contains(&b0)
                    }
                    Legacy::ShiftJis => matches!(b0, 0x81..=0x9F | 0xE0..=0xFC),
                    Legacy::Jis => true,
                    Legacy::EucJp => {
                        if b0 == 0x8F {
                            return take(3);
                        }
                        b0 == 0x8E || (0xA1..=0xFE).contains(&b0)
                    }
                };
                take(if two { 2 } else { 1 })
            }
        }
    }

    /// The Unicode text of a code of `len` bytes, when this CMap alone determines it.
    pub(crate) fn to_unicode(self, code: u32, len: usize) -> Option<String> {
        let bytes: Vec<u8> = (0..len).rev().map(|i| (code >> (8 * i)) as u8).collect();
        match self {
            Predefined::Identity => None,
            Predefined::Ucs2 | Predefined::Utf16 => {
                let units: Vec<u16> = bytes
                    .chunks(2)
                    .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
                    .collect();
                let s = units_to_string(&units);
                if s.is_empty() { None } else { Some(s) }
            }
            Predefined::Utf8 => std::str::from_utf8(&bytes).ok().map(str::to_owned),
            Predefined::Legacy(l) => {
                if len == 1 && bytes[0] < 0x80 {
                    return Some(char::from(bytes[0]).to_string());
                }
                let mut bytes = bytes;
                if l == Legacy::Jis {
                    bytes.iter_mut().for_each(|b| *b |= 0x80);
                }
                let enc = match l {
                    Legacy::Jis => encoding_rs::EUC_JP,
                    Legacy::Gbk => encoding_rs::GBK,
                    Legacy::Gb18030 => encoding_rs::GB18030,
                    Legacy::Big5 => encoding_rs::BIG5,
                    Legacy::ShiftJis => encoding_rs::SHIFT_JIS,
                    Legacy::EucJp => encoding_rs::EUC_JP,
                    Legacy::EucKr => encoding_rs::EUC_KR,
                };
                let (s, had_errors) = enc.decode_without_bom_handling(&bytes);
                if had_errors {
                    None
                } else {
                    Some(s.into_owned())
                }
            }
        }
    }

    /// A best-guess CID for width lookup: an ASCII code maps to the CID the CMap gives it
    /// (`ascii`: the proportional CIDs 1–95 that Adobe-GB1, -CNS1, -Japan1 and -Korea1 share,
    /// or the half-width ones of the older EUC / RKSJ / Big5 CMaps); anything else is unknown.
    pub(crate) fn guess_cid(self, code: u32, len: usize, ascii: AsciiCids) -> Option<u32> {
        match self {
            Predefined::Identity => Some(code),
            _ => {
                let byte = match (self, len) {
                    (Predefined::Legacy(_), 1) | (Predefined::Utf8, 1) => Some(code),
                    (Predefined::Ucs2 | Predefined::Utf16, 2) if code < 0x80 => Some(code),
                    _ => None,
                }?;
                // The Unicode CMaps always use the proportional CIDs.
                let ascii = match self {
                    Predefined::Legacy(_) => ascii,
                    _ => AsciiCids::Proportional,
                };
                ascii.cid(u8::try_from(byte).ok()?)
            }
        }
    }
}

/// Which CIDs a predefined CMap gives the single-byte ASCII codes 0x20–0x7E: they decide the
/// widths, so the wrong ones move every later glyph (Adobe's CMap files, `cidrange` of
/// `<20> <7e>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum AsciiCids {
    /// CIDs 1–95 (the `Uni*`, `*pc*`, `*p-*`, `*pv-*`, `*ms-UHC`, `GBK2K`, `HKscs` CMaps).
    #[default]
    Proportional,
    /// Adobe-GB1 half-width: space 7716, `!`–`~` 814–907 (`GB-EUC`, `GBK-EUC`, `GBT-EUC`).
    GbHalf,
    /// Adobe-CNS1 half-width: 13648–13742 (`B5`, `ETen-B5`, `CNS-EUC`).
    CnsHalf,
    /// Adobe-Japan1 half-width: 231–325 (`EUC`, `RKSJ`, `78-`/`90ms-`/`Add-`/`Ext-RKSJ`).
    JapanHalf,
    /// Adobe-Korea1 half-width: 8094–8188 (`KSC-EUC`, `KSCms-UHC-HW`).
    KoreaHalf,
}

impl AsciiCids {
    /// The ASCII CIDs of a predefined CMap name (`-H`/`-V` alike).
    pub(crate) fn of(name: &[u8]) -> AsciiCids {
        let Ok(n) = std::str::from_utf8(name) else {
            return AsciiCids::Proportional;
        };
        let n = n
            .strip_suffix("-H")
            .or_else(|| n.strip_suffix("-V"))
            .unwrap_or(n);
        match n {
            "GB-EUC" | "GBK-EUC" | "GBT-EUC" => AsciiCids::GbHalf,
            "B5" | "ETen-B5" | "CNS-EUC" => AsciiCids::CnsHalf,
            "EUC" | "RKSJ" | "78-EUC" | "78-RKSJ" | "78ms-RKSJ" | "90ms-RKSJ" | "Add-RKSJ"
            | "Ext-RKSJ" => AsciiCids::JapanHalf,
            "KSC-EUC" | "KSCms-UHC-HW" => AsciiCids::KoreaHalf,
            _ => AsciiCids::Proportional,
        }
    }

    /// The CID of an ASCII byte 0x20–0x7E; None for other bytes.
    pub(crate) fn cid(self, byte: u8) -> Option<u32> {
        if !(0x20..=0x7E).contains(&byte) {
            return None;
        }
        let k = u32::from(byte - 0x20);
        Some(match self {
            AsciiCids::Proportional => 1 + k,
            AsciiCids::GbHalf if byte == 0x20 => 7716,
            AsciiCids::GbHalf => 813 + k,
            AsciiCids::CnsHalf => 13648 + k,
            AsciiCids::JapanHalf => 231 + k,
            AsciiCids::KoreaHalf => 8094 + k,
        })
    }
}

/// The character behind a Hong Kong (HKSCS) private-use code point: Big5 codes outside the
/// standard set were given PUA code points by row (Microsoft's end-user-defined mapping that
/// HKSCS fonts and Adobe's `UniCNS-*` CMaps follow), and HKSCS has since given most of them
/// real code points (`U+E687` → Big5 `0x93C7` → `U+2555B` 𥕛). None for other characters
/// and for PUA codes HKSCS does not define.
pub(crate) fn hkscs_pua(c: char) -> Option<char> {
    let u = c as u32;
    // (first PUA code point, first lead byte, first trail index) of each block, in order.
    const BLOCKS: [(u32, u32, u32, u32); 4] = [
        (0xE000, 0xE310, 0xFA, 0),
        (0xE311, 0xEEB7, 0x8E, 0),
        (0xEEB8, 0xF6B0, 0x81, 0),
        (0xF6B1, 0xF848, 0xC6, 63),
    ];
    let &(first, _, lead0, trail0) = BLOCKS.iter().find(|b| (b.0..=b.1).contains(&u))?;
    let k = u - first + trail0;
    let lead = lead0 + k / 157;
    let t = k % 157;
    let trail = if t < 63 { 0x40 + t } else { 0xA1 + t - 63 };
    let bytes = [u8::try_from(lead).ok()?, u8::try_from(trail).ok()?];
    let (s, had_errors) = encoding_rs::BIG5.decode_without_bom_handling(&bytes);
    let mut chars = s.chars();
    match (had_errors, chars.next(), chars.next()) {
        (false, Some(r), None) if !matches!(r as u32, 0xE000..=0xF8FF) => Some(r),
        _ => None,
    }
}

/// An Adobe character collection whose CIDs have a known Unicode meaning (tables in
/// `data/`, from Adobe's BSD-licensed `Adobe-*-UCS2` CMaps; see `data/README.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Collection {
    /// Adobe-GB1 (simplified Chinese).
    Gb1,
    /// Adobe-CNS1 (traditional Chinese).
    Cns1,
    /// Adobe-Japan1.
    Japan1,
    /// Adobe-Korea1.
    Korea1,
}

/// Highest CID a collection table may hold.
const MAX_COLLECTION_CID: u32 = 65_535;

impl Collection {
    /// The collection of a `/CIDSystemInfo` (registry, ordering), when a table exists.
    pub(crate) fn of(registry: &str, ordering: &str) -> Option<Collection> {
        if registry != "Adobe" {
            return None;
        }
        match ordering {
            "GB1" => Some(Collection::Gb1),
            "CNS1" => Some(Collection::Cns1),
            "Japan1" => Some(Collection::Japan1),
            "Korea1" => Some(Collection::Korea1),
            _ => None,
        }
    }

    /// The collection a predefined CMap name belongs to (`UniGB-…`, `GBK-EUC-H`, `90ms-RKSJ-H`).
    pub(crate) fn of_cmap(name: &[u8]) -> Option<Collection> {
        let n = std::str::from_utf8(name).ok()?;
        if n.starts_with("UniGB") || n.starts_with("GB") {
            Some(Collection::Gb1)
        } else if n.starts_with("UniCNS")
            || n.starts_with("B5")
            || n.starts_with("ETen")
            || n.starts_with("HKscs")
            || n.starts_with("CNS")
        {
            Some(Collection::Cns1)
        } else if n.starts_with("UniJIS")
            || n.contains("RKSJ")
            || n.starts_with("EUC-")
            || n == "H"
            || n == "V"
        {
            Some(Collection::Japan1)
        } else if n.starts_with("UniKS") || n.starts_with("KSC") {
            Some(Collection::Korea1)
        } else {
            None
        }
    }

    /// The Unicode character of a CID.
    pub(crate) fn to_unicode(self, cid: u32) -> Option<char> {
        static TABLES: [OnceLock<Vec<u32>>; 4] = [
            OnceLock::new(),
            OnceLock::new(),
            OnceLock::new(),
            OnceLock::new(),
        ];
        let (slot, data): (usize, &[u8]) = match self {
            Collection::Gb1 => (0, include_bytes!("data/GB1.cidu")),
            Collection::Cns1 => (1, include_bytes!("data/CNS1.cidu")),
            Collection::Japan1 => (2, include_bytes!("data/Japan1.cidu")),
            Collection::Korea1 => (3, include_bytes!("data/Korea1.cidu")),
        };
        let table = TABLES[slot].get_or_init(|| decode_collection(data));
        let u = *table.get(usize::try_from(cid).ok()?)?;
        if u == 0 { None } else { char::from_u32(u) }
    }
}

/// Decodes a `.cidu` table (format in `data/gen_cid.py`) into code points indexed by CID
/// (0: none). Bounded by [`MAX_COLLECTION_CID`] whatever the bytes say.
fn decode_collection(data: &[u8]) -> Vec<u32> {
    fn varint(data: &[u8], at: &mut usize) -> Option<u64> {
        let mut v = 0u64;
        for shift in (0..35).step_by(7) {
            let b = *data.get(*at)?;
            *at += 1;
            v |= u64::from(b & 0x7F) << shift;
            if b & 0x80 == 0 {
                return Some(v);
            }
        }
        None
    }
    let mut out: Vec<u32> = Vec::new();
    let (mut at, mut cid, mut uni) = (0usize, -1i64, 0i64);
    while at < data.len() {
        let (Some(gap), Some(zz), Some(run)) = (
            varint(data, &mut at),
            varint(data, &mut at),
            varint(data, &mut at),
        ) else {
            break;
        };
        let delta = if zz & 1 == 1 {
            -((zz as i64 + 1) >> 1)
        } else {
            (zz >> 1) as i64
        };
        cid += gap as i64 + 1;
        uni += delta;
        for k in 0..=run as i64 {
            let (c, u) = (cid + k, uni + k);
            if c < 0 || c > i64::from(MAX_COLLECTION_CID) || !(0..=0x10FFFF).contains(&u) {
                return out;
            }
            let c = c as usize;
            if out.len() <= c {
                out.resize(c + 1, 0);
            }
            out[c] = u as u32;
        }
        cid += run as i64;
        uni += run as i64;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collection_tables_map_cids() {
        let gb = Collection::of("Adobe", "GB1");
        assert_eq!(gb, Some(Collection::Gb1));
        assert_eq!(Collection::Gb1.to_unicode(34), Some('A'));
        assert_eq!(Collection::Gb1.to_unicode(4559), Some('中'));
        assert_eq!(Collection::Japan1.to_unicode(842), Some('ぁ'));
        assert_eq!(Collection::Japan1.to_unicode(1200), Some('一'));
        assert_eq!(Collection::Cns1.to_unicode(34), Some('A'));
        assert_eq!(Collection::Korea1.to_unicode(34), Some('A'));
        assert_eq!(Collection::Gb1.to_unicode(0), None);
        assert_eq!(Collection::Gb1.to_unicode(1_000_000), None);
        assert_eq!(Collection::of("Adobe", "Identity"), None);
        assert_eq!(Collection::of_cmap(b"GBK-EUC-H"), Some(Collection::Gb1));
        // Garbage never panics and stays bounded.
        assert!(decode_collection(&[0xFF; 64]).len() <= 65_536);
        assert!(decode_collection(&[0x80, 0x80, 0x80, 0x80, 0x7F, 0, 5]).is_empty());
    }

    #[test]
    fn base_tables_come_from_lopdf() {
        let win = base_table(b"WinAnsiEncoding").map(|t| (t[0x41], t[0x80], t[0xE9]));
        assert_eq!(win, Some((Some('A'), Some('€'), Some('é'))));
        let std = base_table(b"StandardEncoding").map(|t| (t[0x27], t[0xAE]));
        assert_eq!(std, Some((Some('’'), Some('ﬁ'))));
        assert!(base_table(b"Nope").is_none());
    }

    #[test]
    fn glyph_names() {
        assert_eq!(glyph_name_to_unicode(b"A").as_deref(), Some("A"));
        assert_eq!(glyph_name_to_unicode(b"eacute").as_deref(), Some("é"));
        assert_eq!(glyph_name_to_unicode(b"uni4E2D").as_deref(), Some("中"));
        assert_eq!(
            glyph_name_to_unicode(b"uni4E2D6587").as_deref(),
            Some("中文")
        );
        assert_eq!(
            glyph_name_to_unicode(b"u20000").as_deref(),
            Some("\u{20000}")
        );
        assert_eq!(glyph_name_to_unicode(b"f_i").as_deref(), Some("fi"));
        assert_eq!(glyph_name_to_unicode(b"a.sc").as_deref(), Some("a"));
        assert_eq!(glyph_name_to_unicode(b"g123"), None);
        assert!(in_agl(b"A") && in_agl(b"uni4E2D") && in_agl(b"f_i") && in_agl(b"a.sc"));
        assert!(in_agl(b"triagup"), "the AGL's own triangle");
        // pdf.js/lopdf names the AGL lacks, and names nobody knows.
        assert!(!in_agl(b"triangle") && !in_agl(b"square") && !in_agl(b"angbracketleft"));
        assert!(!in_agl(b"g123") && !in_agl(b"fontinside"));
    }

    #[test]
    fn predefined_cmaps_decode() {
        let (gbk, v) = predefined(b"GBK-EUC-H").unwrap_or((Predefined::Identity, true));
        assert!(!v);
        let bytes = [0xD6u8, 0xD0, b'1'];
        let (c, n) = gbk.next_code(&bytes);
        assert_eq!(n, 2);
        assert_eq!(gbk.to_unicode(c, n).as_deref(), Some("中"));
        let (c, n) = gbk.next_code(&bytes[2..]);
        assert_eq!(
            (
                gbk.to_unicode(c, n).as_deref(),
                gbk.guess_cid(c, n, AsciiCids::Proportional),
                gbk.guess_cid(c, n, AsciiCids::of(b"GBK-EUC-H"))
            ),
            (Some("1"), Some(18), Some(830))
        );
        let (sj, _) = predefined(b"90ms-RKSJ-H").unwrap_or((Predefined::Identity, true));
        let (c, n) = sj.next_code(&[0x93, 0xFA]);
        assert_eq!(sj.to_unicode(c, n).as_deref(), Some("日"));
        let (b5, _) = predefined(b"ETen-B5-H").unwrap_or((Predefined::Identity, true));
        let (c, n) = b5.next_code(&[0xA4, 0xA4]);
        assert_eq!(b5.to_unicode(c, n).as_deref(), Some("中"));
        let (g18, _) = predefined(b"GBK2K-H").unwrap_or((Predefined::Identity, true));
        assert_eq!(g18.next_code(&[0x81, 0x30, 0x81, 0x30]).1, 4);
        let (u, _) = predefined(b"UniGB-UTF16-H").unwrap_or((Predefined::Identity, true));
        let (c, n) = u.next_code(&[0xD8, 0x40, 0xDC, 0x00]);
        assert_eq!(u.to_unicode(c, n).as_deref(), Some("\u{20000}"));
        assert_eq!(predefined(b"UniGB-UCS2-V").map(|p| p.1), Some(true));
    }
}
