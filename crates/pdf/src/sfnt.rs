//! The sfnt (TrueType / OpenType) tables that text extraction needs from an embedded font
//! program (`/FontFile2`, `/FontFile3 /OpenType`): `cmap` (character code → glyph id, formats
//! 0, 4, 6, 12 and 13) and `post` (glyph id → glyph name, formats 1 and 2).
//!
//! The tables are read by `read-fonts` (the font parser of the fontations project, already in
//! the tree through krilla): its table directory, cmap encoding records and subtables, `post`
//! and its standard Macintosh glyph order. This module owns only the policy on top of it:
//! which subtables are kept and in what order, the code budget, and how a damaged font is
//! read. Where `read-fonts` would lose data a cut-short font still has, this module keeps what
//! is there, because embedded fonts are often subset and sometimes truncated:
//! - a table (or array) that runs past the end of the data is cut at the end, where
//!   `read-fonts` reads it as absent (empty); [`fit`] does that cut;
//! - an `sfnt` version of `typ1` (a Type 1 font in an sfnt wrapper) is accepted, where
//!   `FontRef` refuses it, so the table directory is read with `TableDirectory` directly;
//! - format 0 subtables are walked here (`read-fonts` iterates no format 0);
//! - every code visited, mapped or not, costs one unit of one budget shared by all subtables
//!   ([`MAX_CMAP_CODES`]), and segments are walked as written (overlaps included), so the
//!   iterators of `read-fonts` (which skip unmapped codes and clip overlaps) are not used.
//!
//! Every loop is bounded by the table's own length and by [`MAX_CMAP_CODES`], so a hostile
//! font costs at most a few megabytes and never panics. It knows nothing of PDF: `font` decides
//! when the font's own tables are consulted.

use std::collections::HashMap;
use std::ops::Range;

use read_fonts::tables::cmap::{
    Cmap, Cmap4, Cmap6, Cmap12, Cmap13, ConstantMapGroup, EncodingRecord, SequentialMapGroup,
};
use read_fonts::tables::post::Post;
use read_fonts::types::{
    BigEndian, CFF_SFNT_VERSION, FixedSize, TRUE_SFNT_VERSION, TT_SFNT_VERSION, Tag, Version16Dot16,
};
use read_fonts::{FontData, FontRead, TableDirectory, TableRecord};

/// A big-endian u16 as it lies in a table.
type U16 = BigEndian<u16>;

/// The 258 standard Macintosh glyph names of `post` formats 1 and 2 (Apple TrueType
/// Reference Manual, "The 'post' table"), as `read-fonts` keeps them.
pub(crate) use read_fonts::tables::post::DEFAULT_GLYPH_NAMES as MAC_GLYPHS;

/// Most (code, glyph) pairs read from all cmap subtables of one font together.
pub(crate) const MAX_CMAP_CODES: usize = 1 << 18;
/// Most tables in one table directory.
const MAX_TABLES: usize = 512;
/// Most cmap encoding records read.
const MAX_CMAP_RECORDS: usize = 64;
/// Most glyph names read from a `post` table.
const MAX_POST_NAMES: usize = 65_536;
/// `typ1`: a Type 1 font in an sfnt wrapper (Apple), which `read-fonts` does not accept.
const TYP1_SFNT_VERSION: u32 = 0x7479_7031;

/// The part of `range` (an array of `T` in `data`, as a `read-fonts` table lays it out) that
/// lies inside `data`, in whole elements: `read-fonts` reads an array that runs past the end as
/// empty, a cut-short font keeps the elements it still has.
///
/// Used as `data.read_array(fit::<T>(data, range)).unwrap_or_default()`.
fn fit<T: FixedSize>(data: FontData<'_>, range: Range<usize>) -> Range<usize> {
    let whole = range.end.min(data.len()).saturating_sub(range.start) / T::RAW_BYTE_LEN;
    range.start..range.start + whole * T::RAW_BYTE_LEN
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
        let file = FontData::new(data);
        let mut base = 0usize;
        if file.read_at::<Tag>(0).ok() == Some(Tag::new(b"ttcf")) {
            // The first of the TTC header's table-directory offsets.
            base = file.read_at::<u32>(12).ok()? as usize;
        }
        let dir = TableDirectory::read(file.split_off(base)?).ok()?;
        if ![
            TT_SFNT_VERSION,
            TRUE_SFNT_VERSION,
            CFF_SFNT_VERSION,
            TYP1_SFNT_VERSION,
        ]
        .contains(&dir.sfnt_version())
        {
            return None;
        }
        let records: &[TableRecord] = dir
            .offset_data()
            .read_array(fit::<TableRecord>(
                dir.offset_data(),
                dir.table_records_byte_range(),
            ))
            .unwrap_or_default();
        let mut cmap = None;
        let mut post = None;
        for rec in records.iter().take(MAX_TABLES) {
            let off = rec.offset() as usize;
            // A table that runs past the end keeps what is there.
            let end = off.saturating_add(rec.length() as usize).min(data.len());
            let Some(table) = data.get(off..end) else {
                continue;
            };
            match &rec.tag().to_be_bytes() {
                b"cmap" => cmap = Some(table),
                b"post" => post = Some(table),
                _ => {}
            }
        }
        let mut out = Sfnt::default();
        if let Some(t) = cmap {
            out.cmaps = read_cmap(FontData::new(t));
        }
        if let Some(t) = post {
            out.names = read_post(FontData::new(t));
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

fn read_cmap(t: FontData<'_>) -> Vec<CmapSubtable> {
    let mut out = Vec::new();
    let Ok(cmap) = Cmap::read(t) else {
        return out;
    };
    let records: &[EncodingRecord] = t
        .read_array(fit::<EncodingRecord>(t, cmap.encoding_records_byte_range()))
        .unwrap_or_default();
    let mut budget = MAX_CMAP_CODES;
    let mut seen_offsets: Vec<u32> = Vec::new();
    for rec in records.iter().take(MAX_CMAP_RECORDS) {
        // The raw platform id: `PlatformId` folds unknown ones into one value.
        let platform =
            u16::from_be_bytes(rec.platform_id.be_bytes().try_into().unwrap_or_default());
        let encoding = rec.encoding_id();
        let off = rec.subtable_offset().to_u32();
        let Some(sub) = t.split_off(off as usize) else {
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

fn read_subtable(s: FontData<'_>, budget: &mut usize) -> Vec<(u32, u16)> {
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
    match s.read_at::<u16>(0).ok() {
        Some(0) => {
            // Format 0: 256 one-byte glyph ids after format, length and language (read here:
            // `Cmap0` refuses a table cut short, and has no iterator).
            let ids: &[u8] = s.read_array(fit::<u8>(s, 6..6 + 256)).unwrap_or_default();
            for (code, &g) in (0u32..).zip(ids) {
                if !push(&mut map, code, u16::from(g)) {
                    break;
                }
            }
        }
        Some(4) => {
            let Ok(t) = Cmap4::read(s) else {
                return map;
            };
            let ends: &[U16] = s
                .read_array(fit::<U16>(s, t.end_code_byte_range()))
                .unwrap_or_default();
            let starts: &[U16] = s
                .read_array(fit::<U16>(s, t.start_code_byte_range()))
                .unwrap_or_default();
            let deltas: &[U16] = s
                .read_array(fit::<U16>(s, t.id_delta_byte_range()))
                .unwrap_or_default();
            let range_offs = t.id_range_offsets_byte_range();
            let ros: &[U16] = s
                .read_array(fit::<U16>(s, range_offs.clone()))
                .unwrap_or_default();
            'segs: for k in 0..usize::from(t.seg_count_x2() / 2) {
                let (Some(end), Some(start), Some(delta), Some(ro)) =
                    (ends.get(k), starts.get(k), deltas.get(k), ros.get(k))
                else {
                    break;
                };
                let (end, start, delta, ro) = (end.get(), start.get(), delta.get(), ro.get());
                if start > end {
                    continue;
                }
                for c in start..=end {
                    let gid = if ro == 0 {
                        c.wrapping_add(delta)
                    } else {
                        // idRangeOffset counts bytes from its own slot.
                        let at =
                            range_offs.start + 2 * k + usize::from(ro) + 2 * usize::from(c - start);
                        match s.read_at::<u16>(at).ok() {
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
            let Ok(t) = Cmap6::read(s) else {
                return map;
            };
            let first = u32::from(t.first_code());
            let ids: &[U16] = s
                .read_array(fit::<U16>(s, t.glyph_id_array_byte_range()))
                .unwrap_or_default();
            for (k, g) in (0u32..).zip(ids) {
                if !push(&mut map, first + k, g.get()) {
                    break;
                }
            }
        }
        Some(12) => {
            let Ok(t) = Cmap12::read(s) else {
                return map;
            };
            let groups: &[SequentialMapGroup] = s
                .read_array(fit::<SequentialMapGroup>(s, t.groups_byte_range()))
                .unwrap_or_default();
            let groups = groups
                .iter()
                .map(|g| (g.start_char_code(), g.end_char_code(), g.start_glyph_id()));
            read_groups(groups, true, &mut map, &mut push);
        }
        Some(13) => {
            let Ok(t) = Cmap13::read(s) else {
                return map;
            };
            let groups: &[ConstantMapGroup] = s
                .read_array(fit::<ConstantMapGroup>(s, t.groups_byte_range()))
                .unwrap_or_default();
            let groups = groups
                .iter()
                .map(|g| (g.start_char_code(), g.end_char_code(), g.glyph_id()));
            read_groups(groups, false, &mut map, &mut push);
        }
        _ => {}
    }
    map
}

/// Walks the (first code, last code, glyph) groups of a format 12 (`sequential`: the glyph
/// counts up with the code) or 13 (one glyph for the whole group) subtable.
fn read_groups(
    groups: impl Iterator<Item = (u32, u32, u32)>,
    sequential: bool,
    map: &mut Vec<(u32, u16)>,
    push: &mut impl FnMut(&mut Vec<(u32, u16)>, u32, u16) -> bool,
) {
    for (lo, hi, g) in groups {
        if lo > hi || hi > 0x10FFFF {
            continue;
        }
        for c in lo..=hi {
            let gid = if sequential {
                g.saturating_add(c - lo)
            } else {
                g
            };
            let Ok(gid) = u16::try_from(gid) else {
                break;
            };
            if !push(map, c, gid) {
                return;
            }
        }
    }
}

fn read_post(t: FontData<'_>) -> Vec<Option<String>> {
    let mac = || MAC_GLYPHS.iter().map(|n| Some((*n).to_owned())).collect();
    match t.read_at::<Version16Dot16>(0).ok() {
        // Format 1 is the standard order itself; read here, as `Post` refuses a table shorter
        // than its full header.
        Some(Version16Dot16::VERSION_1_0) => mac(),
        Some(Version16Dot16::VERSION_2_0) => {
            let Ok(post) = Post::read(t) else {
                return Vec::new();
            };
            if post.num_glyphs().is_none() {
                return Vec::new();
            }
            let index: &[U16] = t
                .read_array(fit::<U16>(t, post.glyph_name_index_byte_range()))
                .unwrap_or_default();
            let index = &index[..index.len().min(MAX_POST_NAMES)];
            // The Pascal strings after the index, up to the first that runs past the end.
            let custom: Vec<Option<&str>> = post
                .string_data()
                .map(|d| {
                    d.iter()
                        .take(MAX_POST_NAMES)
                        .map(|s| s.ok().map(|s| s.as_str()))
                        .collect()
                })
                .unwrap_or_default();
            index
                .iter()
                .map(|i| {
                    let i = usize::from(i.get());
                    if i < MAC_GLYPHS.len() {
                        Some(MAC_GLYPHS[i].to_owned())
                    } else {
                        custom
                            .get(i - MAC_GLYPHS.len())
                            .copied()
                            .flatten()
                            .filter(|s| s.bytes().all(|b| b.is_ascii_graphic()))
                            .map(str::to_owned)
                    }
                })
                .collect()
        }
        _ => Vec::new(),
    }
}

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
        assert_eq!(
            read_subtable(FontData::new(&sub), &mut budget).len(),
            MAX_CMAP_CODES
        );
        // One budget for all subtables: a second such subtable gets nothing.
        let mut cmap = Vec::new();
        cmap.extend_from_slice(&0u16.to_be_bytes());
        cmap.extend_from_slice(&2u16.to_be_bytes());
        for (platform, encoding, off) in [(3u16, 10u16, 20u32), (0, 4, 20 + sub.len() as u32)] {
            cmap.extend_from_slice(&platform.to_be_bytes());
            cmap.extend_from_slice(&encoding.to_be_bytes());
            cmap.extend_from_slice(&off.to_be_bytes());
        }
        cmap.extend_from_slice(&sub);
        cmap.extend_from_slice(&sub);
        let subs = read_cmap(FontData::new(&cmap));
        assert_eq!(subs.len(), 2);
        assert_eq!(subs[0].map.len(), MAX_CMAP_CODES);
        assert!(subs[1].map.is_empty());
    }

    /// What `read-fonts` alone would lose, and this module keeps.
    #[test]
    fn damaged_fonts_keep_what_is_there() {
        // A `post` table cut short keeps the names that are whole.
        let font = build_test_font(&[(0x41, 1)], &["a", "b", "cc"]);
        let s = Sfnt::parse(&font[..font.len() - 1]).unwrap_or_default();
        let names: Vec<Option<&str>> = s.names.iter().map(|n| n.as_deref()).collect();
        assert_eq!(names, [Some("a"), Some("b"), None]);
        assert_eq!(s.cmap(3, 1).and_then(|c| c.glyph(0x41)), Some(1));
        // An sfnt-wrapped Type 1 font (`typ1`) is read.
        let mut typ1 = font.clone();
        typ1[..4].copy_from_slice(b"typ1");
        assert!(Sfnt::parse(&typ1).is_some_and(|s| s.cmap(3, 1).is_some()));
        assert!(Sfnt::parse(b"wOFF\0\0\0\0\0\0\0\0").is_none());
        // A format 0 subtable, whole or cut short.
        let mut f0 = vec![0u8; 6 + 256];
        f0[6 + 0x41] = 5;
        f0[6 + 0xE9] = 9;
        let mut budget = MAX_CMAP_CODES;
        assert_eq!(
            read_subtable(FontData::new(&f0), &mut budget),
            [(0x41, 5), (0xE9, 9)]
        );
        assert_eq!(budget, MAX_CMAP_CODES - 256);
        assert_eq!(
            read_subtable(FontData::new(&f0[..100]), &mut budget),
            [(0x41, 5)]
        );
        // A format 4 subtable whose arrays run past the end keeps its whole segments (here all
        // but the closing 0xFFFF one). The cmap table starts after the 12-byte header and two
        // table records, its one subtable after a 12-byte cmap header.
        let font = build_test_font(&[(0x41, 3), (0x42, 4)], &[]);
        let sub = &font[12 + 2 * 16 + 12..];
        let len = usize::from(u16::from_be_bytes([sub[2], sub[3]]));
        let mut budget = MAX_CMAP_CODES;
        let map = read_subtable(FontData::new(&sub[..len - 2]), &mut budget);
        assert_eq!(map, [(0x41, 3), (0x42, 4)]);
    }
}
