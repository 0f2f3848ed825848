//! Stream filters read as leniently as poppler reads them, for the streams lopdf refuses.
//!
//! lopdf decodes the standard filters strictly: an ASCIIHex stream with one stray byte, or a
//! stream whose `/Filter` uses the abbreviated names (`/AHx`, `/A85`, `/Fl`, `/LZW`, `/RL`,
//! allowed by the standard only for inline images but written by some producers for streams
//! too), fails as a whole and the page loses its text. Here the chain is decoded one filter at
//! a time: ASCIIHex and ASCII85 by the functions below, which keep going past a bad byte (as
//! poppler does: a bad hex digit counts as 0, so the bytes after it stay aligned), and the
//! binary filters by lopdf, under the same output limit.

use lopdf::{Dictionary, Object, Stream};

/// The full name of a stream filter, abbreviations expanded.
fn full_name(name: &[u8]) -> &[u8] {
    match name {
        b"AHx" => b"ASCIIHexDecode",
        b"A85" => b"ASCII85Decode",
        b"Fl" => b"FlateDecode",
        b"LZW" => b"LZWDecode",
        b"RL" => b"RunLengthDecode",
        other => other,
    }
}

/// Decodes a stream's filter chain leniently; `limit` bounds every stage's output. None when
/// a filter is unknown, is an image filter, or a binary stage fails or passes the limit.
pub(crate) fn decode_lenient(stream: &Stream, limit: usize) -> Option<Vec<u8>> {
    let names: Vec<&[u8]> = match stream.dict.get(b"Filter").ok()? {
        Object::Name(n) => vec![n.as_slice()],
        Object::Array(a) => a
            .iter()
            .map(|o| o.as_name().ok())
            .collect::<Option<Vec<_>>>()?,
        _ => return None,
    };
    let params: Vec<Option<&Dictionary>> = match stream.dict.get(b"DecodeParms").ok() {
        Some(Object::Dictionary(d)) => vec![Some(d); names.len()],
        Some(Object::Array(a)) => (0..names.len())
            .map(|i| a.get(i).and_then(|o| o.as_dict().ok()))
            .collect(),
        _ => vec![None; names.len()],
    };
    let mut data = stream.content.clone();
    for (name, param) in names.iter().zip(params) {
        data = match full_name(name) {
            b"ASCIIHexDecode" => ascii_hex(&data, limit)?,
            b"ASCII85Decode" => ascii85(&data, limit)?,
            full @ (b"FlateDecode" | b"LZWDecode" | b"RunLengthDecode") => {
                let mut dict = Dictionary::new();
                dict.set("Filter", Object::Name(full.to_vec()));
                if let Some(p) = param {
                    dict.set("DecodeParms", Object::Dictionary(p.clone()));
                }
                Stream::new(dict, data)
                    .decompressed_content_with_limit(limit)
                    .ok()?
            }
            _ => return None,
        };
        if data.len() > limit {
            return None;
        }
    }
    Some(data)
}

/// ASCIIHexDecode: whitespace skipped, `>` ends the data, a byte that is no hex digit counts
/// as the digit 0 (poppler), an odd last digit is followed by 0.
fn ascii_hex(input: &[u8], limit: usize) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity((input.len() / 2).min(limit));
    let mut high: Option<u8> = None;
    for &c in input {
        if c == b'>' {
            break;
        }
        if c.is_ascii_whitespace() || c == 0 {
            continue;
        }
        let nibble = (c as char).to_digit(16).unwrap_or(0) as u8;
        match high.take() {
            Some(h) => {
                out.push((h << 4) | nibble);
                if out.len() > limit {
                    return None;
                }
            }
            None => high = Some(nibble),
        }
    }
    if let Some(h) = high {
        out.push(h << 4);
    }
    Some(out)
}

/// ASCII85Decode: whitespace skipped, `~` ends the data, `z` is four zero bytes; a byte
/// outside `!`..=`u` is taken as `!`, so one bad byte spoils one group, not the rest.
fn ascii85(input: &[u8], limit: usize) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity((input.len() / 5 * 4).min(limit));
    let mut group = [0u8; 5];
    let mut n = 0;
    for &c in input {
        if c == b'~' {
            break;
        }
        if c.is_ascii_whitespace() || c == 0 {
            continue;
        }
        if c == b'z' && n == 0 {
            out.extend_from_slice(&[0; 4]);
        } else {
            group[n] = if (b'!'..=b'u').contains(&c) {
                c - b'!'
            } else {
                0
            };
            n += 1;
            if n == 5 {
                out.extend_from_slice(&value(&group).to_be_bytes());
                n = 0;
            }
        }
        if out.len() > limit {
            return None;
        }
    }
    if n > 1 {
        // A partial group: pad with 'u' (84) and keep n - 1 bytes.
        for g in group.iter_mut().skip(n) {
            *g = 84;
        }
        out.extend_from_slice(&value(&group).to_be_bytes()[..n - 1]);
    }
    Some(out)
}

fn value(group: &[u8; 5]) -> u32 {
    group
        .iter()
        .fold(0u32, |v, &d| v.wrapping_mul(85).wrapping_add(u32::from(d)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_keeps_alignment_past_a_bad_byte() {
        // "BT" with its "4" replaced by a stray byte: one wrong byte, the rest intact.
        assert_eq!(
            ascii_hex(b"\xf12 54 20 3E", 100).as_deref(),
            Some(b"\x02T >".as_slice())
        );
        assert_eq!(
            ascii_hex(b"4142 4>", 100).as_deref(),
            Some(b"AB@".as_slice())
        );
        assert_eq!(ascii_hex(b"414243", 2), None);
    }

    #[test]
    fn ascii85_reads_groups_zeros_and_a_partial_end() {
        // "Man " = 9jqo^, "sure" = F*2M7, "z" = four zeros, "ab" = @:B (a partial group).
        assert_eq!(
            ascii85(b"9jqo^F*2M7z@:B~>", 100).as_deref(),
            Some(b"Man sure\0\0\0\0ab".as_slice())
        );
        assert_eq!(ascii85(b"9jqo^", 2), None);
    }

    #[test]
    fn abbreviated_chain_decodes() {
        let mut dict = Dictionary::new();
        dict.set("Filter", Object::Array(vec![Object::Name(b"AHx".to_vec())]));
        let s = Stream::new(dict, b"42 54 0a 45 54>".to_vec());
        assert_eq!(
            decode_lenient(&s, 100).as_deref(),
            Some(b"BT\nET".as_slice())
        );
        let mut dict = Dictionary::new();
        dict.set("Filter", Object::Name(b"DCT".to_vec()));
        assert_eq!(decode_lenient(&Stream::new(dict, vec![1, 2]), 100), None);
    }
}
