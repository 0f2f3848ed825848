//! Built-in encodings of embedded Type 1 font programs: the `/Encoding` array in the clear-text
//! part of a `/FontFile` (Type 1) and the encoding + charset of a `/FontFile3 /Type1C` (bare
//! CFF, Adobe Technical Note #5176). They give the glyph names of codes a font dictionary leaves
//! to "the font's built-in encoding" (TeX's CMR fonts put ligatures and Greek there).
//!
//! Bounded and panic-free: every read is checked, every count is capped by the data's length.
//! Returns glyph names only; `font` turns them into text. Knows nothing of PDF objects.

/// Most bytes of a Type 1 clear-text part searched for the encoding.
const MAX_CLEARTEXT: usize = 1 << 20;

/// A built-in encoding: glyph name per code (None: `.notdef` or not encoded).
pub(crate) type BuiltinEncoding = Vec<Option<Vec<u8>>>;

/// The built-in encoding of a Type 1 font program (its clear-text part is enough). None when the
/// font uses `StandardEncoding` or declares none.
pub(crate) fn type1_encoding(data: &[u8]) -> Option<BuiltinEncoding> {
    let data = &data[..data.len().min(MAX_CLEARTEXT)];
    let at = find(data, b"/Encoding")?;
    let rest = &data[at + 9..];
    let head = &rest[..rest.len().min(64)];
    if find(head, b"StandardEncoding").is_some() {
        return None;
    }
    // Up to `readonly def` or the start of the encrypted part.
    let end = find(rest, b"readonly def")
        .or_else(|| find(rest, b"eexec"))
        .unwrap_or(rest.len());
    let body = &rest[..end];
    let mut out: BuiltinEncoding = vec![None; 256];
    let mut found = false;
    let mut i = 0;
    while let Some(k) = find(&body[i..], b"dup ") {
        i += k + 4;
        let tail = &body[i..];
        let digits = tail.iter().take_while(|b| b.is_ascii_digit()).count();
        let Some(code) = std::str::from_utf8(&tail[..digits])
            .ok()
            .and_then(|s| s.parse::<usize>().ok())
        else {
            continue;
        };
        let after = &tail[digits..];
        let sp = after.iter().take_while(|b| b.is_ascii_whitespace()).count();
        let Some(name) = after.get(sp..).and_then(|a| a.strip_prefix(b"/")) else {
            continue;
        };
        let len = name
            .iter()
            .take_while(|b| !b.is_ascii_whitespace() && !b"/[]{}()<>%".contains(b))
            .count();
        if code < 256 && len > 0 && &name[..len] != b".notdef" {
            out[code] = Some(name[..len].to_vec());
            found = true;
        }
    }
    found.then_some(out)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn u16_at(d: &[u8], off: usize) -> Option<usize> {
    let b = d.get(off..off.checked_add(2)?)?;
    Some(usize::from(u16::from_be_bytes([b[0], b[1]])))
}

fn offset(d: &[u8], off: usize, size: usize) -> Option<usize> {
    let b = d.get(off..off.checked_add(size)?)?;
    Some(b.iter().fold(0usize, |a, &x| a << 8 | usize::from(x)))
}

/// A CFF INDEX at `at`: its items and where it ends.
fn index(d: &[u8], at: usize) -> Option<(Vec<&[u8]>, usize)> {
    let count = u16_at(d, at)?;
    if count == 0 {
        return Some((Vec::new(), at + 2));
    }
    let size = usize::from(*d.get(at + 2)?);
    if !(1..=4).contains(&size) {
        return None;
    }
    let offs_at = at + 3;
    let data_at = offs_at + (count + 1) * size - 1;
    let mut items = Vec::with_capacity(count.min(d.len()));
    let mut prev = offset(d, offs_at, size)?;
    for k in 1..=count {
        let o = offset(d, offs_at + k * size, size)?;
        let item = d.get(data_at.checked_add(prev)?..data_at.checked_add(o)?)?;
        items.push(item);
        prev = o;
    }
    Some((items, data_at + prev))
}

/// The operands of the top DICT operators we need: charset (15), encoding (16), CharStrings
/// (17), and whether it is CID-keyed (12 30).
fn top_dict(d: &[u8]) -> (usize, usize, usize, bool) {
    let (mut charset, mut encoding, mut charstrings, mut cid) = (0, 0, 0, false);
    let mut operands: Vec<i64> = Vec::new();
    let mut i = 0;
    while i < d.len() {
        let b0 = d[i];
        match b0 {
            0..=21 => {
                let op = if b0 == 12 {
                    i += 1;
                    1200 + u16::from(d.get(i).copied().unwrap_or(0))
                } else {
                    u16::from(b0)
                };
                let last = operands.last().copied().unwrap_or(0).max(0) as usize;
                match op {
                    15 => charset = last,
                    16 => encoding = last,
                    17 => charstrings = last,
                    1230 => cid = true,
                    _ => {}
                }
                operands.clear();
                i += 1;
            }
            28 => {
                let v = d
                    .get(i + 1..i + 3)
                    .map(|b| i16::from_be_bytes([b[0], b[1]]));
                operands.push(i64::from(v.unwrap_or(0)));
                i += 3;
            }
            29 => {
                let v = d
                    .get(i + 1..i + 5)
                    .map(|b| i32::from_be_bytes([b[0], b[1], b[2], b[3]]));
                operands.push(i64::from(v.unwrap_or(0)));
                i += 5;
            }
            30 => {
                // A real number: nibbles up to 0xF.
                i += 1;
                while let Some(&b) = d.get(i) {
                    i += 1;
                    if b & 0x0F == 0x0F || b >> 4 == 0x0F {
                        break;
                    }
                }
                operands.push(0);
            }
            32..=246 => {
                operands.push(i64::from(b0) - 139);
                i += 1;
            }
            247..=250 => {
                let b1 = i64::from(d.get(i + 1).copied().unwrap_or(0));
                operands.push((i64::from(b0) - 247) * 256 + b1 + 108);
                i += 2;
            }
            251..=254 => {
                let b1 = i64::from(d.get(i + 1).copied().unwrap_or(0));
                operands.push(-(i64::from(b0) - 251) * 256 - b1 - 108);
                i += 2;
            }
            _ => i += 1,
        }
        if operands.len() > 48 {
            operands.clear();
        }
    }
    (charset, encoding, charstrings, cid)
}

/// The built-in encoding of a bare CFF font program (`/FontFile3 /Type1C`). None for
/// `StandardEncoding`, the Expert encoding, CID-keyed fonts and unreadable data.
pub(crate) fn cff_encoding(d: &[u8]) -> Option<BuiltinEncoding> {
    let hdr_size = usize::from(*d.get(2)?);
    let (_, after_names) = index(d, hdr_size)?;
    let (tops, after_tops) = index(d, after_names)?;
    let (strings, _) = index(d, after_tops)?;
    let (charset_at, encoding_at, charstrings_at, cid) = top_dict(tops.first()?);
    if cid || encoding_at <= 1 || charstrings_at == 0 {
        return None;
    }
    let glyphs = u16_at(d, charstrings_at)?;
    // Charset: glyph id → SID (glyph 0 is .notdef).
    let mut sids: Vec<usize> = vec![0];
    match charset_at {
        0 => sids.extend(1..glyphs.min(229)),
        1 | 2 => return None,
        at => {
            let format = *d.get(at)?;
            let mut p = at + 1;
            while sids.len() < glyphs {
                match format {
                    0 => {
                        sids.push(u16_at(d, p)?);
                        p += 2;
                    }
                    1 | 2 => {
                        let first = u16_at(d, p)?;
                        let left = if format == 1 {
                            usize::from(*d.get(p + 2)?)
                        } else {
                            u16_at(d, p + 2)?
                        };
                        p += if format == 1 { 3 } else { 4 };
                        for k in 0..=left {
                            if sids.len() >= glyphs {
                                break;
                            }
                            sids.push(first + k);
                        }
                    }
                    _ => return None,
                }
            }
        }
    }
    let name = |sid: usize| -> Option<Vec<u8>> {
        if sid == 0 {
            None
        } else if sid < STANDARD_STRINGS.len() {
            Some(STANDARD_STRINGS[sid].as_bytes().to_vec())
        } else {
            strings
                .get(sid - STANDARD_STRINGS.len())
                .map(|s| s.to_vec())
        }
    };
    let mut out: BuiltinEncoding = vec![None; 256];
    let format = *d.get(encoding_at)?;
    let mut p = encoding_at + 1;
    match format & 0x7F {
        0 => {
            let n = usize::from(*d.get(p)?);
            p += 1;
            for gid in 1..=n {
                let code = usize::from(*d.get(p)?);
                p += 1;
                if let Some(&sid) = sids.get(gid) {
                    out[code] = name(sid);
                }
            }
        }
        1 => {
            let ranges = usize::from(*d.get(p)?);
            p += 1;
            let mut gid = 1;
            for _ in 0..ranges {
                let first = usize::from(*d.get(p)?);
                let left = usize::from(*d.get(p + 1)?);
                p += 2;
                for k in 0..=left {
                    if first + k < 256
                        && let Some(&sid) = sids.get(gid)
                    {
                        out[first + k] = name(sid);
                    }
                    gid += 1;
                }
            }
        }
        _ => return None,
    }
    if format & 0x80 != 0 {
        let n = usize::from(*d.get(p)?);
        p += 1;
        for _ in 0..n {
            let code = usize::from(*d.get(p)?);
            let sid = u16_at(d, p + 1)?;
            p += 3;
            out[code] = name(sid);
        }
    }
    Some(out)
}

/// The 391 standard strings of CFF (Technical Note #5176, Appendix A).
const STANDARD_STRINGS: [&str; 391] = [
    ".notdef",
    "space",
    "exclam",
    "quotedbl",
    "numbersign",
    "dollar",
    "percent",
    "ampersand",
    "quoteright",
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
    "quoteleft",
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
    "exclamdown",
    "cent",
    "sterling",
    "fraction",
    "yen",
    "florin",
    "section",
    "currency",
    "quotesingle",
    "quotedblleft",
    "guillemotleft",
    "guilsinglleft",
    "guilsinglright",
    "fi",
    "fl",
    "endash",
    "dagger",
    "daggerdbl",
    "periodcentered",
    "paragraph",
    "bullet",
    "quotesinglbase",
    "quotedblbase",
    "quotedblright",
    "guillemotright",
    "ellipsis",
    "perthousand",
    "questiondown",
    "grave",
    "acute",
    "circumflex",
    "tilde",
    "macron",
    "breve",
    "dotaccent",
    "dieresis",
    "ring",
    "cedilla",
    "hungarumlaut",
    "ogonek",
    "caron",
    "emdash",
    "AE",
    "ordfeminine",
    "Lslash",
    "Oslash",
    "OE",
    "ordmasculine",
    "ae",
    "dotlessi",
    "lslash",
    "oslash",
    "oe",
    "germandbls",
    "onesuperior",
    "logicalnot",
    "mu",
    "trademark",
    "Eth",
    "onehalf",
    "plusminus",
    "Thorn",
    "onequarter",
    "divide",
    "brokenbar",
    "degree",
    "thorn",
    "threequarters",
    "twosuperior",
    "registered",
    "minus",
    "eth",
    "multiply",
    "threesuperior",
    "copyright",
    "Aacute",
    "Acircumflex",
    "Adieresis",
    "Agrave",
    "Aring",
    "Atilde",
    "Ccedilla",
    "Eacute",
    "Ecircumflex",
    "Edieresis",
    "Egrave",
    "Iacute",
    "Icircumflex",
    "Idieresis",
    "Igrave",
    "Ntilde",
    "Oacute",
    "Ocircumflex",
    "Odieresis",
    "Ograve",
    "Otilde",
    "Scaron",
    "Uacute",
    "Ucircumflex",
    "Udieresis",
    "Ugrave",
    "Yacute",
    "Ydieresis",
    "Zcaron",
    "aacute",
    "acircumflex",
    "adieresis",
    "agrave",
    "aring",
    "atilde",
    "ccedilla",
    "eacute",
    "ecircumflex",
    "edieresis",
    "egrave",
    "iacute",
    "icircumflex",
    "idieresis",
    "igrave",
    "ntilde",
    "oacute",
    "ocircumflex",
    "odieresis",
    "ograve",
    "otilde",
    "scaron",
    "uacute",
    "ucircumflex",
    "udieresis",
    "ugrave",
    "yacute",
    "ydieresis",
    "zcaron",
    "exclamsmall",
    "Hungarumlautsmall",
    "dollaroldstyle",
    "dollarsuperior",
    "ampersandsmall",
    "Acutesmall",
    "parenleftsuperior",
    "parenrightsuperior",
    "twodotenleader",
    "onedotenleader",
    "zerooldstyle",
    "oneoldstyle",
    "twooldstyle",
    "threeoldstyle",
    "fouroldstyle",
    "fiveoldstyle",
    "sixoldstyle",
    "sevenoldstyle",
    "eightoldstyle",
    "nineoldstyle",
    "commasuperior",
    "threequartersemdash",
    "periodsuperior",
    "questionsmall",
    "asuperior",
    "bsuperior",
    "centsuperior",
    "dsuperior",
    "esuperior",
    "isuperior",
    "lsuperior",
    "msuperior",
    "nsuperior",
    "osuperior",
    "rsuperior",
    "ssuperior",
    "tsuperior",
    "ff",
    "ffi",
    "ffl",
    "parenleftinferior",
    "parenrightinferior",
    "Circumflexsmall",
    "hyphensuperior",
    "Gravesmall",
    "Asmall",
    "Bsmall",
    "Csmall",
    "Dsmall",
    "Esmall",
    "Fsmall",
    "Gsmall",
    "Hsmall",
    "Ismall",
    "Jsmall",
    "Ksmall",
    "Lsmall",
    "Msmall",
    "Nsmall",
    "Osmall",
    "Psmall",
    "Qsmall",
    "Rsmall",
    "Ssmall",
    "Tsmall",
    "Usmall",
    "Vsmall",
    "Wsmall",
    "Xsmall",
    "Ysmall",
    "Zsmall",
    "colonmonetary",
    "onefitted",
    "rupiah",
    "Tildesmall",
    "exclamdownsmall",
    "centoldstyle",
    "Lslashsmall",
    "Scaronsmall",
    "Zcaronsmall",
    "Dieresissmall",
    "Brevesmall",
    "Caronsmall",
    "Dotaccentsmall",
    "Macronsmall",
    "figuredash",
    "hypheninferior",
    "Ogoneksmall",
    "Ringsmall",
    "Cedillasmall",
    "questiondownsmall",
    "oneeighth",
    "threeeighths",
    "fiveeighths",
    "seveneighths",
    "onethird",
    "twothirds",
    "zerosuperior",
    "foursuperior",
    "fivesuperior",
    "sixsuperior",
    "sevensuperior",
    "eightsuperior",
    "ninesuperior",
    "zeroinferior",
    "oneinferior",
    "twoinferior",
    "threeinferior",
    "fourinferior",
    "fiveinferior",
    "sixinferior",
    "seveninferior",
    "eightinferior",
    "nineinferior",
    "centinferior",
    "dollarinferior",
    "periodinferior",
    "commainferior",
    "Agravesmall",
    "Aacutesmall",
    "Acircumflexsmall",
    "Atildesmall",
    "Adieresissmall",
    "Aringsmall",
    "AEsmall",
    "Ccedillasmall",
    "Egravesmall",
    "Eacutesmall",
    "Ecircumflexsmall",
    "Edieresissmall",
    "Igravesmall",
    "Iacutesmall",
    "Icircumflexsmall",
    "Idieresissmall",
    "Ethsmall",
    "Ntildesmall",
    "Ogravesmall",
    "Oacutesmall",
    "Ocircumflexsmall",
    "Otildesmall",
    "Odieresissmall",
    "OEsmall",
    "Oslashsmall",
    "Ugravesmall",
    "Uacutesmall",
    "Ucircumflexsmall",
    "Udieresissmall",
    "Yacutesmall",
    "Thornsmall",
    "Ydieresissmall",
    "001.000",
    "001.001",
    "001.002",
    "001.003",
    "Black",
    "Bold",
    "Book",
    "Light",
    "Medium",
    "Regular",
    "Roman",
    "Semibold",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type1_cleartext_encoding() {
        let font = b"%!PS-AdobeFont-1.0: CMR10\n/Encoding 256 array\n0 1 255 {1 index exch /.notdef put} for\ndup 12 /fi put\ndup 58 /period put\ndup 65 /A put\nreadonly def\ncurrentdict end\ncurrentfile eexec\x80\x81";
        let enc = type1_encoding(font).unwrap_or_default();
        assert_eq!(enc.get(12).cloned().flatten().as_deref(), Some(&b"fi"[..]));
        assert_eq!(
            enc.get(58).cloned().flatten().as_deref(),
            Some(&b"period"[..])
        );
        assert_eq!(enc.get(66).cloned().flatten(), None);
        assert!(type1_encoding(b"/Encoding StandardEncoding def").is_none());
    }

    /// A CFF with one font: charset format 0 (glyphs: .notdef, "fi" (SID 392, custom),
    /// "period" (SID 15)), encoding format 0 (code 12 → glyph 1, code 58 → glyph 2).
    fn tiny_cff() -> Vec<u8> {
        // Header, then the Name INDEX with one name "F".
        let mut d = vec![1, 0, 4, 1, 0, 1, 1, 1, 2, b'F'];
        // The top DICT has three operators with 2-byte operands: 12 bytes; its INDEX 17.
        let strings_at = d.len() + 17;
        // String INDEX: "x" (SID 391) and "fi" (SID 392).
        let strings = [0u8, 2, 1, 1, 2, 4, b'x', b'f', b'i'];
        let charset_at = strings_at + strings.len();
        let charset = [0u8, 0x01, 0x88, 0, 15];
        let encoding_at = charset_at + charset.len();
        let encoding = [0u8, 2, 12, 58];
        let charstrings_at = encoding_at + encoding.len();
        let charstrings = [0u8, 3, 1, 1, 2, 3, 4, 14, 14, 14];
        let mut dict = Vec::new();
        for (v, op) in [(charset_at, 15u8), (encoding_at, 16), (charstrings_at, 17)] {
            let b = (v as i16).to_be_bytes();
            dict.extend_from_slice(&[28, b[0], b[1], op]);
        }
        d.extend_from_slice(&[0, 1, 1, 1, (dict.len() + 1) as u8]);
        d.extend_from_slice(&dict);
        d.extend_from_slice(&strings);
        d.extend_from_slice(&charset);
        d.extend_from_slice(&encoding);
        d.extend_from_slice(&charstrings);
        d
    }

    #[test]
    fn cff_builtin_encoding() {
        let cff = tiny_cff();
        let enc = cff_encoding(&cff).unwrap_or_default();
        assert_eq!(enc.get(12).cloned().flatten().as_deref(), Some(&b"fi"[..]));
        assert_eq!(
            enc.get(58).cloned().flatten().as_deref(),
            Some(&b"period"[..])
        );
        assert_eq!(enc.get(65).cloned().flatten(), None);
        for cut in 0..cff.len() {
            let _ = cff_encoding(&cff[..cut]);
        }
        let mut f = cff.clone();
        for i in 0..f.len() {
            for x in [0xFFu8, 0x80, 0x01] {
                f[i] ^= x;
                let _ = cff_encoding(&f);
                f[i] ^= x;
            }
        }
    }
}
