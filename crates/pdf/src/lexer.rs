//! A lenient tokenizer for PDF content streams and CMap programs.
//!
//! Owns turning bytes into operands and operators. It never fails: bytes it cannot make sense of
//! are skipped, so one malformed token costs that token, not the page. It does not interpret
//! operators (that is `content`) and allocates only what the operands themselves need.

/// One operand of a content-stream operator.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Operand {
    /// An integer or real number.
    Num(f64),
    /// A name, `#xx` escapes decoded, without the slash.
    Name(Vec<u8>),
    /// A literal or hexadecimal string, decoded to its bytes.
    Str(Vec<u8>),
    /// An array.
    Array(Vec<Operand>),
    /// A dictionary (kept as key/value pairs; content streams only use it for marked content).
    Dict(Vec<(Vec<u8>, Operand)>),
    /// `true` / `false`.
    Bool(bool),
    /// `null`.
    Null,
}

impl Operand {
    /// The number, when this operand is one.
    pub(crate) fn num(&self) -> Option<f64> {
        match self {
            Operand::Num(n) => Some(*n),
            _ => None,
        }
    }
}

/// What [`Lexer::next_token`] found.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Token {
    /// An operand (a complete array or dictionary counts as one).
    Operand(Operand),
    /// An operator keyword such as `Tj` or `begincmap`.
    Keyword(Vec<u8>),
}

/// Deepest array/dictionary nesting kept; deeper structures are flattened away.
const MAX_NESTING: usize = 32;
/// Most elements kept in one array or dictionary.
const MAX_ELEMENTS: usize = 1 << 20;

/// A cursor over content-stream bytes.
pub(crate) struct Lexer<'a> {
    data: &'a [u8],
    pos: usize,
}

pub(crate) fn is_white(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b'\x0c' | b'\0')
}

fn is_delim(b: u8) -> bool {
    matches!(
        b,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

impl<'a> Lexer<'a> {
    /// A lexer at the start of `data`.
    pub(crate) fn new(data: &'a [u8]) -> Lexer<'a> {
        Lexer { data, pos: 0 }
    }

    fn skip_ws(&mut self) {
        while self.pos < self.data.len() {
            let b = self.data[self.pos];
            if is_white(b) {
                self.pos += 1;
            } else if b == b'%' {
                while self.pos < self.data.len()
                    && self.data[self.pos] != b'\n'
                    && self.data[self.pos] != b'\r'
                {
                    self.pos += 1;
                }
            } else {
                break;
            }
        }
    }

    /// The next token, or `None` at the end of the data.
    pub(crate) fn next_token(&mut self) -> Option<Token> {
        self.next_token_depth(0)
    }

    fn next_token_depth(&mut self, depth: usize) -> Option<Token> {
        loop {
            self.skip_ws();
            let b = *self.data.get(self.pos)?;
            match b {
                b'/' => {
                    self.pos += 1;
                    return Some(Token::Operand(Operand::Name(self.name())));
                }
                b'(' => {
                    self.pos += 1;
                    return Some(Token::Operand(Operand::Str(self.literal())));
                }
                b'<' => {
                    if self.data.get(self.pos + 1) == Some(&b'<') {
                        self.pos += 2;
                        return Some(Token::Operand(self.dict(depth)));
                    }
                    self.pos += 1;
                    return Some(Token::Operand(Operand::Str(self.hex())));
                }
                b'[' => {
                    self.pos += 1;
                    return Some(Token::Operand(self.array(depth)));
                }
                b'{' | b'}' => {
                    // PostScript procedures only appear in CMaps/functions; report as keywords.
                    self.pos += 1;
                    return Some(Token::Keyword(vec![b]));
                }
                b']' | b')' | b'>' => {
                    // Stray closing delimiter: skip it.
                    self.pos += 1;
                    continue;
                }
                b'+' | b'-' | b'.' | b'0'..=b'9' => {
                    if let Some(n) = self.number() {
                        return Some(Token::Operand(Operand::Num(n)));
                    }
                    continue;
                }
                _ => {
                    let start = self.pos;
                    while self.pos < self.data.len()
                        && !is_white(self.data[self.pos])
                        && !is_delim(self.data[self.pos])
                    {
                        self.pos += 1;
                    }
                    if self.pos == start {
                        self.pos += 1;
                        continue;
                    }
                    let word = &self.data[start..self.pos];
                    return Some(match word {
                        b"true" => Token::Operand(Operand::Bool(true)),
                        b"false" => Token::Operand(Operand::Bool(false)),
                        b"null" => Token::Operand(Operand::Null),
                        _ => Token::Keyword(word.to_vec()),
                    });
                }
            }
        }
    }

    fn number(&mut self) -> Option<f64> {
        let start = self.pos;
        let mut end = self.pos;
        // Sign(s): PDF writers sometimes emit `--5`; take the last sign.
        let mut neg = false;
        while end < self.data.len() && matches!(self.data[end], b'+' | b'-') {
            neg = self.data[end] == b'-';
            end += 1;
        }
        let digits_start = end;
        let mut seen_dot = false;
        while end < self.data.len() {
            let c = self.data[end];
            if c.is_ascii_digit() {
                end += 1;
            } else if c == b'.' && !seen_dot {
                seen_dot = true;
                end += 1;
            } else if c == b'.' || c == b'-' {
                // `1.2.3` or `5-3`: stop here, rest is junk we skip next round.
                break;
            } else {
                break;
            }
        }
        self.pos = end.max(start + 1);
        let text = std::str::from_utf8(&self.data[digits_start..end]).ok()?;
        if text.is_empty() || text == "." {
            return if end > start { Some(0.0) } else { None };
        }
        let v: f64 = text.parse().ok()?;
        let v = if neg { -v } else { v };
        if v.is_finite() { Some(v) } else { Some(0.0) }
    }

    fn name(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        while self.pos < self.data.len() {
            let c = self.data[self.pos];
            if is_white(c) || is_delim(c) {
                break;
            }
            if c == b'#'
                && let (Some(h), Some(l)) = (
                    self.data.get(self.pos + 1).copied().and_then(hex_val),
                    self.data.get(self.pos + 2).copied().and_then(hex_val),
                )
            {
                out.push(h << 4 | l);
                self.pos += 3;
                continue;
            }
            out.push(c);
            self.pos += 1;
        }
        out
    }

    fn literal(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut depth = 1usize;
        while self.pos < self.data.len() {
            let c = self.data[self.pos];
            self.pos += 1;
            match c {
                b'\\' => {
                    let Some(&e) = self.data.get(self.pos) else {
                        break;
                    };
                    self.pos += 1;
                    match e {
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'b' => out.push(8),
                        b'f' => out.push(12),
                        b'0'..=b'7' => {
                            let mut v: u32 = u32::from(e - b'0');
                            for _ in 0..2 {
                                match self.data.get(self.pos) {
                                    Some(&d @ b'0'..=b'7') => {
                                        v = v * 8 + u32::from(d - b'0');
                                        self.pos += 1;
                                    }
                                    _ => break,
                                }
                            }
                            out.push((v & 0xff) as u8);
                        }
                        b'\r' => {
                            if self.data.get(self.pos) == Some(&b'\n') {
                                self.pos += 1;
                            }
                        }
                        b'\n' => {}
                        other => out.push(other),
                    }
                }
                b'(' => {
                    depth += 1;
                    out.push(c);
                }
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                    out.push(c);
                }
                _ => out.push(c),
            }
        }
        out
    }

    fn hex(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut hi: Option<u8> = None;
        while self.pos < self.data.len() {
            let c = self.data[self.pos];
            self.pos += 1;
            if c == b'>' {
                break;
            }
            if let Some(v) = hex_val(c) {
                match hi.take() {
                    Some(h) => out.push(h << 4 | v),
                    None => hi = Some(v),
                }
            }
        }
        if let Some(h) = hi {
            out.push(h << 4);
        }
        out
    }

    fn array(&mut self, depth: usize) -> Operand {
        let mut items = Vec::new();
        loop {
            self.skip_ws();
            match self.data.get(self.pos) {
                None => break,
                Some(b']') => {
                    self.pos += 1;
                    break;
                }
                _ => {}
            }
            if depth >= MAX_NESTING {
                // Too deep: skip to the matching bracket without building anything.
                self.pos += 1;
                continue;
            }
            match self.next_token_depth(depth + 1) {
                Some(Token::Operand(o)) => {
                    if items.len() < MAX_ELEMENTS {
                        items.push(o);
                    }
                }
                // A text-showing or object-ending operator inside an array means the array
                // was never closed: it ends there. Any other operator inside an array (a
                // stray `0 Tc` between the strings of a TJ array) is skipped, as poppler
                // skips it.
                Some(Token::Keyword(k)) => {
                    if matches!(
                        k.as_slice(),
                        b"TJ" | b"Tj" | b"'" | b"\"" | b"ET" | b"BT" | b"EMC" | b"Q" | b"Do"
                    ) {
                        self.pos -= k.len().min(self.pos);
                        break;
                    }
                }
                None => break,
            }
        }
        Operand::Array(items)
    }

    fn dict(&mut self, depth: usize) -> Operand {
        let mut items = Vec::new();
        let mut key: Option<Vec<u8>> = None;
        loop {
            self.skip_ws();
            match self.data.get(self.pos) {
                None => break,
                Some(b'>') => {
                    self.pos += 1;
                    if self.data.get(self.pos) == Some(&b'>') {
                        self.pos += 1;
                    }
                    break;
                }
                _ => {}
            }
            if depth >= MAX_NESTING {
                self.pos += 1;
                continue;
            }
            match self.next_token_depth(depth + 1) {
                Some(Token::Operand(o)) => match key.take() {
                    None => {
                        if let Operand::Name(n) = o {
                            key = Some(n);
                        }
                    }
                    Some(k) => {
                        if items.len() < MAX_ELEMENTS {
                            items.push((k, o));
                        }
                    }
                },
                Some(Token::Keyword(k)) => {
                    self.pos -= k.len().min(self.pos);
                    break;
                }
                None => break,
            }
        }
        Operand::Dict(items)
    }

    /// After an `ID` operator: skips the inline image data up to and including `EI`.
    pub(crate) fn skip_inline_image(&mut self) {
        // One whitespace byte follows `ID`.
        if self.pos < self.data.len() && is_white(self.data[self.pos]) {
            self.pos += 1;
        }
        let d = self.data;
        let mut i = self.pos;
        while i + 1 < d.len() {
            if d[i] == b'E'
                && d[i + 1] == b'I'
                && (i == 0 || is_white(d[i - 1]))
                && (i + 2 >= d.len() || is_white(d[i + 2]) || is_delim(d[i + 2]))
            {
                self.pos = i + 2;
                return;
            }
            i += 1;
        }
        self.pos = d.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(data: &[u8]) -> Vec<Token> {
        let mut l = Lexer::new(data);
        let mut v = Vec::new();
        while let Some(t) = l.next_token() {
            v.push(t);
        }
        v
    }

    #[test]
    fn tokens_of_a_text_object() {
        let t = all(b"BT /F1 12 Tf 1 0 0 1 -72.5 .5 Tm (a\\(b\\)\\101) Tj [<4E2D> -250 (x)] TJ ET");
        assert_eq!(t[0], Token::Keyword(b"BT".to_vec()));
        assert_eq!(t[1], Token::Operand(Operand::Name(b"F1".to_vec())));
        assert_eq!(t[2], Token::Operand(Operand::Num(12.0)));
        assert_eq!(t[8], Token::Operand(Operand::Num(-72.5)));
        assert_eq!(t[9], Token::Operand(Operand::Num(0.5)));
        assert_eq!(t[11], Token::Operand(Operand::Str(b"a(b)A".to_vec())));
        assert_eq!(
            t[13],
            Token::Operand(Operand::Array(vec![
                Operand::Str(vec![0x4e, 0x2d]),
                Operand::Num(-250.0),
                Operand::Str(b"x".to_vec())
            ]))
        );
        assert_eq!(t.last(), Some(&Token::Keyword(b"ET".to_vec())));
    }

    #[test]
    fn garbage_never_loops_or_panics() {
        let inputs: [&[u8]; 8] = [
            b"((((",
            b"<<<<",
            b"[[[[",
            b"]]]>>>)))",
            b"-",
            b"--.",
            b"/#zz#",
            b"<abc",
        ];
        for i in inputs {
            let _ = all(i);
        }
        let deep = vec![b'['; 100_000];
        let _ = all(&deep);
    }

    #[test]
    fn inline_image_is_skipped() {
        let mut l = Lexer::new(b"ID \x00\x01EIx EI Q");
        assert_eq!(l.next_token(), Some(Token::Keyword(b"ID".to_vec())));
        l.skip_inline_image();
        assert_eq!(l.next_token(), Some(Token::Keyword(b"Q".to_vec())));
    }
}
