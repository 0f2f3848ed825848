//! The content-stream interpreter: runs a page's operators (graphics state, text state, text
//! showing, Form XObjects) and records every shown glyph with its position in device space.
//!
//! Owns the PDF imaging model as far as text needs it: `q`/`Q`/`cm`, `BT`/`ET`, `Tf Tc Tw Tz TL
//! Ts Tr`, `Td TD Tm T*`, `Tj TJ ' "`, `Do`, inline images. It does not decide reading order
//! (that is `layout`) and never fails: past a limit (operators, glyphs, nesting, time, bytes) it
//! stops with a warning and keeps what it has.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;
use std::time::Instant;

use lopdf::{Dictionary, Document, Object, ObjectId};

use super::font::{self, Font};
use super::lexer::{Lexer, Operand, Token};

/// Resource limits for one page.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    /// Most operators run (forms included).
    pub(crate) max_ops: usize,
    /// Most glyphs kept.
    pub(crate) max_glyphs: usize,
    /// Most decompressed content bytes (page and forms together).
    pub(crate) max_bytes: usize,
    /// Deepest Form XObject nesting.
    pub(crate) max_depth: usize,
    /// When to give up on the page.
    pub(crate) deadline: Option<Instant>,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_ops: 2_000_000,
            max_glyphs: 1_000_000,
            max_bytes: 256 << 20,
            max_depth: 8,
            deadline: None,
        }
    }
}

/// An affine matrix `[a b c d e f]` (PDF row-vector convention).
pub(crate) type Matrix = [f64; 6];

const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// `m1 × m2`.
pub(crate) fn mul(m1: &Matrix, m2: &Matrix) -> Matrix {
    [
        m1[0] * m2[0] + m1[1] * m2[2],
        m1[0] * m2[1] + m1[1] * m2[3],
        m1[2] * m2[0] + m1[3] * m2[2],
        m1[2] * m2[1] + m1[3] * m2[3],
        m1[4] * m2[0] + m1[5] * m2[2] + m2[4],
        m1[4] * m2[1] + m1[5] * m2[3] + m2[5],
    ]
}

fn apply(m: &Matrix, x: f64, y: f64) -> (f64, f64) {
    (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])
}

fn sane(m: Matrix) -> Matrix {
    if m.iter().all(|v| v.is_finite() && v.abs() < 1e9) {
        m
    } else {
        IDENTITY
    }
}

/// One shown glyph.
#[derive(Debug, Clone)]
pub(crate) struct Glyph {
    /// Byte range of its text in [`PageGlyphs::text`].
    pub(crate) start: u32,
    /// End of that range.
    pub(crate) end: u32,
    /// Origin in device space.
    pub(crate) x0: f64,
    /// Origin in device space.
    pub(crate) y0: f64,
    /// Origin + advance (without word spacing) in device space.
    pub(crate) x1: f64,
    /// Origin + advance in device space.
    pub(crate) y1: f64,
    /// Em size in device space.
    pub(crate) size: f64,
    /// Which string-showing run drew it (duplicates across runs are fake-bold overprints).
    pub(crate) run: u32,
    /// Offsets from the baseline to the glyph box's two sides, across the writing direction
    /// (`[lo_x, lo_y, hi_x, hi_y]`, device space): 0.2 em below to 0.8 em above the baseline,
    /// or ±0.5 em around the centre line of vertical writing.
    pub(crate) across: [f64; 4],
    /// Writing direction of a horizontal font, from its text rendering matrix (not from the
    /// advance, which negative character spacing can turn backwards): 0 rightwards, 1 up,
    /// 2 leftwards (rotated 180°), 3 down; [`DIR_FROM_ADVANCE`] for vertical fonts.
    pub(crate) dir: u8,
}

/// [`Glyph::dir`] of vertical writing: the direction is read from the advance.
pub(crate) const DIR_FROM_ADVANCE: u8 = u8::MAX;

/// The direction of horizontal text drawn with text rendering matrix `m`, as poppler decides
/// it: by the dominant axis of the matrix; a mirrored glyph (negative x scale, upright) still
/// reads rightwards.
fn text_direction(m: &Matrix) -> u8 {
    let [a, b, c, d, _, _] = *m;
    if (a * d).abs() >= (b * c).abs() {
        if a > 0.0 || d > 0.0 { 0 } else { 2 }
    } else if c < 0.0 {
        1
    } else {
        3
    }
}

/// What the interpreter collected on one page.
#[derive(Debug, Default)]
pub(crate) struct PageGlyphs {
    /// Texts of all glyphs, concatenated.
    pub(crate) text: String,
    /// The glyphs, in drawing order.
    pub(crate) glyphs: Vec<Glyph>,
    /// Images drawn (XObject or inline).
    pub(crate) images: usize,
    /// Glyphs drawn invisibly (render mode 3 or 7).
    pub(crate) invisible_glyphs: usize,
    /// Warnings, deduplicated.
    pub(crate) warnings: Vec<String>,
    /// The resource limit that stopped the page, if one did (the filing then fails).
    pub(crate) limit: Option<String>,
}

#[derive(Clone)]
struct GState {
    ctm: Matrix,
    font: Option<Rc<Font>>,
    size: f64,
    char_spacing: f64,
    word_spacing: f64,
    hscale: f64,
    leading: f64,
    rise: f64,
    render_mode: i64,
}

impl GState {
    fn new(ctm: Matrix) -> GState {
        GState {
            ctm,
            font: None,
            size: 0.0,
            char_spacing: 0.0,
            word_spacing: 0.0,
            hscale: 1.0,
            leading: 0.0,
            rise: 0.0,
            render_mode: 0,
        }
    }
}

enum Stop {
    Limit(String),
}

/// Interprets content streams of one page.
pub(crate) struct Interpreter<'a> {
    doc: &'a Document,
    limits: Limits,
    fonts: HashMap<(usize, Vec<u8>), Rc<Font>>,
    font_by_id: HashMap<ObjectId, Rc<Font>>,
    out: PageGlyphs,
    warned: HashSet<String>,
    unmapped: HashMap<String, usize>,
    ops: usize,
    bytes: usize,
    run: u32,
    forms: Vec<ObjectId>,
}

impl<'a> Interpreter<'a> {
    /// An interpreter for one page of `doc`.
    pub(crate) fn new(doc: &'a Document, limits: Limits) -> Interpreter<'a> {
        Interpreter {
            doc,
            limits,
            fonts: HashMap::new(),
            font_by_id: HashMap::new(),
            out: PageGlyphs::default(),
            warned: HashSet::new(),
            unmapped: HashMap::new(),
            ops: 0,
            bytes: 0,
            run: 0,
            forms: Vec::new(),
        }
    }

    fn warn(&mut self, w: String) {
        if self.out.warnings.len() < 64 && self.warned.insert(w.clone()) {
            self.out.warnings.push(w);
        }
    }

    /// Counts content bytes against the page budget; false when over.
    pub(crate) fn charge_bytes(&mut self, n: usize) -> bool {
        self.bytes = self.bytes.saturating_add(n);
        self.bytes <= self.limits.max_bytes
    }

    /// Bytes still allowed for decompression.
    pub(crate) fn bytes_left(&self) -> usize {
        self.limits.max_bytes.saturating_sub(self.bytes)
    }

    /// Runs one page's content with its resources; the page's glyphs accumulate.
    pub(crate) fn run_page(&mut self, content: &[u8], resources: Option<&'a Dictionary>) {
        let gs = GState::new(IDENTITY);
        if let Err(Stop::Limit(why)) = self.run(content, resources, gs, 0) {
            self.out.limit.get_or_insert(why);
        }
    }

    /// Finishes the page and hands back what was collected.
    pub(crate) fn finish(mut self) -> PageGlyphs {
        let mut unmapped: Vec<_> = std::mem::take(&mut self.unmapped).into_iter().collect();
        unmapped.sort();
        for (font, n) in unmapped {
            self.warn(format!(
                "font {font}: {n} glyph(s) without a Unicode mapping were dropped"
            ));
        }
        if self.out.invisible_glyphs > 0 {
            self.warn("invisible text layer (render mode 3), e.g. OCR output over a scan".into());
        }
        self.out
    }

    fn lookup_font(&mut self, resources: Option<&'a Dictionary>, name: &[u8]) -> Rc<Font> {
        let key = (
            resources.map_or(0, |r| r as *const Dictionary as usize),
            name.to_vec(),
        );
        if let Some(f) = self.fonts.get(&key) {
            return f.clone();
        }
        let doc = self.doc;
        let entry = resources
            .and_then(|r| font::get_dict(doc, r, b"Font"))
            .and_then(|fonts| fonts.get(name).ok());
        let font = match entry {
            Some(Object::Reference(id)) => {
                if let Some(f) = self.font_by_id.get(id) {
                    f.clone()
                } else {
                    let f = match font::resolve(doc, &Object::Reference(*id)) {
                        Some(Object::Dictionary(d)) => Rc::new(Font::load(doc, d)),
                        _ => Rc::new(Font::missing(&String::from_utf8_lossy(name))),
                    };
                    self.font_by_id.insert(*id, f.clone());
                    f
                }
            }
            Some(Object::Dictionary(d)) => Rc::new(Font::load(doc, d)),
            _ => Rc::new(Font::missing(&String::from_utf8_lossy(name))),
        };
        for w in font.warnings.clone() {
            self.warn(w);
        }
        self.fonts.insert(key, font.clone());
        font
    }

    fn run(
        &mut self,
        content: &[u8],
        resources: Option<&'a Dictionary>,
        mut gs: GState,
        depth: usize,
    ) -> Result<(), Stop> {
        let mut stack: Vec<GState> = Vec::new();
        let mut tm = IDENTITY;
        let mut tlm = IDENTITY;
        let mut ops: Vec<Operand> = Vec::new();
        let mut lx = Lexer::new(content);
        while let Some(tok) = lx.next_token() {
            let op = match tok {
                Token::Operand(o) => {
                    if ops.len() >= 4096 {
                        ops.clear();
                    }
                    ops.push(o);
                    continue;
                }
                Token::Keyword(k) => k,
            };
            self.ops += 1;
            if self.ops > self.limits.max_ops {
                return Err(Stop::Limit(format!(
                    "more than {} operators",
                    self.limits.max_ops
                )));
            }
            if self.ops.is_multiple_of(4096)
                && let Some(d) = self.limits.deadline
                && Instant::now() > d
            {
                return Err(Stop::Limit("time limit reached".into()));
            }
            let n = |i: usize| ops.get(i).and_then(Operand::num).unwrap_or(0.0);
            let nums6 = || -> Option<Matrix> {
                if ops.len() < 6 {
                    return None;
                }
                let s = &ops[ops.len() - 6..];
                let mut m = [0.0; 6];
                for (i, o) in s.iter().enumerate() {
                    m[i] = o.num()?;
                }
                Some(m)
            };
            match op.as_slice() {
                b"q" if stack.len() < 256 => stack.push(gs.clone()),
                b"Q" => {
                    if let Some(g) = stack.pop() {
                        gs = g;
                    }
                }
                b"cm" => {
                    if let Some(m) = nums6() {
                        gs.ctm = sane(mul(&m, &gs.ctm));
                    }
                }
                b"BT" => {
                    tm = IDENTITY;
                    tlm = IDENTITY;
                }
                b"ET" => {}
                b"Tf" => {
                    if let (Some(Operand::Name(name)), Some(size)) =
                        (ops.first(), ops.get(1).and_then(Operand::num))
                    {
                        let name = name.clone();
                        gs.font = Some(self.lookup_font(resources, &name));
                        gs.size = size;
                    }
                }
                b"Tc" => gs.char_spacing = n(0),
                b"Tw" => gs.word_spacing = n(0),
                b"Tz" => gs.hscale = n(0) / 100.0,
                b"TL" => gs.leading = n(0),
                b"Ts" => gs.rise = n(0),
                b"Tr" => gs.render_mode = n(0) as i64,
                b"Td" => {
                    tlm = sane(mul(&[1.0, 0.0, 0.0, 1.0, n(0), n(1)], &tlm));
                    tm = tlm;
                }
                b"TD" => {
                    gs.leading = -n(1);
                    tlm = sane(mul(&[1.0, 0.0, 0.0, 1.0, n(0), n(1)], &tlm));
                    tm = tlm;
                }
                b"Tm" => {
                    if let Some(m) = nums6() {
                        tlm = sane(m);
                        tm = tlm;
                    }
                }
                b"T*" => {
                    tlm = sane(mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -gs.leading], &tlm));
                    tm = tlm;
                }
                b"Tj" => {
                    if let Some(Operand::Str(s)) = ops.last() {
                        self.show(s, &gs, &mut tm)?;
                    }
                }
                b"'" => {
                    tlm = sane(mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -gs.leading], &tlm));
                    tm = tlm;
                    if let Some(Operand::Str(s)) = ops.last() {
                        self.show(s, &gs, &mut tm)?;
                    }
                }
                b"\"" => {
                    gs.word_spacing = n(0);
                    gs.char_spacing = n(1);
                    tlm = sane(mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -gs.leading], &tlm));
                    tm = tlm;
                    if let Some(Operand::Str(s)) = ops.last() {
                        self.show(s, &gs, &mut tm)?;
                    }
                }
                b"TJ" => {
                    if let Some(Operand::Array(items)) = ops.last() {
                        for item in items {
                            match item {
                                Operand::Str(s) => self.show(s, &gs, &mut tm)?,
                                Operand::Num(adj) => {
                                    let d = -adj / 1000.0 * gs.size;
                                    let vertical = gs.font.as_ref().is_some_and(|f| f.vertical);
                                    let t = if vertical {
                                        [1.0, 0.0, 0.0, 1.0, 0.0, d]
                                    } else {
                                        [1.0, 0.0, 0.0, 1.0, d * gs.hscale, 0.0]
                                    };
                                    tm = sane(mul(&t, &tm));
                                }
                                _ => {}
                            }
                        }
                    }
                }
                b"Do" => {
                    if let Some(Operand::Name(name)) = ops.last() {
                        let name = name.clone();
                        self.do_xobject(resources, &name, &gs, depth)?;
                    }
                }
                b"BI" => {
                    ops.clear();
                    // Skip the image dictionary up to ID, then the data up to EI.
                    while let Some(t) = lx.next_token() {
                        if t == Token::Keyword(b"ID".to_vec()) {
                            break;
                        }
                    }
                    lx.skip_inline_image();
                    self.out.images += 1;
                }
                _ => {}
            }
            ops.clear();
        }
        Ok(())
    }

    fn do_xobject(
        &mut self,
        resources: Option<&'a Dictionary>,
        name: &[u8],
        gs: &GState,
        depth: usize,
    ) -> Result<(), Stop> {
        let doc = self.doc;
        let Some(xobjects) = resources.and_then(|r| font::get_dict(doc, r, b"XObject")) else {
            return Ok(());
        };
        let Ok(entry) = xobjects.get(name) else {
            return Ok(());
        };
        let id = match entry {
            Object::Reference(id) => Some(*id),
            _ => None,
        };
        let Some(Object::Stream(stream)) = font::resolve(doc, entry) else {
            return Ok(());
        };
        match font::get_name(doc, &stream.dict, b"Subtype") {
            Some(b"Image") => {
                self.out.images += 1;
                Ok(())
            }
            Some(b"Form") => self.run_form(stream, id, gs, resources, depth),
            _ => Ok(()),
        }
    }

    /// Runs an annotation's appearance stream, mapped onto its `/Rect` (ISO 32000-1, 12.5.5).
    pub(crate) fn run_annotation(
        &mut self,
        stream: &'a lopdf::Stream,
        id: Option<ObjectId>,
        rect: [f64; 4],
    ) {
        let doc = self.doc;
        let matrix = form_matrix(doc, stream);
        let bbox = match font::get(doc, &stream.dict, b"BBox") {
            Some(Object::Array(a)) if a.len() == 4 => {
                let v: Vec<f64> = a.iter().map(|o| font::num(o).unwrap_or(0.0)).collect();
                [v[0], v[1], v[2], v[3]]
            }
            _ => return,
        };
        let corners = [
            apply(&matrix, bbox[0], bbox[1]),
            apply(&matrix, bbox[2], bbox[1]),
            apply(&matrix, bbox[0], bbox[3]),
            apply(&matrix, bbox[2], bbox[3]),
        ];
        let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
        for (x, y) in corners {
            x0 = x0.min(x);
            y0 = y0.min(y);
            x1 = x1.max(x);
            y1 = y1.max(y);
        }
        let (w, h) = (x1 - x0, y1 - y0);
        if w.abs() < 1e-6 || h.abs() < 1e-6 {
            return;
        }
        let sx = (rect[2] - rect[0]) / w;
        let sy = (rect[3] - rect[1]) / h;
        let a = sane([sx, 0.0, 0.0, sy, rect[0] - x0 * sx, rect[1] - y0 * sy]);
        let gs = GState::new(a);
        if let Err(Stop::Limit(why)) = self.run_form(stream, id, &gs, None, 0) {
            self.out.limit.get_or_insert(why);
        }
    }

    /// Lays out plain text inside an annotation's `/Rect`, one line per `\n`, for an
    /// annotation that has no appearance stream (a FreeText note, a filled text field): viewers
    /// and `pdftotext` draw those from the annotation's own text. Widths are estimated (half an
    /// em, a full em for CJK); only the order and the rough place of the text matter here.
    pub(crate) fn add_plain_text(&mut self, text: &str, rect: [f64; 4], size: f64) {
        let size = if size.is_finite() && size > 0.5 {
            size.min(200.0)
        } else {
            12.0
        };
        let mut y = rect[3] - size;
        for line in text.split(['\r', '\n']) {
            self.run = self.run.wrapping_add(1);
            let mut x = rect[0] + 2.0;
            for c in line.chars() {
                let c = if c == '\u{a0}' { ' ' } else { c };
                let adv = if super::layout::is_cjk(c) {
                    size
                } else {
                    0.5 * size
                };
                if c.is_control() || self.out.glyphs.len() >= self.limits.max_glyphs {
                    continue;
                }
                let start = self.out.text.len() as u32;
                self.out.text.push(c);
                self.out.glyphs.push(Glyph {
                    start,
                    end: self.out.text.len() as u32,
                    x0: x,
                    y0: y,
                    x1: x + adv,
                    y1: y,
                    size,
                    run: self.run,
                    across: [0.0, -0.2 * size, 0.0, 0.8 * size],
                    dir: 0,
                });
                x += adv;
            }
            y -= size * 1.2;
        }
    }

    fn run_form(
        &mut self,
        stream: &'a lopdf::Stream,
        id: Option<ObjectId>,
        gs: &GState,
        resources: Option<&'a Dictionary>,
        depth: usize,
    ) -> Result<(), Stop> {
        let doc = self.doc;
        if depth + 1 > self.limits.max_depth {
            self.warn(format!(
                "Form XObjects nested deeper than {}; inner ones skipped",
                self.limits.max_depth
            ));
            return Ok(());
        }
        if let Some(id) = id {
            if self.forms.contains(&id) {
                self.warn("Form XObject draws itself (cycle); skipped".into());
                return Ok(());
            }
            self.forms.push(id);
        }
        let data = match font::stream_data(stream, self.bytes_left()) {
            Ok(d) => d,
            Err(e) => {
                if id.is_some() {
                    self.forms.pop();
                }
                if let font::StreamError::TooLarge(_) | font::StreamError::Ratio = e {
                    return Err(Stop::Limit(format!("Form XObject: {e}")));
                }
                self.warn(format!("Form XObject unreadable: {e}"));
                return Ok(());
            }
        };
        self.charge_bytes(data.len());
        let matrix = form_matrix(doc, stream);
        let form_res = font::get_dict(doc, &stream.dict, b"Resources").or(resources);
        let mut inner = gs.clone();
        inner.ctm = sane(mul(&matrix, &gs.ctm));
        let r = self.run(&data, form_res, inner, depth + 1);
        if id.is_some() {
            self.forms.pop();
        }
        r
    }

    fn show(&mut self, s: &[u8], gs: &GState, tm: &mut Matrix) -> Result<(), Stop> {
        let Some(font) = gs.font.clone() else {
            self.warn("text shown before any font was set (Tf); skipped".into());
            return Ok(());
        };
        self.run = self.run.wrapping_add(1);
        let invisible = gs.render_mode == 3 || gs.render_mode == 7;
        let fs = gs.size;
        let th = gs.hscale;
        let mut i = 0;
        while i < s.len() {
            let d = font.decode_next(&s[i..]);
            i += d.len.max(1);
            let spacing = gs.char_spacing
                + if d.is_space_byte {
                    gs.word_spacing
                } else {
                    0.0
                };
            // Text rendering matrix for this glyph: [fs*th 0 0 fs 0 rise] × Tm × CTM.
            let trm = mul(&mul(&[fs * th, 0.0, 0.0, fs, 0.0, gs.rise], tm), &gs.ctm);
            let tc_units = if fs.abs() > 1e-9 {
                gs.char_spacing / fs
            } else {
                0.0
            };
            let (dx, dy) = if font.vertical {
                (0.0, font.vertical_advance() * fs + spacing)
            } else {
                ((d.width * fs + spacing) * th, 0.0)
            };
            if let Some(text) = d.text {
                if self.out.glyphs.len() >= self.limits.max_glyphs {
                    return Err(Stop::Limit(format!(
                        "more than {} glyphs",
                        self.limits.max_glyphs
                    )));
                }
                let (x0, y0) = apply(&trm, 0.0, 0.0);
                // Visual end: the advance without word spacing, in the trm's glyph units.
                let (ex, ey) = if font.vertical {
                    apply(&trm, 0.0, font.vertical_advance() + tc_units)
                } else {
                    apply(&trm, d.width + tc_units, 0.0)
                };
                let sy = (trm[2] * trm[2] + trm[3] * trm[3]).sqrt();
                let size = if sy > 1e-6 {
                    sy
                } else {
                    (trm[0] * trm[0] + trm[1] * trm[1]).sqrt()
                };
                let across = if font.vertical {
                    [-0.5 * trm[0], -0.5 * trm[1], 0.5 * trm[0], 0.5 * trm[1]]
                } else {
                    [-0.2 * trm[2], -0.2 * trm[3], 0.8 * trm[2], 0.8 * trm[3]]
                };
                let start = self.out.text.len() as u32;
                let mut pushed = false;
                for c in text.chars() {
                    let c = if c == '\u{a0}' { ' ' } else { c };
                    if (c as u32) < 0x20 || c == '\u{7f}' || c == '\u{fffe}' || c == '\u{feff}' {
                        continue;
                    }
                    self.out.text.push(c);
                    pushed = true;
                }
                if pushed {
                    self.out.glyphs.push(Glyph {
                        start,
                        end: self.out.text.len() as u32,
                        x0,
                        y0,
                        x1: ex,
                        y1: ey,
                        size,
                        run: self.run,
                        across,
                        dir: if font.vertical {
                            DIR_FROM_ADVANCE
                        } else {
                            text_direction(&trm)
                        },
                    });
                    if invisible {
                        self.out.invisible_glyphs += 1;
                    }
                }
            } else {
                *self.unmapped.entry(font.name.clone()).or_insert(0) += 1;
            }
            *tm = sane(mul(&[1.0, 0.0, 0.0, 1.0, dx, dy], tm));
        }
        Ok(())
    }
}

fn form_matrix(doc: &Document, stream: &lopdf::Stream) -> Matrix {
    match font::get(doc, &stream.dict, b"Matrix") {
        Some(Object::Array(a)) if a.len() == 6 => {
            let mut m = [0.0; 6];
            for (i, o) in a.iter().enumerate() {
                m[i] = font::num(o).unwrap_or(if i == 0 || i == 3 { 1.0 } else { 0.0 });
            }
            sane(m)
        }
        _ => IDENTITY,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matrix_product_order() {
        let t = [1.0, 0.0, 0.0, 1.0, 10.0, 20.0];
        let s = [2.0, 0.0, 0.0, 2.0, 0.0, 0.0];
        // Translate then scale: the translation is scaled.
        assert_eq!(mul(&t, &s), [2.0, 0.0, 0.0, 2.0, 20.0, 40.0]);
        assert_eq!(apply(&mul(&t, &s), 1.0, 1.0), (22.0, 42.0));
    }
}
