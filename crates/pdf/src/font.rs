//! Fonts as the text extractor needs them: how a shown string splits into codes, what Unicode
//! text and what advance width each code has.
//!
//! Order of trust for text: a `/ToUnicode` map first (entry by entry: a code the map lacks falls
//! through), then a predefined CJK CMap, then the Adobe collection's CID → Unicode table
//! (Adobe-GB1/CNS1/Japan1/Korea1), then the embedded TrueType/OpenType program's own `cmap`
//! and `post` glyph names (`sfnt`, read on first need); for simple fonts `/Encoding` (base
//! encoding, or the embedded Type 1 / CFF program's built-in encoding when none is named
//! (`fontfile`), + `/Differences`, where a glyph named after its own code — "a224" at 224 —
//! stands for that code). A `UniCNS` CMap's Hong Kong private-use code points are read as the
//! HKSCS characters they stand for. Widths of a predefined CMap's single-byte ASCII codes
//! come from the CIDs that CMap gives them (half-width ones in the EUC / RKSJ / Big5 CMaps).
//! Loading a font never fails: whatever cannot be read becomes a warning and a fallback, so
//! one bad font costs its own glyphs, never the page. This module does not walk content streams.

use std::cell::OnceCell;
use std::collections::HashMap;

use lopdf::{Dictionary, Document, Object};

use super::cmap::{CidCMap, ToUnicode};
use super::encoding::{self, AsciiCids, ByteTable, Collection, Predefined};
use super::fontfile;
use super::sfnt::Sfnt;

/// Most bytes a ToUnicode or embedded CMap stream may decompress to.
const MAX_CMAP_BYTES: usize = 16 << 20;
/// Most individual widths read from a `/W` or `/Widths` array.
const MAX_WIDTHS: usize = 1 << 20;
/// Most bytes an embedded font program may decompress to.
const MAX_FONT_BYTES: usize = 32 << 20;

/// Follows references (bounded) to the object they name.
pub(crate) fn resolve<'a>(doc: &'a Document, mut obj: &'a Object) -> Option<&'a Object> {
    for _ in 0..16 {
        match obj {
            Object::Reference(id) => obj = doc.get_object(*id).ok()?,
            other => return Some(other),
        }
    }
    None
}

/// A dictionary entry, references followed.
pub(crate) fn get<'a>(doc: &'a Document, dict: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    resolve(doc, dict.get(key).ok()?)
}

/// A dictionary entry that is a dictionary (or a stream's dictionary).
pub(crate) fn get_dict<'a>(
    doc: &'a Document,
    dict: &'a Dictionary,
    key: &[u8],
) -> Option<&'a Dictionary> {
    match get(doc, dict, key)? {
        Object::Dictionary(d) => Some(d),
        Object::Stream(s) => Some(&s.dict),
        _ => None,
    }
}

/// A numeric dictionary entry.
pub(crate) fn get_num(doc: &Document, dict: &Dictionary, key: &[u8]) -> Option<f64> {
    num(get(doc, dict, key)?)
}

/// A number object as f64 (finite only).
pub(crate) fn num(obj: &Object) -> Option<f64> {
    let v = match obj {
        Object::Integer(i) => *i as f64,
        Object::Real(r) => f64::from(*r),
        _ => return None,
    };
    v.is_finite().then_some(v)
}

/// A name dictionary entry.
pub(crate) fn get_name<'a>(
    doc: &'a Document,
    dict: &'a Dictionary,
    key: &[u8],
) -> Option<&'a [u8]> {
    match get(doc, dict, key)? {
        Object::Name(n) => Some(n),
        _ => None,
    }
}

/// Why a stream's bytes could not be had.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum StreamError {
    /// It decodes past the byte limit (a decompression bomb or a stream too large).
    TooLarge(usize),
    /// It expands more than [`MAX_DECOMPRESSION_RATIO`] times its encoded size, past
    /// [`RATIO_FLOOR_BYTES`]: a decompression bomb (nested filters), stopped before it is
    /// inflated further.
    Ratio,
    /// Its filter failed.
    Undecodable(String),
}

/// Most a stream may expand when decoded (encoded bytes × this), once past
/// [`RATIO_FLOOR_BYTES`]. Text content compresses about 5–20×; one Flate pass cannot exceed
/// about 1,030×, so beyond 200× is a run of one byte or nested filters: a bomb.
pub(crate) const MAX_DECOMPRESSION_RATIO: usize = 200;
/// Decoded size under which the ratio is not checked (small streams of spaces are harmless).
pub(crate) const RATIO_FLOOR_BYTES: usize = 4 << 20;

impl std::fmt::Display for StreamError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StreamError::TooLarge(limit) => write!(
                f,
                "stream larger than {:.1} MiB once decompressed",
                *limit as f64 / f64::from(1u32 << 20)
            ),
            StreamError::Ratio => write!(
                f,
                "stream expands more than {MAX_DECOMPRESSION_RATIO}x once decompressed \
                 (decompression bomb)"
            ),
            StreamError::Undecodable(e) => write!(f, "stream could not be decoded: {e}"),
        }
    }
}

/// Decoded bytes of a stream, bounded.
pub(crate) fn stream_data(stream: &lopdf::Stream, limit: usize) -> Result<Vec<u8>, StreamError> {
    let ratio_limit = stream
        .content
        .len()
        .saturating_mul(MAX_DECOMPRESSION_RATIO)
        .max(RATIO_FLOOR_BYTES);
    match stream.decompressed_content_with_limit(limit.min(ratio_limit)) {
        Ok(d) => Ok(d),
        Err(lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded { .. })) => {
            Err(if ratio_limit < limit {
                StreamError::Ratio
            } else {
                StreamError::TooLarge(limit)
            })
        }
        Err(e) => {
            // Abbreviated filter names, a stray byte in ASCIIHex/ASCII85: read as poppler does.
            if let Some(d) = super::filters::decode_lenient(stream, limit.min(ratio_limit)) {
                return Ok(d);
            }
            if stream.dict.get(b"Filter").is_err() {
                if stream.content.len() <= limit {
                    Ok(stream.content.clone())
                } else {
                    Err(StreamError::TooLarge(limit))
                }
            } else {
                Err(StreamError::Undecodable(e.to_string()))
            }
        }
    }
}

/// Widths of the standard 14 fonts for ASCII 32..=126 (Helvetica, Times-Roman); Courier is
/// monospaced at 600.
const HELVETICA: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667,
    611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667,
    667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500,
    222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];
const TIMES: [u16; 95] = [
    250, 333, 408, 500, 500, 833, 778, 180, 333, 333, 500, 564, 250, 333, 250, 278, 500, 500, 500,
    500, 500, 500, 500, 500, 500, 500, 278, 278, 564, 564, 564, 444, 921, 722, 667, 667, 722, 611,
    556, 722, 722, 333, 389, 722, 611, 889, 722, 722, 556, 722, 667, 556, 611, 722, 722, 944, 722,
    722, 611, 333, 278, 333, 469, 500, 333, 444, 500, 444, 500, 444, 333, 500, 500, 278, 278, 500,
    278, 778, 500, 500, 500, 500, 333, 389, 278, 500, 500, 722, 500, 500, 444, 480, 200, 480, 541,
];

#[derive(Debug, Clone, Copy)]
enum Std14 {
    Helvetica,
    Times,
    Courier,
}

impl Std14 {
    fn of(base_font: &str) -> Option<Std14> {
        // Subset prefix "ABCDEF+" and style suffixes are ignored.
        let name = base_font.rsplit('+').next().unwrap_or(base_font);
        if name.starts_with("Helvetica") || name.starts_with("Arial") {
            Some(Std14::Helvetica)
        } else if name.starts_with("Times") {
            Some(Std14::Times)
        } else if name.starts_with("Courier") {
            Some(Std14::Courier)
        } else {
            None
        }
    }

    fn width(self, c: char) -> Option<f64> {
        let code = c as u32;
        if !(32..=126).contains(&code) {
            return None;
        }
        let i = (code - 32) as usize;
        Some(f64::from(match self {
            Std14::Helvetica => HELVETICA[i],
            Std14::Times => TIMES[i],
            Std14::Courier => 600,
        }))
    }
}

/// How codes of a Type0 font split and map to CIDs.
#[derive(Debug)]
enum CodeMap {
    Predefined(Predefined),
    Embedded(CidCMap, Option<Predefined>),
}

/// CID widths from `/W`: sorted, non-overlapping as written.
#[derive(Debug, Default)]
struct CidWidths {
    ranges: Vec<(u32, u32, f64)>,
    singles: HashMap<u32, f64>,
}

impl CidWidths {
    fn parse(doc: &Document, w: &[Object]) -> CidWidths {
        let mut out = CidWidths::default();
        let mut i = 0;
        let mut count = 0usize;
        while i < w.len() && count < MAX_WIDTHS {
            let Some(first) = resolve(doc, &w[i]).and_then(num) else {
                i += 1;
                continue;
            };
            let first = first.max(0.0) as u32;
            match w.get(i + 1).and_then(|o| resolve(doc, o)) {
                Some(Object::Array(ws)) => {
                    for (k, wv) in ws.iter().enumerate() {
                        if let Some(v) = resolve(doc, wv).and_then(num) {
                            out.singles.insert(first.saturating_add(k as u32), v);
                            count += 1;
                        }
                    }
                    i += 2;
                }
                Some(o) => {
                    let last = num(o).unwrap_or(0.0).max(0.0) as u32;
                    let v = w.get(i + 2).and_then(|o| resolve(doc, o)).and_then(num);
                    if let Some(v) = v
                        && last >= first
                    {
                        out.ranges.push((first, last, v));
                        count += 1;
                    }
                    i += 3;
                }
                None => break,
            }
        }
        out.ranges.sort_by_key(|r| r.0);
        out
    }

    fn get(&self, cid: u32) -> Option<f64> {
        if let Some(v) = self.singles.get(&cid) {
            return Some(*v);
        }
        let idx = self.ranges.partition_point(|r| r.0 <= cid);
        self.ranges[..idx]
            .iter()
            .rev()
            .take(4)
            .find(|r| cid <= r.1)
            .map(|r| r.2)
    }
}

#[derive(Debug)]
enum Kind {
    Simple {
        table: Box<ByteTable>,
        /// `/Differences`: None for a glyph name that carries no character.
        differences: HashMap<u8, Option<String>>,
        first_char: u32,
        widths: Vec<f64>,
        missing_width: Option<f64>,
        std14: Option<Std14>,
    },
    Composite {
        map: CodeMap,
        widths: CidWidths,
        default_width: f64,
        vertical_advance: f64,
        /// The Adobe collection of the CIDs, when its CID → Unicode table is known.
        collection: Option<Collection>,
        /// The CIDs the predefined CMap gives single-byte ASCII codes.
        ascii: AsciiCids,
        /// CIDs are glyph ids of a Windows core font that is not embedded (see
        /// [`core_font_glyph_order`]): read through the standard Macintosh glyph order.
        mac_order: bool,
    },
}

/// Whether a non-embedded TrueType CID font (Identity, no ToUnicode, no CIDToGIDMap) is one of
/// the Windows core fonts Arial (and Arial Black), Times New Roman or Courier New, whose first
/// 258 glyphs are in the standard Macintosh order (glyph 3 = space, 36 = `A`, 68 = `a`, 112 =
/// `é`): Word and some PDF printers write their text as glyph ids without a ToUnicode map, and
/// poppler then prints the ids as characters shifted by 29 (`QHSDV` for "nepas").
fn core_font_glyph_order(base_font: &str) -> bool {
    // "ABCDEF+Arial,Bold" / "TimesNewRomanPS-BoldMT" / "Courier New" → family.
    let family: String = encoding::font_family(base_font)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let family = family.trim_end_matches("MT").trim_end_matches("PS");
    matches!(
        family,
        "Arial" | "ArialBlack" | "TimesNewRoman" | "CourierNew"
    )
}

/// The built-in encoding of a simple font's embedded Type 1 (`/FontFile`) or CFF
/// (`/FontFile3 /Type1C`) program.
fn builtin_encoding(doc: &Document, dict: &Dictionary) -> Option<fontfile::BuiltinEncoding> {
    let fd = get_dict(doc, dict, b"FontDescriptor")?;
    if let Some(Object::Stream(s)) = get(doc, fd, b"FontFile") {
        return fontfile::type1_encoding(&stream_data(s, MAX_FONT_BYTES).ok()?);
    }
    match get(doc, fd, b"FontFile3") {
        Some(Object::Stream(s))
            if get_name(doc, &s.dict, b"Subtype") == Some(b"Type1C".as_slice()) =>
        {
            fontfile::cff_encoding(&stream_data(s, MAX_FONT_BYTES).ok()?)
        }
        _ => None,
    }
}

/// An embedded font program whose own tables may name the glyphs the PDF's maps do not.
#[derive(Debug)]
struct Program {
    /// The font file stream (`/FontFile2`, or `/FontFile3` of subtype `OpenType`).
    stream: lopdf::Stream,
    /// The `/CIDToGIDMap` stream of a CIDFontType2 (None: identity).
    cid_to_gid: Option<lopdf::Stream>,
    /// A simple font whose codes select glyphs through the (3,0) or (1,0) cmap.
    symbolic: bool,
}

/// What was read from a [`Program`], on first need.
#[derive(Debug, Default)]
struct ProgramTables {
    /// Glyph id → text: the inverted Unicode cmap, then `post` glyph names.
    glyph_text: HashMap<u16, String>,
    /// Simple fonts: code → glyph id through the symbol or Macintosh cmap.
    code_glyph: HashMap<u32, u16>,
    /// CID → glyph id (None: identity).
    cid_to_gid: Option<Vec<u16>>,
}

impl Program {
    fn find(doc: &Document, dict: &Dictionary, symbolic: bool) -> Option<Box<Program>> {
        let fd = get_dict(doc, dict, b"FontDescriptor")?;
        let stream = match get(doc, fd, b"FontFile2") {
            Some(Object::Stream(s)) => s,
            _ => match get(doc, fd, b"FontFile3") {
                Some(Object::Stream(s))
                    if get_name(doc, &s.dict, b"Subtype") == Some(b"OpenType".as_slice()) =>
                {
                    s
                }
                _ => return None,
            },
        };
        let cid_to_gid = match get(doc, dict, b"CIDToGIDMap") {
            Some(Object::Stream(s)) => Some(s.clone()),
            _ => None,
        };
        Some(Box::new(Program {
            stream: stream.clone(),
            cid_to_gid,
            symbolic,
        }))
    }

    fn read(&self) -> ProgramTables {
        let mut out = ProgramTables::default();
        if let Some(s) = &self.cid_to_gid
            && let Ok(d) = stream_data(s, 2 << 20)
        {
            out.cid_to_gid = Some(
                d.chunks_exact(2)
                    .map(|c| u16::from_be_bytes([c[0], c[1]]))
                    .collect(),
            );
        }
        let Ok(data) = stream_data(&self.stream, MAX_FONT_BYTES) else {
            return out;
        };
        let Some(sfnt) = Sfnt::parse(&data) else {
            return out;
        };
        out.glyph_text = sfnt
            .glyph_to_unicode()
            .into_iter()
            .filter(|(_, c)| !matches!(*c as u32, 0xE000..=0xF8FF))
            .map(|(g, c)| (g, c.to_string()))
            .collect();
        for (gid, name) in sfnt.names.iter().enumerate() {
            let (Ok(gid), Some(name)) = (u16::try_from(gid), name) else {
                continue;
            };
            if gid == 0 || out.glyph_text.contains_key(&gid) {
                continue;
            }
            if let Some(t) = encoding::glyph_name_to_unicode(name.as_bytes()) {
                out.glyph_text.insert(gid, t);
            }
        }
        if self.symbolic {
            let sym = sfnt.cmap(3, 0);
            let mac = sfnt.cmap(1, 0);
            for code in 0..256u32 {
                let g = sym
                    .and_then(|t| {
                        [code, 0xF000 + code, 0xF100 + code, 0xF200 + code]
                            .into_iter()
                            .find_map(|c| t.glyph(c))
                    })
                    .or_else(|| mac.and_then(|t| t.glyph(code)));
                if let Some(g) = g {
                    out.code_glyph.insert(code, g);
                }
            }
        }
        out
    }
}

/// The number of a glyph name made of one or two letters and two to four decimal digits
/// ("a224", "g18", "cd65"), the form producers use for glyphs they only know by code.
fn numbered_name(name: &[u8]) -> Option<u32> {
    let letters = name.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    let digits = &name[letters..];
    if !(1..=2).contains(&letters)
        || !(2..=4).contains(&digits.len())
        || !digits.iter().all(u8::is_ascii_digit)
    {
        return None;
    }
    std::str::from_utf8(digits).ok()?.parse().ok()
}

/// The only character of `s`, when it has exactly one.
fn single_char(s: &str) -> Option<char> {
    let mut it = s.chars();
    match (it.next(), it.next()) {
        (Some(c), None) => Some(c),
        _ => None,
    }
}

/// One code of a shown string, decoded.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Decoded {
    /// Bytes the code took.
    pub(crate) len: usize,
    /// The Unicode text (None: the font cannot say).
    pub(crate) text: Option<String>,
    /// Horizontal advance in text-space units per unit of font size (glyph width / 1000).
    pub(crate) width: f64,
    /// A single-byte code 32, to which word spacing (`Tw`) applies.
    pub(crate) is_space_byte: bool,
}

/// A font, loaded and ready to decode shown strings.
#[derive(Debug)]
pub(crate) struct Font {
    /// `/BaseFont`, for warnings.
    pub(crate) name: String,
    kind: Kind,
    to_unicode: Option<ToUnicode>,
    /// Writes vertically (a `-V` CMap).
    pub(crate) vertical: bool,
    /// Glyph-space to text-space factor (1/1000 except Type3's `/FontMatrix`).
    width_scale: f64,
    /// The embedded TrueType/OpenType program, consulted for codes the maps leave unmapped.
    program: Option<Box<Program>>,
    /// Its tables, read on the first such code.
    program_tables: OnceCell<ProgramTables>,
    /// Problems met while loading.
    pub(crate) warnings: Vec<String>,
}

fn load_to_unicode(
    doc: &Document,
    font: &Dictionary,
    warnings: &mut Vec<String>,
) -> Option<ToUnicode> {
    let s = match get(doc, font, b"ToUnicode") {
        Some(Object::Stream(s)) => s,
        // `/ToUnicode /Identity-H`: not valid, but common; codes are then read as UCS-2.
        Some(Object::Name(n)) if n.starts_with(b"Identity") => return Some(ToUnicode::identity()),
        _ => return None,
    };
    match stream_data(s, MAX_CMAP_BYTES) {
        Ok(data) => {
            let m = ToUnicode::parse(&data);
            warnings.extend(m.warnings.iter().cloned());
            if m.is_empty() {
                warnings.push("ToUnicode map has no usable entry; using the encoding".into());
                None
            } else {
                Some(m)
            }
        }
        Err(e) => {
            warnings.push(format!("ToUnicode unreadable ({e}); using the encoding"));
            None
        }
    }
}

impl Font {
    /// Loads a font dictionary. Never fails; problems become [`Font::warnings`].
    pub(crate) fn load(doc: &Document, dict: &Dictionary) -> Font {
        let mut warnings = Vec::new();
        let name = get_name(doc, dict, b"BaseFont")
            .map(|n| String::from_utf8_lossy(n).into_owned())
            .unwrap_or_else(|| "(unnamed)".into());
        let subtype = get_name(doc, dict, b"Subtype").unwrap_or(b"Type1");
        let to_unicode = load_to_unicode(doc, dict, &mut warnings);
        if subtype == b"Type0" {
            return Self::load_composite(doc, dict, name, to_unicode, warnings);
        }
        let mut width_scale = 0.001;
        if subtype == b"Type3"
            && let Some(Object::Array(m)) = get(doc, dict, b"FontMatrix")
            && let Some(a) = m.first().and_then(num)
            && a.abs() > 1e-9
            && a.abs() < 1.0
        {
            width_scale = a.abs();
        }
        // Base encoding and differences.
        let default_base: &[u8] = if subtype == b"TrueType" {
            b"WinAnsiEncoding"
        } else {
            b"StandardEncoding"
        };
        let mut base_name: &[u8] = default_base;
        let mut named_base = false;
        let mut differences = HashMap::new();
        // Codes whose glyph is named after the code itself ("a224" at 224).
        let mut self_named: Vec<u8> = Vec::new();
        match get(doc, dict, b"Encoding") {
            Some(Object::Name(n)) => {
                if encoding::base_table(n).is_some() {
                    base_name = n;
                    named_base = true;
                } else {
                    warnings.push(format!(
                        "font {name}: unknown encoding /{}",
                        String::from_utf8_lossy(n)
                    ));
                }
            }
            Some(Object::Dictionary(enc)) => {
                if let Some(n) = get_name(doc, enc, b"BaseEncoding")
                    && encoding::base_table(n).is_some()
                {
                    base_name = n;
                    named_base = true;
                }
                if let Some(Object::Array(diffs)) = get(doc, enc, b"Differences") {
                    let mut code: i64 = 0;
                    for d in diffs.iter().take(4096) {
                        match resolve(doc, d) {
                            Some(Object::Integer(c)) => code = *c,
                            Some(Object::Name(g)) => {
                                if let Ok(c) = u8::try_from(code) {
                                    let text = encoding::glyph_name_to_unicode(g);
                                    if text.is_none() && numbered_name(g) == Some(u32::from(c)) {
                                        self_named.push(c);
                                    } else if subtype == b"Type3"
                                        && g.as_slice() != b".notdef"
                                        && (text.is_none() || !encoding::in_agl(g))
                                    {
                                        // A Type 3 glyph name is the producer's own label
                                        // (`square`, `triangle`, `fontinside`): outside the
                                        // Adobe Glyph List it stands for its code, as poppler
                                        // and xpdf read it.
                                        self_named.push(c);
                                    }
                                    differences.insert(c, text);
                                }
                                code += 1;
                            }
                            _ => {}
                        }
                    }
                }
            }
            _ => {}
        }
        // No named base encoding: an embedded Type 1 / CFF program's own encoding is the base.
        if !named_base
            && matches!(subtype, b"Type1" | b"MMType1")
            && let Some(builtin) = builtin_encoding(doc, dict)
        {
            for (code, glyph) in builtin.iter().enumerate().take(256) {
                if let Some(t) = glyph.as_deref().and_then(encoding::glyph_name_to_unicode) {
                    differences.entry(code as u8).or_insert(Some(t));
                }
            }
        }
        // Symbol and ZapfDingbats have their own built-in encoding, not StandardEncoding.
        let builtin_symbolic = (!named_base && subtype != b"Type3")
            .then(|| encoding::symbolic_builtin(&name))
            .flatten();
        let table = Box::new(
            builtin_symbolic
                .or_else(|| encoding::base_table(base_name))
                .copied()
                .unwrap_or([None; 256]),
        );
        // A glyph named after its own code stands for that code: in the named base encoding
        // when there is one, else as Latin-1 (C1 controls through WinAnsi), as pdf.js and
        // poppler read it. Not in ZapfDingbats, whose own glyphs are named "a1"–"a191".
        if encoding::symbolic_builtin(&name).is_some() {
            self_named.clear();
        }
        for c in self_named {
            let i = usize::from(c);
            let text = if named_base {
                table[i]
            } else if (0x80..0xA0).contains(&c) {
                encoding::base_table(b"WinAnsiEncoding").and_then(|t| t[i])
            } else if c >= 0x20 {
                Some(char::from(c))
            } else {
                None
            };
            if let Some(t) = text {
                differences.insert(c, Some(t.to_string()));
            }
        }
        let first_char = get_num(doc, dict, b"FirstChar")
            .unwrap_or(0.0)
            .clamp(0.0, 255.0) as u32;
        let widths: Vec<f64> = match get(doc, dict, b"Widths") {
            Some(Object::Array(ws)) => ws
                .iter()
                .take(256)
                .map(|w| resolve(doc, w).and_then(num).unwrap_or(0.0))
                .collect(),
            _ => Vec::new(),
        };
        let missing_width = get_dict(doc, dict, b"FontDescriptor")
            .and_then(|fd| get_num(doc, fd, b"MissingWidth"))
            .filter(|w| *w > 0.0);
        let std14 = if widths.is_empty() {
            Std14::of(&name)
        } else {
            None
        };
        let program = if subtype == b"TrueType" {
            let flags = get_dict(doc, dict, b"FontDescriptor")
                .and_then(|fd| get_num(doc, fd, b"Flags"))
                .unwrap_or(0.0) as i64;
            let symbolic = flags & 4 != 0 || get(doc, dict, b"Encoding").is_none();
            Program::find(doc, dict, symbolic)
        } else {
            None
        };
        Font {
            name,
            kind: Kind::Simple {
                table,
                differences,
                first_char,
                widths,
                missing_width,
                std14,
            },
            to_unicode,
            vertical: false,
            width_scale,
            program,
            program_tables: OnceCell::new(),
            warnings,
        }
    }

    fn load_composite(
        doc: &Document,
        dict: &Dictionary,
        name: String,
        to_unicode: Option<ToUnicode>,
        mut warnings: Vec<String>,
    ) -> Font {
        let mut vertical = false;
        let mut ascii = AsciiCids::Proportional;
        let map = match get(doc, dict, b"Encoding") {
            Some(Object::Name(n)) => match encoding::predefined(n) {
                Some((p, v)) => {
                    vertical = v;
                    ascii = AsciiCids::of(n);
                    CodeMap::Predefined(p)
                }
                None => {
                    warnings.push(format!(
                        "font {name}: predefined CMap /{} not supported; read as 2-byte codes",
                        String::from_utf8_lossy(n)
                    ));
                    CodeMap::Predefined(Predefined::Identity)
                }
            },
            Some(Object::Stream(s)) => match stream_data(s, MAX_CMAP_BYTES) {
                Ok(data) => {
                    let m = CidCMap::parse(&data);
                    vertical = m.vertical;
                    if let Some(u) = m.use_cmap.as_deref() {
                        ascii = AsciiCids::of(u);
                    }
                    let base = m
                        .use_cmap
                        .as_deref()
                        .and_then(encoding::predefined)
                        .map(|p| p.0);
                    if m.spaces.is_empty() && base.is_none() {
                        warnings.push(format!("font {name}: embedded CMap has no code space"));
                    }
                    CodeMap::Embedded(m, base)
                }
                Err(e) => {
                    warnings.push(format!("font {name}: encoding CMap unreadable ({e})"));
                    CodeMap::Predefined(Predefined::Identity)
                }
            },
            _ => {
                warnings.push(format!("font {name}: Type0 font without /Encoding"));
                CodeMap::Predefined(Predefined::Identity)
            }
        };
        let descendant = match get(doc, dict, b"DescendantFonts") {
            Some(Object::Array(a)) => a.first().and_then(|o| match resolve(doc, o) {
                Some(Object::Dictionary(d)) => Some(d),
                _ => None,
            }),
            Some(Object::Dictionary(d)) => Some(d),
            _ => None,
        };
        let (widths, default_width, vertical_advance, registry, ordering) = match descendant {
            Some(cid) => {
                let widths = match get(doc, cid, b"W") {
                    Some(Object::Array(w)) => CidWidths::parse(doc, w),
                    _ => CidWidths::default(),
                };
                let dw = get_num(doc, cid, b"DW").unwrap_or(1000.0);
                let dw2 = match get(doc, cid, b"DW2") {
                    Some(Object::Array(a)) => a.get(1).and_then(num).unwrap_or(-1000.0),
                    _ => -1000.0,
                };
                let info = |key: &[u8]| {
                    get_dict(doc, cid, b"CIDSystemInfo")
                        .and_then(|si| match get(doc, si, key) {
                            Some(Object::String(s, _)) | Some(Object::Name(s)) => {
                                Some(String::from_utf8_lossy(s).trim().to_owned())
                            }
                            _ => None,
                        })
                        .unwrap_or_default()
                };
                (widths, dw, dw2, info(b"Registry"), info(b"Ordering"))
            }
            None => {
                warnings.push(format!("font {name}: Type0 font without a descendant font"));
                (
                    CidWidths::default(),
                    1000.0,
                    -1000.0,
                    String::new(),
                    String::new(),
                )
            }
        };
        let collection = Collection::of(&registry, &ordering).or_else(|| {
            // A non-embedded font named after its CMap ("Ryumin-Light-90ms-RKSJ-H"), or an
            // encoding CMap that extends a predefined one, still says its collection.
            match get(doc, dict, b"Encoding") {
                Some(Object::Name(n)) if n.as_slice() != b"Identity-H" => Collection::of_cmap(n),
                _ => None,
            }
        });
        let identity_only = matches!(map, CodeMap::Predefined(Predefined::Identity))
            || matches!(map, CodeMap::Embedded(_, None));
        let program = descendant.and_then(|d| Program::find(doc, d, false));
        let mac_order = to_unicode.is_none()
            && matches!(map, CodeMap::Predefined(Predefined::Identity))
            && program.is_none()
            && descendant.is_some_and(|d| {
                get_name(doc, d, b"Subtype") == Some(b"CIDFontType2".as_slice())
                    && !matches!(get(doc, d, b"CIDToGIDMap"), Some(Object::Stream(_)))
            })
            && core_font_glyph_order(&name);
        if mac_order {
            warnings.push(format!(
                "font {name}: not embedded, no ToUnicode; glyph ids read in the core font's \
                 standard glyph order"
            ));
        } else if to_unicode.is_none() && identity_only && program.is_none() && collection.is_none()
        {
            warnings.push(format!(
                "font {name}: CID font ({}) without ToUnicode; its text cannot be mapped",
                if ordering.is_empty() {
                    "unknown ordering"
                } else {
                    &ordering
                }
            ));
        }
        Font {
            name,
            kind: Kind::Composite {
                map,
                widths,
                default_width,
                vertical_advance,
                collection,
                ascii,
                mac_order,
            },
            to_unicode,
            vertical,
            width_scale: 0.001,
            program,
            program_tables: OnceCell::new(),
            warnings,
        }
    }

    /// A stand-in for a font that could not be found at all: StandardEncoding, default widths.
    pub(crate) fn missing(name: &str) -> Font {
        Font {
            name: name.to_owned(),
            kind: Kind::Simple {
                table: Box::new(
                    encoding::base_table(b"StandardEncoding")
                        .copied()
                        .unwrap_or([None; 256]),
                ),
                differences: HashMap::new(),
                first_char: 0,
                widths: Vec::new(),
                missing_width: None,
                std14: None,
            },
            to_unicode: None,
            vertical: false,
            width_scale: 0.001,
            program: None,
            program_tables: OnceCell::new(),
            warnings: vec![format!(
                "font /{name} not found in the resources; its text is read with StandardEncoding"
            )],
        }
    }

    /// Vertical advance (text-space units per unit font size, negative = downwards) of a
    /// vertical font.
    pub(crate) fn vertical_advance(&self) -> f64 {
        match &self.kind {
            Kind::Composite {
                vertical_advance, ..
            } => vertical_advance * 0.001,
            Kind::Simple { .. } => -1.0,
        }
    }

    fn tables(&self) -> Option<&ProgramTables> {
        let p = self.program.as_ref()?;
        Some(self.program_tables.get_or_init(|| p.read()))
    }

    /// The text of a simple font's code through the embedded program's own cmap.
    fn program_code_text(&self, code: u32) -> Option<String> {
        let t = self.tables()?;
        let g = t.code_glyph.get(&code)?;
        t.glyph_text.get(g).cloned()
    }

    /// The text of a CID through the embedded program (CID → glyph id → its cmap or name).
    fn program_cid_text(&self, cid: u32) -> Option<String> {
        let t = self.tables()?;
        let gid = match &t.cid_to_gid {
            Some(m) => *m.get(usize::try_from(cid).ok()?)?,
            None => u16::try_from(cid).ok()?,
        };
        t.glyph_text.get(&gid).cloned()
    }

    /// Decodes the next code at the start of `bytes` (non-empty).
    pub(crate) fn decode_next(&self, bytes: &[u8]) -> Decoded {
        match &self.kind {
            Kind::Simple {
                table,
                differences,
                first_char,
                widths,
                missing_width,
                std14,
            } => {
                let b = bytes[0];
                let code = u32::from(b);
                let text = self
                    .to_unicode
                    .as_ref()
                    .and_then(|m| m.lookup(code))
                    .or_else(|| match differences.get(&b) {
                        Some(Some(t)) => Some(t.clone()),
                        // A name without a character: the glyph itself may say more.
                        Some(None) => self
                            .program_code_text(code)
                            .or_else(|| table[usize::from(b)].map(String::from)),
                        None => table[usize::from(b)]
                            .map(String::from)
                            .or_else(|| self.program_code_text(code)),
                    });
                let w = if code >= *first_char && ((code - first_char) as usize) < widths.len() {
                    widths[(code - first_char) as usize]
                } else if let Some(mw) = missing_width {
                    *mw
                } else if let Some(s) = std14 {
                    text.as_deref()
                        .and_then(|t| t.chars().next())
                        .and_then(|c| s.width(c))
                        .unwrap_or(500.0)
                } else {
                    500.0
                };
                Decoded {
                    len: 1,
                    text,
                    width: w * self.width_scale,
                    is_space_byte: b == 32,
                }
            }
            Kind::Composite {
                map,
                widths,
                default_width,
                collection,
                ascii,
                mac_order,
                ..
            } => {
                let (code, len, cid, fallback) = match map {
                    CodeMap::Predefined(p) => {
                        let (code, len) = p.next_code(bytes);
                        (code, len, p.guess_cid(code, len, *ascii), Some(*p))
                    }
                    CodeMap::Embedded(m, base) => {
                        let (code, len) = match (m.spaces.is_empty(), base) {
                            (true, Some(b)) => b.next_code(bytes),
                            _ => m.next_code(bytes),
                        };
                        let cid = m
                            .cid(code)
                            .or_else(|| base.and_then(|b| b.guess_cid(code, len, *ascii)));
                        (code, len, cid, *base)
                    }
                };
                let text = self
                    .to_unicode
                    .as_ref()
                    .and_then(|m| m.lookup(code))
                    .or_else(|| {
                        let t = fallback?.to_unicode(code, len)?;
                        // A Hong Kong private-use code point of a `UniCNS` CMap.
                        if *collection == Some(Collection::Cns1)
                            && let Some(c) = single_char(&t).and_then(encoding::hkscs_pua)
                        {
                            return Some(c.to_string());
                        }
                        Some(t)
                    })
                    .or_else(|| {
                        let c = collection.as_ref()?.to_unicode(cid?)?;
                        Some(c.to_string())
                    })
                    .or_else(|| cid.and_then(|c| self.program_cid_text(c)))
                    .or_else(|| {
                        let name = super::sfnt::MAC_GLYPHS.get(usize::try_from(cid?).ok()?)?;
                        // Glyphs 0–2 (.notdef, .null, CR) carry no text.
                        (*mac_order && cid? > 2)
                            .then(|| encoding::glyph_name_to_unicode(name.as_bytes()))
                            .flatten()
                    });
                let w = cid.and_then(|c| widths.get(c)).unwrap_or(*default_width);
                Decoded {
                    len,
                    text,
                    width: w * self.width_scale,
                    is_space_byte: len == 1 && code == 32,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::dictionary;

    #[test]
    fn simple_font_differences_lose_to_tounicode() {
        let mut doc = Document::with_version("1.5");
        let tu = doc.add_object(lopdf::Stream::new(
            dictionary! {},
            b"1 beginbfchar <41> <4E2D> endbfchar".to_vec(),
        ));
        let font = dictionary! {
            "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
            "Encoding" => dictionary! { "Differences" => vec![65.into(), Object::Name(b"B".to_vec()), Object::Name(b"eacute".to_vec())] },
            "ToUnicode" => tu,
        };
        let f = Font::load(&doc, &font);
        assert_eq!(f.decode_next(b"A").text.as_deref(), Some("中"));
        assert_eq!(f.decode_next(b"B").text.as_deref(), Some("é"));
        assert_eq!(f.decode_next(b"C").text.as_deref(), Some("C"));
        // Helvetica's built-in metrics: 'C' is 722/1000.
        assert!((f.decode_next(b"C").width - 0.722).abs() < 1e-9);
    }

    #[test]
    fn cid_widths() {
        let doc = Document::with_version("1.5");
        let w: Vec<Object> = vec![
            1.into(),
            Object::Array(vec![500.into(), 600.into()]),
            10.into(),
            20.into(),
            250.into(),
        ];
        let cw = CidWidths::parse(&doc, &w);
        assert_eq!(cw.get(1), Some(500.0));
        assert_eq!(cw.get(2), Some(600.0));
        assert_eq!(cw.get(15), Some(250.0));
        assert_eq!(cw.get(21), None);
    }
}
