//! A small, bounded reader of the sfnt (TrueType / OpenType) tables that text extraction
//! needs from an embedded font program (`/FontFile2`, `/FontFile3 /OpenType`): `cmap`
//! (character code → glyph id, formats 0, 4, 6, 12 and 13) and `post` (glyph id → glyph name,
//! formats 1 and 2).
//!
//! Every read is bounds-checked and every loop is bounded by the table's own length and by
//! [`MAX_CMAP_CODES`], so a hostile font costs at most a few megabytes and never panics. It
//! knows nothing of PDF: `font` decides when the font's own tables are consulted.

use std::collections::HashMap;

/// Most (code, glyph) pairs read from all cmap subtables of one font together.
pub(crate) const MAX_CMAP_CODES: usize = 1 << 18;
/// Most tables in one table directory.
const MAX_TABLES: usize = 512;
/// Most glyph names read from a `post` table.
const MAX_POST_NAMES: usize = 65_536;

fn u16_at(d: &[u8], off: usize) -> Option<u16> {
    let b = d.get(off..off.checked_add(2)?)?;
    Some(u16::from_be_bytes([b[0], b[1]]))
}

fn u32_at(d: &[u8], off: usize) -> Option<u32> {
    let b = d.get(off..off.checked_add(4)?)?;
    Some(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
}

/// One cmap subtable, read: its platform and encoding ids and its (code, glyph id) pairs,
/// sorted by code.
#[derive(Debug, Clone, Default)]
pub(crate) struct CmapSubtable {
    /// Platform id (0 Unicode, 1 Macintosh, 3 Windows).
    pub(crate) platform: u16,
    /// Encoding id (for platform 3: 0 symbol, 1 Unicode BMP, 10 full Unicode).
    pub(crate) encoding: u16,
    /// (code, glyph id), sorted by code, glyph 0 left out.
    pub(crate) map: Vec<(u32, u16)>,
}

impl CmapSubtable {
    /// The glyph id of a code.
    pub(crate) fn glyph(&self, code: u32) -> Option<u16> {
        self.map
            .binary_search_by_key(&code, |e| e.0)
            .ok()
            .map(|i| self.map[i].1)
    }

    /// True for a subtable whose codes are Unicode code points.
    pub(crate) fn is_unicode(&self) -> bool {
        self.platform == 0 || (self.platform == 3 && (self.encoding == 1 || self.encoding == 10))
    }
}

/// The tables of an sfnt font that text extraction uses.
#[derive(Debug, Clone, Default)]
pub(crate) struct Sfnt {
    /// The cmap subtables that could be read.
    pub(crate) cmaps: Vec<CmapSubtable>,
    /// Glyph names from `post`, by glyph id (empty when absent or nameless).
    pub(crate) names: Vec<Option<String>>,
}

impl Sfnt {
    /// Reads an sfnt font program (a TrueType collection gives its first font). None when the
    /// bytes are not an sfnt at all; tables that cannot be read are left empty.
    pub(crate) fn parse(data: &[u8]) -> Option<Sfnt> {
        let mut base = 0usize;
        if data.get(0..4) == Some(b"ttcf") {
            base = u32_at(data, 12)? as usize;
        }
        let version = u32_at(data, base)?;
        if !matches!(
            version,
            0x0001_0000 | 0x7472_7565 | 0x4F54_544F | 0x7479_7031
        ) {
            return None;
        }
        let num_tables = usize::from(u16_at(data, base + 4)?).min(MAX_TABLES);
        let mut cmap = None;
        let mut post = None;
        for i in 0..num_tables {
            let rec = base + 12 + 16 * i;
            let Some(tag) = data.get(rec..rec + 4) else {
                break;
            };
            let (Some(off), Some(len)) = (u32_at(data, rec + 8), u32_at(data, rec + 12)) else {
                break;
            };
            let (off, len) = (off as usize, len as usize);
            // A table that runs past the end keeps what is there.
            let end = off.saturating_add(len).min(data.len());
            let Some(table) = data.get(off..end) else {
                continue;
            };
            match tag {
                b"cmap" => cmap = Some(table),
                b"post" => post = Some(table),
                _ => {}
            }
        }
        let mut out = Sfnt::default();
        if let Some(t) = cmap {
            out.cmaps = read_cmap(t);
        }
        if let Some(t) = post {
            out.names = read_post(t);
        }
        Some(out)
    }

    /// The first subtable with these ids.
    pub(crate) fn cmap(&self, platform: u16, encoding: u16) -> Option<&CmapSubtable> {
        self.cmaps
            .iter()
            .find(|c| c.platform == platform && c.encoding == encoding)
    }

    /// Glyph id → Unicode text, from the best Unicode subtable (Windows full, Windows BMP,
    /// then Unicode platform); when several codes reach one glyph the lowest wins.
    pub(crate) fn glyph_to_unicode(&self) -> HashMap<u16, char> {
        let mut out = HashMap::new();
        let rank = |c: &CmapSubtable| match (c.platform, c.encoding) {
            (3, 10) => 0,
            (3, 1) => 1,
            (0, _) => 2,
            _ => 3,
        };
        let mut subs: Vec<&CmapSubtable> = self.cmaps.iter().filter(|c| c.is_unicode()).collect();
        subs.sort_by_key(|c| rank(c));
        for sub in subs {
            for &(code, gid) in &sub.map {
                if let Some(ch) = char::from_u32(code) {
                    out.entry(gid).or_insert(ch);
                }
            }
        }
        out
    }
}

fn read_cmap(t: &[u8]) -> Vec<CmapSubtable> {
    let mut out = Vec::new();
    let Some(n) = u16_at(t, 2) else {
        return out;
    };
    let mut budget = MAX_CMAP_CODES;
    let mut seen_offsets: Vec<u32> = Vec::new();
    for i in 0..usize::from(n).min(64) {
        let rec = 4 + 8 * i;
        let (Some(platform), Some(encoding), Some(off)) =
            (u16_at(t, rec), u16_at(t, rec + 2), u32_at(t, rec + 4))
        else {
            break;
        };
        let Some(sub) = t.get(off as usize..) else {
            continue;
        };
        // Two records sharing one subtable are read once.
        let map = if let Some(k) = seen_offsets.iter().position(|&o| o == off) {
            out.get(k)
                .map(|c: &CmapSubtable| c.map.clone())
                .unwrap_or_default()
        } else {
            read_subtable(sub, &mut budget)
        };
        seen_offsets.push(off);
        let mut map = map;
        map.sort_unstable_by_key(|e| e.0);
        map.dedup_by_key(|e| e.0);
        out.push(CmapSubtable {
            platform,
            encoding,
            map,
        });
    }
    out
}

fn read_subtable(s: &[u8], budget: &mut usize) -> Vec<(u32, u16)> {
    let mut map = Vec::new();
    let mut push = |map: &mut Vec<(u32, u16)>, code: u32, gid: u16| -> bool {
        // Every code visited costs budget, mapped or not, so no subtable loops for long.
        if *budget == 0 {
            return false;
        }
        *budget -= 1;
        if gid != 0 {
            map.push((code, gid));
        }
        true
    };
    match u16_at(s, 0) {
        Some(0) => {
            for code in 0..256u32 {
                let Some(&g) = s.get(6 + code as usize) else {
                    break;
                };
                if !push(&mut map, code, u16::from(g)) {
                    break;
                }
            }
        }
        Some(4) => {
            let Some(seg2) = u16_at(s, 6) else {
                return map;
            };
            let segs = usize::from(seg2 / 2);
            let ends = 14;
            let starts = ends + 2 * segs + 2;
            let deltas = starts + 2 * segs;
            let range_offs = deltas + 2 * segs;
            'segs: for k in 0..segs {
                let (Some(end), Some(start), Some(delta), Some(ro)) = (
                    u16_at(s, ends + 2 * k),
                    u16_at(s, starts + 2 * k),
                    u16_at(s, deltas + 2 * k),
                    u16_at(s, range_offs + 2 * k),
                ) else {
                    break;
                };
                if start > end {
                    continue;
                }
                for c in start..=end {
                    let gid = if ro == 0 {
                        c.wrapping_add(delta)
                    } else {
                        let at = range_offs + 2 * k + usize::from(ro) + 2 * usize::from(c - start);
                        match u16_at(s, at) {
                            Some(0) | None => 0,
                            Some(g) => g.wrapping_add(delta),
                        }
                    };
                    if !push(&mut map, u32::from(c), gid) {
                        break 'segs;
                    }
                    if c == 0xFFFF {
                        break;
                    }
                }
            }
        }
        Some(6) => {
            let (Some(first), Some(count)) = (u16_at(s, 6), u16_at(s, 8)) else {
                return map;
            };
            for k in 0..usize::from(count) {
                let Some(g) = u16_at(s, 10 + 2 * k) else {
                    break;
                };
                if !push(&mut map, u32::from(first) + k as u32, g) {
                    break;
                }
            }
        }
        Some(f @ (12 | 13)) => {
            let Some(groups) = u32_at(s, 12) else {
                return map;
            };
            'groups: for k in 0..groups as usize {
                let at = 16 + 12 * k;
                let (Some(lo), Some(hi), Some(g)) =
                    (u32_at(s, at), u32_at(s, at + 4), u32_at(s, at + 8))
                else {
                    break;
                };
                if lo > hi || hi > 0x10FFFF {
                    continue;
                }
                for c in lo..=hi {
                    let gid = if f == 12 { g.saturating_add(c - lo) } else { g };
                    let Ok(gid) = u16::try_from(gid) else {
                        break;
                    };
                    if !push(&mut map, c, gid) {
                        break 'groups;
                    }
                }
            }
        }
        _ => {}
    }
    map
}

fn read_post(t: &[u8]) -> Vec<Option<String>> {
    match u32_at(t, 0) {
        Some(0x0001_0000) => MAC_GLYPHS.iter().map(|n| Some((*n).to_owned())).collect(),
        Some(0x0002_0000) => {
            let Some(n) = u16_at(t, 32) else {
                return Vec::new();
            };
            let n = usize::from(n).min(MAX_POST_NAMES);
            let mut index = Vec::with_capacity(n);
            for k in 0..n {
                match u16_at(t, 34 + 2 * k) {
                    Some(i) => index.push(i),
                    None => break,
                }
            }
            // Pascal strings follow the index.
            let mut custom: Vec<&[u8]> = Vec::new();
            let mut at = 34 + 2 * n;
            while let Some(&len) = t.get(at) {
                let Some(s) = t.get(at + 1..at + 1 + usize::from(len)) else {
                    break;
                };
                custom.push(s);
                at += 1 + usize::from(len);
                if custom.len() >= MAX_POST_NAMES {
                    break;
                }
            }
            index
                .into_iter()
                .map(|i| {
                    let i = usize::from(i);
                    if i < MAC_GLYPHS.len() {
                        Some(MAC_GLYPHS[i].to_owned())
                    } else {
                        custom
                            .get(i - MAC_GLYPHS.len())
                            .filter(|s| s.iter().all(|b| b.is_ascii_graphic()))
                            .map(|s| String::from_utf8_lossy(s).into_owned())
                    }
                })
                .collect()
        }
        _ => Vec::new(),
    }
}

/// The 258 standard Macintosh glyph names of `post` formats 1 and 2 (Apple TrueType
/// Reference Manual, "The 'post' table").
pub(crate) const MAC_GLYPHS: [&str; 258] = [
    ".notdef",
    ".null",
    "nonmarkingreturn",
    "space",
    "exclam",
    "quotedbl",
    "numbersign",
    "dollar",
    "percent",
    "ampersand",
    "quotesingle",
    "parenleft",
    "parenright",
    "asterisk",
    "plus",
    "comma",
    "hyphen",
    "period",
    "slash",
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "colon",
    "semicolon",
    "less",
    "equal",
    "greater",
    "question",
    "at",
    "A",
    "B",
    "C",
    "D",
    "E",
    "F",
    "G",
    "H",
    "I",
    "J",
    "K",
    "L",
    "M",
    "N",
    "O",
    "P",
    "Q",
    "R",
    "S",
    "T",
    "U",
    "V",
    "W",
    "X",
    "Y",
    "Z",
    "bracketleft",
    "backslash",
    "bracketright",
    "asciicircum",
    "underscore",
    "grave",
    "a",
    "b",
    "c",
    "d",
    "e",
    "f",
    "g",
    "h",
    "i",
    "j",
    "k",
    "l",
    "m",
    "n",
    "o",
    "p",
    "q",
    "r",
    "s",
    "t",
    "u",
    "v",
    "w",
    "x",
    "y",
    "z",
    "braceleft",
    "bar",
    "braceright",
    "asciitilde",
    "Adieresis",
    "Aring",
    "Ccedilla",
    "Eacute",
    "Ntilde",
    "Odieresis",
    "Udieresis",
    "aacute",
    "agrave",
    "acircumflex",
    "adieresis",
    "atilde",
    "aring",
    "ccedilla",
    "eacute",
    "egrave",
    "ecircumflex",
    "edieresis",
    "iacute",
    "igrave",
    "icircumflex",
    "idieresis",
    "ntilde",
    "oacute",
    "ograve",
    "ocircumflex",
    "odieresis",
    "otilde",
    "uacute",
    "ugrave",
    "ucircumflex",
    "udieresis",
    "dagger",
    "degree",
    "cent",
    "sterling",
    "section",
    "bullet",
    "paragraph",
    "germandbls",
    "registered",
    "copyright",
    "trademark",
    "acute",
    "dieresis",
    "notequal",
    "AE",
    "Oslash",
    "infinity",
    "plusminus",
    "lessequal",
    "greaterequal",
    "yen",
    "mu",
    "partialdiff",
    "summation",
    "product",
    "pi",
    "integral",
    "ordfeminine",
    "ordmasculine",
    "Omega",
    "ae",
    "oslash",
    "questiondown",
    "exclamdown",
    "logicalnot",
    "radical",
    "florin",
    "approxequal",
    "Delta",
    "guillemotleft",
    "guillemotright",
    "ellipsis",
    "nonbreakingspace",
    "Agrave",
    "Atilde",
    "Otilde",
    "OE",
    "oe",
    "endash",
    "emdash",
    "quotedblleft",
    "quotedblright",
    "quoteleft",
    "quoteright",
    "divide",
    "lozenge",
    "ydieresis",
    "Ydieresis",
    "fraction",
    "currency",
    "guilsinglleft",
    "guilsinglright",
    "fi",
    "fl",
    "daggerdbl",
    "periodcentered",
    "quotesinglbase",
    "quotedblbase",
    "perthousand",
    "Acircumflex",
    "Ecircumflex",
    "Aacute",
    "Edieresis",
    "Egrave",
    "Iacute",
    "Icircumflex",
    "Idieresis",
    "Igrave",
    "Oacute",
    "Ocircumflex",
    "apple",
    "Ograve",
    "Uacute",
    "Ucircumflex",
    "Ugrave",
    "dotlessi",
    "circumflex",
    "tilde",
    "macron",
    "breve",
    "dotaccent",
    "ring",
    "cedilla",
    "hungarumlaut",
    "ogonek",
    "caron",
    "Lslash",
    "lslash",
    "Scaron",
    "scaron",
    "Zcaron",
    "zcaron",
    "brokenbar",
    "Eth",
    "eth",
    "Yacute",
    "yacute",
    "Thorn",
    "thorn",
    "minus",
    "multiply",
    "onesuperior",
    "twosuperior",
    "threesuperior",
    "onehalf",
    "onequarter",
    "threequarters",
    "franc",
    "Gbreve",
    "gbreve",
    "Idotaccent",
    "Scedilla",
    "scedilla",
    "Cacute",
    "cacute",
    "Ccaron",
    "ccaron",
    "dcroat",
];

/// Builds a minimal sfnt with a `cmap` (one format 4 subtable, platform 3 encoding 1) and a
/// format 2 `post` table, for tests of this module and of the fonts that embed one.
#[cfg(test)]
pub(crate) fn build_test_font(pairs: &[(u16, u16)], names: &[&str]) -> Vec<u8> {
    // cmap format 4: one segment per pair plus the final 0xFFFF segment.
    let mut sorted = pairs.to_vec();
    sorted.sort();
    let segs = sorted.len() + 1;
    let mut sub = Vec::new();
    let push16 = |v: &mut Vec<u8>, x: u16| v.extend_from_slice(&x.to_be_bytes());
    push16(&mut sub, 4);
    push16(&mut sub, (16 + 8 * segs) as u16);
    push16(&mut sub, 0);
    push16(&mut sub, (2 * segs) as u16);
    push16(&mut sub, 0);
    push16(&mut sub, 0);
    push16(&mut sub, 0);
    for &(c, _) in &sorted {
        push16(&mut sub, c);
    }
    push16(&mut sub, 0xFFFF);
    push16(&mut sub, 0);
    for &(c, _) in &sorted {
        push16(&mut sub, c);
    }
    push16(&mut sub, 0xFFFF);
    for &(c, g) in &sorted {
        push16(&mut sub, g.wrapping_sub(c));
    }
    push16(&mut sub, 1);
    for _ in 0..segs {
        push16(&mut sub, 0);
    }
    let mut cmap = Vec::new();
    push16(&mut cmap, 0);
    push16(&mut cmap, 1);
    push16(&mut cmap, 3);
    push16(&mut cmap, 1);
    cmap.extend_from_slice(&12u32.to_be_bytes());
    cmap.extend_from_slice(&sub);
    // post format 2: glyph k gets names[k], all custom.
    let mut post = Vec::new();
    post.extend_from_slice(&0x0002_0000u32.to_be_bytes());
    post.extend_from_slice(&[0u8; 28]);
    push16(&mut post, names.len() as u16);
    for k in 0..names.len() {
        push16(&mut post, (258 + k) as u16);
    }
    for n in names {
        post.push(n.len() as u8);
        post.extend_from_slice(n.as_bytes());
    }
    let tables: [(&[u8; 4], &Vec<u8>); 2] = [(b"cmap", &cmap), (b"post", &post)];
    let mut out = Vec::new();
    out.extend_from_slice(&0x0001_0000u32.to_be_bytes());
    push16(&mut out, tables.len() as u16);
    out.extend_from_slice(&[0u8; 6]);
    let mut off = 12 + 16 * tables.len();
    for (tag, t) in &tables {
        out.extend_from_slice(*tag);
        out.extend_from_slice(&[0u8; 4]);
        out.extend_from_slice(&(off as u32).to_be_bytes());
        out.extend_from_slice(&(t.len() as u32).to_be_bytes());
        off += t.len();
    }
    for (_, t) in &tables {
        out.extend_from_slice(t);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cmap_and_post_are_read_and_inverted() {
        let font = build_test_font(&[(0x41, 3), (0x4E2D, 7), (0x42, 3)], &["", "", "", "A"]);
        let s = Sfnt::parse(&font).unwrap_or_default();
        let sub = s.cmap(3, 1).cloned().unwrap_or_default();
        assert_eq!(sub.glyph(0x4E2D), Some(7));
        assert_eq!(sub.glyph(0x43), None);
        let inv = s.glyph_to_unicode();
        assert_eq!(inv.get(&7), Some(&'中'));
        // Two codes on one glyph: the lowest wins.
        assert_eq!(inv.get(&3), Some(&'A'));
        assert_eq!(s.names.get(3).cloned().flatten().as_deref(), Some("A"));
    }

    #[test]
    fn truncated_and_garbage_fonts_never_panic() {
        let font = build_test_font(&[(0x41, 3), (0x4E2D, 7)], &["a", "b"]);
        for cut in 0..font.len() {
            let _ = Sfnt::parse(&font[..cut]);
        }
        let mut f = font.clone();
        for i in 0..f.len() {
            f[i] ^= 0xFF;
            let _ = Sfnt::parse(&f);
            f[i] ^= 0xFF;
        }
        // A format 13 group claiming the whole code space is bounded.
        let mut sub = Vec::new();
        sub.extend_from_slice(&13u16.to_be_bytes());
        sub.extend_from_slice(&[0u8; 10]);
        sub.extend_from_slice(&1u32.to_be_bytes());
        sub.extend_from_slice(&0u32.to_be_bytes());
        sub.extend_from_slice(&0x10FFFFu32.to_be_bytes());
        sub.extend_from_slice(&1u32.to_be_bytes());
        let mut budget = MAX_CMAP_CODES;
        assert_eq!(read_subtable(&sub, &mut budget).len(), MAX_CMAP_CODES);
    }
}
