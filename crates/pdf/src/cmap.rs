//! CMap programs: `/ToUnicode` maps (code → Unicode) and embedded `/Encoding` CMaps
//! (code → CID, with code-space ranges that say how many bytes each code takes).
//!
//! The parser is lenient: it keeps every well-formed entry and skips the rest, so a slightly
//! malformed map still serves the codes it does describe. It is bounded: one range expands to at
//! most [`MAX_RANGE`] codes and a map holds at most [`MAX_ENTRIES`] explicit entries, so a
//! 300-byte map cannot ask for gigabytes. It knows nothing of fonts or pages.

use std::collections::HashMap;

use super::encoding::{glyph_name_to_unicode, units_to_string};
use super::lexer::{Lexer, Operand, Token};

/// Most codes one `bfrange`/`cidrange` line may cover; larger ranges are clipped.
pub(crate) const MAX_RANGE: u32 = 65_536;
/// Most explicit (`bfchar` and array-form `bfrange`) entries kept in one map.
pub(crate) const MAX_ENTRIES: usize = 1 << 20;
/// Most ranges kept in one map.
const MAX_RANGES: usize = 1 << 18;
/// Most operands kept on the stack before one keyword; later ones are ignored.
const MAX_OPERANDS: usize = 1 << 16;

/// A contiguous range `lo..=hi` of codes with `len` bytes mapping to consecutive targets.
#[derive(Debug, Clone)]
struct UniRange {
    lo: u32,
    hi: u32,
    /// UTF-16 code units of the target of `lo`; the last unit is incremented along the range.
    base: Vec<u16>,
}

/// A parsed `/ToUnicode` CMap.
#[derive(Debug, Default, Clone)]
pub(crate) struct ToUnicode {
    chars: HashMap<u32, String>,
    ranges: Vec<UniRange>,
    /// Byte lengths of codes, from `codespacerange` (sorted, deduplicated).
    pub(crate) code_lengths: Vec<u8>,
    /// Problems met while parsing (clipped ranges, dropped entries).
    pub(crate) warnings: Vec<String>,
    /// Every code maps to the character of the same number (`/ToUnicode /Identity-H`).
    identity: bool,
}

/// A code-space range: codes of `len` bytes between `lo` and `hi` (byte-wise).
#[derive(Debug, Clone)]
pub(crate) struct CodeSpace {
    pub(crate) len: u8,
    pub(crate) lo: Vec<u8>,
    pub(crate) hi: Vec<u8>,
}

/// A parsed embedded encoding CMap (code → CID).
#[derive(Debug, Default, Clone)]
pub(crate) struct CidCMap {
    pub(crate) spaces: Vec<CodeSpace>,
    chars: HashMap<u32, u32>,
    ranges: Vec<(u32, u32, u32)>,
    /// The name given by `usecmap`, if any (a predefined CMap this one extends).
    pub(crate) use_cmap: Option<Vec<u8>>,
    /// Whether the map declares vertical writing (`/WMode 1`).
    pub(crate) vertical: bool,
}

/// Runs a CMap program: every operand is pushed on a stack (at most [`MAX_OPERANDS`] kept), and
/// each keyword is handed to `on` with the operands before it, which are then cleared.
fn for_each_keyword(data: &[u8], mut on: impl FnMut(&[u8], &[Operand])) {
    let mut lx = Lexer::new(data);
    let mut operands: Vec<Operand> = Vec::new();
    while let Some(tok) = lx.next_token() {
        match tok {
            Token::Operand(o) => {
                if operands.len() < MAX_OPERANDS {
                    operands.push(o);
                }
            }
            Token::Keyword(k) => {
                on(k.as_slice(), &operands);
                operands.clear();
            }
        }
    }
}

fn be(bytes: &[u8]) -> u32 {
    bytes
        .iter()
        .take(4)
        .fold(0u32, |acc, &b| acc << 8 | u32::from(b))
}

fn utf16_units(bytes: &[u8]) -> Vec<u16> {
    bytes
        .chunks(2)
        .map(|c| {
            if c.len() == 2 {
                u16::from_be_bytes([c[0], c[1]])
            } else {
                u16::from(c[0])
            }
        })
        .collect()
}

impl ToUnicode {
    /// Parses a ToUnicode CMap program (already decompressed).
    pub(crate) fn parse(data: &[u8]) -> ToUnicode {
        let mut map = ToUnicode::default();
        let mut clipped = 0usize;
        let mut dropped = 0usize;
        for_each_keyword(data, |keyword, operands| match keyword {
            b"endcodespacerange" => {
                for pair in operands.chunks(2) {
                    if let [Operand::Str(lo), Operand::Str(_)] = pair
                        && (1..=4).contains(&lo.len())
                    {
                        map.code_lengths.push(lo.len() as u8);
                    }
                }
            }
            b"endbfchar" => {
                for pair in operands.chunks(2) {
                    if let [Operand::Str(src), dst] = pair {
                        let target = match dst {
                            Operand::Str(d) => units_to_string(&utf16_units(d)),
                            Operand::Name(n) => glyph_name_target(n),
                            _ => String::new(),
                        };
                        if target.is_empty() || src.is_empty() {
                            continue;
                        }
                        if map.chars.len() < MAX_ENTRIES {
                            map.chars.insert(be(src), target);
                        } else {
                            dropped += 1;
                        }
                    }
                }
            }
            b"endbfrange" => {
                for tri in operands.chunks(3) {
                    let [Operand::Str(lo), Operand::Str(hi), dst] = tri else {
                        continue;
                    };
                    if lo.is_empty() || hi.is_empty() {
                        continue;
                    }
                    let lo = be(lo);
                    let mut hi = be(hi);
                    if hi < lo {
                        continue;
                    }
                    if hi - lo >= MAX_RANGE {
                        hi = lo + (MAX_RANGE - 1);
                        clipped += 1;
                    }
                    match dst {
                        Operand::Str(d) => {
                            if map.ranges.len() < MAX_RANGES && !d.is_empty() {
                                map.ranges.push(UniRange {
                                    lo,
                                    hi,
                                    base: utf16_units(d),
                                });
                            } else {
                                dropped += 1;
                            }
                        }
                        Operand::Array(items) => {
                            for (i, item) in items.iter().enumerate() {
                                let code = lo + i as u32;
                                if code > hi {
                                    break;
                                }
                                if let Operand::Str(d) = item {
                                    if map.chars.len() < MAX_ENTRIES {
                                        map.chars.insert(code, units_to_string(&utf16_units(d)));
                                    } else {
                                        dropped += 1;
                                    }
                                }
                            }
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        });
        map.code_lengths.sort_unstable();
        map.code_lengths.dedup();
        map.ranges.sort_by_key(|r| r.lo);
        if clipped > 0 {
            map.warnings.push(format!(
                "ToUnicode: {clipped} oversized range(s) clipped to {MAX_RANGE} codes"
            ));
        }
        if dropped > 0 {
            map.warnings.push(format!(
                "ToUnicode: {dropped} entries dropped (map too large)"
            ));
        }
        map
    }

    /// The identity map (code n → U+n), for fonts that name `Identity-H` as their ToUnicode.
    pub(crate) fn identity() -> ToUnicode {
        ToUnicode {
            identity: true,
            ..ToUnicode::default()
        }
    }

    /// True when the map has no usable entry.
    pub(crate) fn is_empty(&self) -> bool {
        !self.identity && self.chars.is_empty() && self.ranges.is_empty()
    }

    /// The Unicode text of `code`, if the map has it.
    pub(crate) fn lookup(&self, code: u32) -> Option<String> {
        if let Some(s) = self.chars.get(&code) {
            return Some(s.clone());
        }
        if self.identity {
            return char::from_u32(code)
                .filter(|c| *c != '\0')
                .map(String::from);
        }
        // Last range starting at or before `code`; overlapping ranges are rare, so look back a
        // little for one that contains it.
        let idx = self.ranges.partition_point(|r| r.lo <= code);
        for r in self.ranges[..idx].iter().rev().take(8) {
            if code <= r.hi {
                let mut units = r.base.clone();
                let off = code - r.lo;
                if let Some(last) = units.last_mut() {
                    let v = u32::from(*last) + off;
                    if v > 0xFFFF {
                        return None;
                    }
                    *last = v as u16;
                }
                return Some(units_to_string(&units));
            }
        }
        None
    }
}

/// A bfchar whose target is a glyph name (seen in some broken producers).
fn glyph_name_target(name: &[u8]) -> String {
    glyph_name_to_unicode(name).unwrap_or_default()
}

impl CidCMap {
    /// Parses an embedded CMap program that maps codes to CIDs.
    pub(crate) fn parse(data: &[u8]) -> CidCMap {
        let mut map = CidCMap::default();
        let mut last_name: Option<Vec<u8>> = None;
        for_each_keyword(data, |keyword, operands| match keyword {
            b"usecmap" => {
                if let Some(Operand::Name(n)) = operands.last() {
                    map.use_cmap = Some(n.clone());
                }
            }
            b"def" => {
                if let [Operand::Name(key), value] = operands {
                    if key == b"WMode" && value.num() == Some(1.0) {
                        map.vertical = true;
                    }
                    if key == b"CMapName" {
                        last_name = Some(key.clone());
                    }
                }
            }
            b"endcodespacerange" => {
                for pair in operands.chunks(2) {
                    if let [Operand::Str(lo), Operand::Str(hi)] = pair
                        && (1..=4).contains(&lo.len())
                        && lo.len() == hi.len()
                    {
                        map.spaces.push(CodeSpace {
                            len: lo.len() as u8,
                            lo: lo.clone(),
                            hi: hi.clone(),
                        });
                    }
                }
            }
            b"endcidchar" => {
                for pair in operands.chunks(2) {
                    if let [Operand::Str(src), Operand::Num(cid)] = pair
                        && map.chars.len() < MAX_ENTRIES
                    {
                        map.chars.insert(be(src), *cid as u32);
                    }
                }
            }
            b"endcidrange" => {
                for tri in operands.chunks(3) {
                    if let [Operand::Str(lo), Operand::Str(hi), Operand::Num(cid)] = tri
                        && map.ranges.len() < MAX_RANGES
                    {
                        let (lo, hi) = (be(lo), be(hi));
                        if hi >= lo {
                            map.ranges.push((lo, hi, *cid as u32));
                        }
                    }
                }
            }
            _ => {}
        });
        let _ = last_name;
        map.ranges.sort_by_key(|r| r.0);
        map
    }

    /// The CID of `code`, if mapped.
    pub(crate) fn cid(&self, code: u32) -> Option<u32> {
        if let Some(c) = self.chars.get(&code) {
            return Some(*c);
        }
        let idx = self.ranges.partition_point(|r| r.0 <= code);
        for r in self.ranges[..idx].iter().rev().take(8) {
            if code <= r.1 {
                return Some(r.2.saturating_add(code - r.0));
            }
        }
        None
    }

    /// Splits the next code off `bytes` by the code-space ranges: (code, length in bytes).
    pub(crate) fn next_code(&self, bytes: &[u8]) -> (u32, usize) {
        for len in 1..=4usize {
            if bytes.len() < len {
                break;
            }
            let cand = &bytes[..len];
            let hit = self.spaces.iter().any(|s| {
                usize::from(s.len) == len
                    && cand
                        .iter()
                        .zip(s.lo.iter().zip(s.hi.iter()))
                        .all(|(b, (lo, hi))| b >= lo && b <= hi)
            });
            if hit {
                return (be(cand), len);
            }
        }
        // No range matched: take the shortest declared length (or 2 bytes), as readers do.
        let len = self
            .spaces
            .iter()
            .map(|s| usize::from(s.len))
            .min()
            .unwrap_or(2)
            .min(bytes.len())
            .max(1);
        (be(&bytes[..len]), len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bfchar_bfrange_and_array_form() {
        let data = b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap
            1 begincodespacerange <0000> <FFFF> endcodespacerange
            2 beginbfchar <0003> <0020> <0010> <4E2D> endbfchar
            2 beginbfrange <0020> <0022> <0041> <0030> <0031> [<6587> <D840DC00>] endbfrange
            endcmap";
        let m = ToUnicode::parse(data);
        assert_eq!(m.code_lengths, vec![2]);
        assert_eq!(m.lookup(3).as_deref(), Some(" "));
        assert_eq!(m.lookup(0x10).as_deref(), Some("中"));
        assert_eq!(m.lookup(0x21).as_deref(), Some("B"));
        assert_eq!(m.lookup(0x22).as_deref(), Some("C"));
        assert_eq!(m.lookup(0x30).as_deref(), Some("文"));
        assert_eq!(m.lookup(0x31).as_deref(), Some("\u{20000}"));
        assert_eq!(m.lookup(0x23), None);
    }

    #[test]
    fn huge_range_is_clipped_not_allocated() {
        let data = b"1 beginbfrange <00000000> <FFFFFFFF> <0041> endbfrange";
        let m = ToUnicode::parse(data);
        assert_eq!(m.lookup(0).as_deref(), Some("A"));
        assert_eq!(m.lookup(MAX_RANGE + 5), None);
        assert_eq!(m.warnings.len(), 1);
        // An array-form range cannot expand past its own array.
        let data = b"1 beginbfrange <0000> <FFFF> [<0041>] endbfrange";
        let m = ToUnicode::parse(data);
        assert_eq!(m.lookup(0).as_deref(), Some("A"));
        assert_eq!(m.lookup(1), None);
    }

    #[test]
    fn malformed_entries_are_skipped_good_ones_kept() {
        let data = b"3 beginbfchar <01> <0041> <02> 17 <03> <0043> endbfchar";
        let m = ToUnicode::parse(data);
        assert_eq!(m.lookup(1).as_deref(), Some("A"));
        // The pair (<02> 17) is malformed and dropped; pairing continues by position.
        assert_eq!(m.lookup(2), None);
        assert_eq!(m.lookup(3).as_deref(), Some("C"));
    }

    #[test]
    fn cid_cmap_codespace_and_ranges() {
        let data = b"/WMode 0 def 2 begincodespacerange <00> <80> <8140> <FEFE> endcodespacerange
            1 begincidrange <8140> <817E> 633 endcidrange 1 begincidchar <20> 1 endcidchar";
        let m = CidCMap::parse(data);
        assert_eq!(m.next_code(&[0x41, 0x42]), (0x41, 1));
        assert_eq!(m.next_code(&[0x81, 0x41]), (0x8141, 2));
        assert_eq!(m.cid(0x8141), Some(634));
        assert_eq!(m.cid(0x20), Some(1));
        assert!(!m.vertical);
    }
}
