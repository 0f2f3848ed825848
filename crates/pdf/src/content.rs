//! The content-stream interpreter: runs a page's operators (graphics state, text state, text
//! showing, Form XObjects) and records every shown glyph with its position in device space.
//!
//! Owns the PDF imaging model as far as text needs it: `q`/`Q`/`cm`, `BT`/`ET`, `Tf Tc Tw Tz TL
//! Ts Tr`, `Td TD Tm T*`, `Tj TJ ' "`, `Do`, inline images, and marked content (`BMC BDC EMC`)
//! as far as it changes the text: content of a hidden optional-content group (`/OC`, a layer
//! switched off in the document's default configuration) is not drawn, and an `/ActualText`
//! span replaces the glyphs drawn inside it, as viewers and `pdftotext` do. A resource a Form
//! XObject's (or an appearance stream's) own `/Resources` lack is looked up in the enclosing
//! ones, up to the page's; a font found nowhere unsets the font, so its text is not drawn
//! (poppler's rule; a warning says so). It does not decide reading order (that is `layout`)
//! and never fails: past a limit (operators, glyphs, nesting, time, bytes) it stops with a
//! warning and keeps what it has.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;
use std::time::Instant;

use lopdf::{Dictionary, Document, Object, ObjectId};

use super::font::{self, Font};
use super::lexer::{Lexer, Operand, Token};
use super::script::is_cjk;

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

/// The last six operands as a matrix, when they are six numbers (`cm`, `Tm`).
fn matrix_operands(ops: &[Operand]) -> Option<Matrix> {
    if ops.len() < 6 {
        return None;
    }
    let s = &ops[ops.len() - 6..];
    let mut m = [0.0; 6];
    for (i, o) in s.iter().enumerate() {
        m[i] = o.num()?;
    }
    Some(m)
}

/// The text matrix and the text line matrix of a text object (both the identity at `BT`).
#[derive(Debug, Clone, Copy)]
struct TextPos {
    /// Where the next glyph goes.
    tm: Matrix,
    /// Where the current line started.
    tlm: Matrix,
}

impl Default for TextPos {
    fn default() -> TextPos {
        TextPos {
            tm: IDENTITY,
            tlm: IDENTITY,
        }
    }
}

impl TextPos {
    /// Starts a new line offset by (`tx`, `ty`) from the start of the current one (`Td`, `TD`,
    /// `T*`, `'`, `"`).
    fn next_line(&mut self, tx: f64, ty: f64) {
        self.tlm = sane(mul(&[1.0, 0.0, 0.0, 1.0, tx, ty], &self.tlm));
        self.tm = self.tlm;
    }

    /// Moves by a `TJ` adjustment (thousandths of an em, against the writing direction).
    fn adjust(&mut self, adj: f64, gs: &GState) {
        let d = -adj / 1000.0 * gs.size;
        let vertical = gs.font.as_ref().is_some_and(|f| f.vertical);
        let t = if vertical {
            [1.0, 0.0, 0.0, 1.0, 0.0, d]
        } else {
            [1.0, 0.0, 0.0, 1.0, d * gs.hscale, 0.0]
        };
        self.tm = sane(mul(&t, &self.tm));
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

/// Most image XObjects remembered per page for OCR.
pub(crate) const MAX_PLACED_IMAGES: usize = 64;

/// What the interpreter collected on one page.
#[derive(Debug, Default)]
pub(crate) struct PageGlyphs {
    /// Texts of all glyphs, concatenated.
    pub(crate) text: String,
    /// The glyphs, in drawing order.
    pub(crate) glyphs: Vec<Glyph>,
    /// Images drawn (XObject or inline).
    pub(crate) images: usize,
    /// The image XObjects drawn (at most [`MAX_PLACED_IMAGES`]): their object and the matrix
    /// that maps their unit square onto the page, for OCR of a scanned page.
    pub(crate) placed_images: Vec<(ObjectId, Matrix)>,
    /// Glyphs drawn invisibly (render mode 3 or 7).
    pub(crate) invisible_glyphs: usize,
    /// Glyphs drawn that had no Unicode mapping and were dropped.
    pub(crate) unmapped_glyphs: usize,
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
    fonts: HashMap<(usize, Vec<u8>), Option<Rc<Font>>>,
    font_by_id: HashMap<ObjectId, Rc<Font>>,
    out: PageGlyphs,
    warned: HashSet<String>,
    unmapped: HashMap<String, usize>,
    ops: usize,
    bytes: usize,
    run: u32,
    forms: Vec<ObjectId>,
    /// The document's optional-content configuration, read on first use.
    oc: Option<Rc<OcConfig>>,
    /// Open marked-content sections whose content is hidden (optional content switched off).
    hidden: usize,
    /// The open `/ActualText` span, if any.
    actual: Option<ActualSpan>,
    /// Resources of the streams around the one running (page, then enclosing forms): a
    /// resource a form's own dictionary lacks is looked up there, innermost first, as poppler
    /// does.
    outer: Vec<&'a Dictionary>,
    /// The page's resources, the outermost scope of annotation appearances too.
    page_resources: Option<&'a Dictionary>,
}

/// Which optional-content groups are visible: the default configuration `/D` of the catalog's
/// `/OCProperties` (ISO 32000-1, 8.11.4.3): `/BaseState`, then `/ON` and `/OFF`.
#[derive(Debug, Default)]
struct OcConfig {
    /// `/BaseState` is not `/OFF`.
    base_on: bool,
    on: HashSet<ObjectId>,
    off: HashSet<ObjectId>,
}

/// Deepest visibility expression (`/VE`) evaluated; deeper parts count as visible.
const MAX_VE_DEPTH: usize = 16;

impl OcConfig {
    fn read(doc: &Document) -> OcConfig {
        let ids = |d: &Dictionary, key: &[u8]| -> HashSet<ObjectId> {
            match font::get(doc, d, key) {
                Some(Object::Array(a)) => a
                    .iter()
                    .take(100_000)
                    .filter_map(|o| o.as_reference().ok())
                    .collect(),
                _ => HashSet::new(),
            }
        };
        let config = doc
            .catalog()
            .ok()
            .and_then(|c| font::get_dict(doc, c, b"OCProperties"))
            .and_then(|p| font::get_dict(doc, p, b"D"));
        match config {
            Some(d) => OcConfig {
                base_on: font::get_name(doc, d, b"BaseState") != Some(b"OFF"),
                on: ids(d, b"ON"),
                off: ids(d, b"OFF"),
            },
            None => OcConfig {
                base_on: true,
                ..OcConfig::default()
            },
        }
    }

    fn group_on(&self, id: ObjectId) -> bool {
        if self.on.contains(&id) {
            true
        } else if self.off.contains(&id) {
            false
        } else {
            self.base_on
        }
    }

    /// Whether content marked with optional-content object `obj` (an OCG or an OCMD, usually a
    /// reference) is visible. Anything unreadable counts as visible, as poppler counts it.
    fn visible(&self, doc: &Document, obj: &Object) -> bool {
        let id = obj.as_reference().ok();
        let Some(Object::Dictionary(d)) = font::resolve(doc, obj) else {
            return true;
        };
        match font::get_name(doc, d, b"Type") {
            Some(b"OCG") => id.is_none_or(|id| self.group_on(id)),
            Some(b"OCMD") => {
                if let Some(ve @ Object::Array(_)) = font::get(doc, d, b"VE") {
                    return self.expression(doc, ve, 0).unwrap_or(true);
                }
                let groups: Vec<ObjectId> = match d.get(b"OCGs").ok() {
                    Some(Object::Reference(r)) => {
                        match font::resolve(doc, &Object::Reference(*r)) {
                            Some(Object::Array(a)) => {
                                a.iter().filter_map(|o| o.as_reference().ok()).collect()
                            }
                            _ => vec![*r],
                        }
                    }
                    Some(Object::Array(a)) => {
                        a.iter().filter_map(|o| o.as_reference().ok()).collect()
                    }
                    _ => Vec::new(),
                };
                if groups.is_empty() {
                    return true;
                }
                let mut states = groups.iter().take(10_000).map(|g| self.group_on(*g));
                match font::get_name(doc, d, b"P") {
                    Some(b"AllOn") => states.all(|on| on),
                    Some(b"AnyOff") => states.any(|on| !on),
                    Some(b"AllOff") => states.all(|on| !on),
                    _ => states.any(|on| on),
                }
            }
            _ => true,
        }
    }

    /// A visibility expression `[/And|/Or|/Not operand…]`, operands groups or expressions.
    fn expression(&self, doc: &Document, obj: &Object, depth: usize) -> Option<bool> {
        if depth > MAX_VE_DEPTH {
            return None;
        }
        if let Object::Reference(id) = obj
            && !matches!(font::resolve(doc, obj), Some(Object::Array(_)))
        {
            return Some(self.group_on(*id));
        }
        let Some(Object::Array(a)) = font::resolve(doc, obj) else {
            return None;
        };
        let (op, args) = a.split_first()?;
        let mut vals = args
            .iter()
            .take(1_000)
            .map(|o| self.expression(doc, o, depth + 1));
        match op.as_name().ok()? {
            b"Not" => vals.next().flatten().map(|v| !v),
            b"And" => vals.try_fold(true, |acc, v| v.map(|v| acc && v)),
            b"Or" => vals.try_fold(false, |acc, v| v.map(|v| acc || v)),
            _ => None,
        }
    }
}

/// An open `/ActualText` marked-content span: the glyphs drawn inside it are replaced by its
/// text, placed from the first glyph's origin to the last glyph's end (poppler's rule; a span
/// that draws nothing adds nothing).
struct ActualSpan {
    text: String,
    /// Glyph count and text length when the span opened.
    glyphs: usize,
    text_len: usize,
    /// The first drawn glyph (its text unused) and the end of the last one.
    first: Option<Glyph>,
    end: (f64, f64),
}

/// What an open marked-content section does to the text inside it.
enum Marked {
    Plain,
    Hidden,
    Actual,
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
            oc: None,
            hidden: 0,
            actual: None,
            outer: Vec::new(),
            page_resources: None,
        }
    }

    fn warn(&mut self, w: String) {
        if self.out.warnings.len() < 64 && self.warned.insert(w.clone()) {
            self.out.warnings.push(w);
        }
    }

    /// Whether content marked with optional-content object `obj` is visible in the document's
    /// default configuration.
    pub(crate) fn oc_visible(&mut self, obj: &Object) -> bool {
        let doc = self.doc;
        let oc = self
            .oc
            .get_or_insert_with(|| Rc::new(OcConfig::read(doc)))
            .clone();
        oc.visible(doc, obj)
    }

    /// Resource `name` of `category` (`/Font`, `/XObject`, `/Properties`): in `resources`,
    /// else in the enclosing scopes, innermost first.
    fn resource(
        &self,
        resources: Option<&'a Dictionary>,
        category: &[u8],
        name: &[u8],
    ) -> Option<&'a Object> {
        let doc = self.doc;
        resources
            .into_iter()
            .chain(self.outer.iter().rev().copied())
            .find_map(|r| font::get_dict(doc, r, category).and_then(|d| d.get(name).ok()))
    }

    /// Opens a marked-content section (`BMC`/`BDC`) with its tag and properties operand.
    fn begin_marked(
        &mut self,
        tag: Option<&Operand>,
        props: Option<&Operand>,
        resources: Option<&'a Dictionary>,
    ) -> Marked {
        let doc = self.doc;
        let named = match props {
            Some(Operand::Name(n)) => self.resource(resources, b"Properties", n),
            _ => None,
        };
        if matches!(tag, Some(Operand::Name(t)) if t == b"OC") {
            if let Some(obj) = named
                && !self.oc_visible(obj)
            {
                self.hidden += 1;
                return Marked::Hidden;
            }
            return Marked::Plain;
        }
        let actual: Option<Vec<u8>> = match props {
            Some(Operand::Dict(items)) => items.iter().find_map(|(k, v)| match v {
                Operand::Str(s) if k == b"ActualText" => Some(s.clone()),
                _ => None,
            }),
            _ => named
                .and_then(|o| match font::resolve(doc, o) {
                    Some(Object::Dictionary(d)) => font::get(doc, d, b"ActualText"),
                    _ => None,
                })
                .and_then(|o| o.as_str().ok())
                .map(<[u8]>::to_vec),
        };
        // Spans inside an open one are covered by it.
        if let Some(bytes) = actual
            && self.actual.is_none()
            && self.hidden == 0
        {
            let obj = Object::String(bytes, lopdf::StringFormat::Literal);
            let text = lopdf::decode_text_string(&obj).unwrap_or_default();
            self.actual = Some(ActualSpan {
                text,
                glyphs: self.out.glyphs.len(),
                text_len: self.out.text.len(),
                first: None,
                end: (0.0, 0.0),
            });
            return Marked::Actual;
        }
        Marked::Plain
    }

    /// Closes a marked-content section opened by [`Interpreter::begin_marked`].
    fn end_marked(&mut self, m: Marked) {
        match m {
            Marked::Plain => {}
            Marked::Hidden => self.hidden = self.hidden.saturating_sub(1),
            Marked::Actual => {
                let Some(span) = self.actual.take() else {
                    return;
                };
                let Some(first) = span.first else {
                    return;
                };
                self.out.glyphs.truncate(span.glyphs);
                self.out.text.truncate(span.text_len);
                let start = self.out.text.len() as u32;
                for c in span.text.chars() {
                    let c = if c == '\u{a0}' { ' ' } else { c };
                    if !c.is_control() && c != '\u{fffe}' && c != '\u{feff}' {
                        self.out.text.push(c);
                    }
                }
                if self.out.text.len() as u32 > start {
                    self.out.glyphs.push(Glyph {
                        start,
                        end: self.out.text.len() as u32,
                        x1: span.end.0,
                        y1: span.end.1,
                        ..first
                    });
                }
            }
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
        self.page_resources = resources;
        if let Err(Stop::Limit(why)) = self.run(content, resources, gs, 0) {
            self.out.limit.get_or_insert(why);
        }
    }

    /// Finishes the page and hands back what was collected.
    /// Glyphs with text collected so far (the page's own content, before its annotations).
    pub(crate) fn glyph_count(&self) -> usize {
        self.out.glyphs.len()
    }

    pub(crate) fn finish(mut self) -> PageGlyphs {
        let mut unmapped: Vec<_> = std::mem::take(&mut self.unmapped).into_iter().collect();
        unmapped.sort();
        for (font, n) in unmapped {
            self.out.unmapped_glyphs += n;
            self.warn(format!(
                "font {font}: {n} glyph(s) without a Unicode mapping were dropped"
            ));
        }
        if self.out.invisible_glyphs > 0 {
            self.warn("invisible text layer (render mode 3), e.g. OCR output over a scan".into());
        }
        self.out
    }

    /// The font named `name`. When no font dictionary of that name can be found, its text is
    /// still read, with StandardEncoding and a warning, as pdf.js and PDFium show it with a
    /// substitute font (poppler drops it): what a reader of the page sees is not lost.
    fn lookup_font(&mut self, resources: Option<&'a Dictionary>, name: &[u8]) -> Option<Rc<Font>> {
        let key = (
            resources.map_or(0, |r| r as *const Dictionary as usize),
            name.to_vec(),
        );
        if let Some(f) = self.fonts.get(&key) {
            return f.clone();
        }
        let doc = self.doc;
        let entry = self.resource(resources, b"Font", name);
        let font = match entry {
            Some(Object::Reference(id)) => {
                if let Some(f) = self.font_by_id.get(id) {
                    Some(f.clone())
                } else {
                    match font::resolve(doc, &Object::Reference(*id)) {
                        Some(Object::Dictionary(d)) => {
                            let f = Rc::new(Font::load(doc, d));
                            self.font_by_id.insert(*id, f.clone());
                            Some(f)
                        }
                        _ => Some(Rc::new(Font::missing(&String::from_utf8_lossy(name)))),
                    }
                }
            }
            Some(Object::Dictionary(d)) => Some(Rc::new(Font::load(doc, d))),
            _ => Some(Rc::new(Font::missing(&String::from_utf8_lossy(name)))),
        };
        if let Some(f) = &font {
            for w in f.warnings.clone() {
                self.warn(w);
            }
        }
        self.fonts.insert(key, font.clone());
        font
    }

    /// Runs one content stream (a page's, or a Form XObject's at nesting `depth`): collects
    /// operands, counts each operator against the limits, and hands it to its handler.
    fn run(
        &mut self,
        content: &[u8],
        resources: Option<&'a Dictionary>,
        mut gs: GState,
        depth: usize,
    ) -> Result<(), Stop> {
        let mut stack: Vec<GState> = Vec::new();
        let mut text = TextPos::default();
        let mut ops: Vec<Operand> = Vec::new();
        let mut marked: Vec<Marked> = Vec::new();
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
            self.count_operator()?;
            match op.as_slice() {
                b"q" if stack.len() < 256 => stack.push(gs.clone()),
                b"Q" => {
                    if let Some(g) = stack.pop() {
                        gs = g;
                    }
                }
                b"cm" => {
                    if let Some(m) = matrix_operands(&ops) {
                        gs.ctm = sane(mul(&m, &gs.ctm));
                    }
                }
                b"BMC" => marked.push(Marked::Plain),
                b"BDC" => {
                    let m = self.begin_marked(ops.first(), ops.get(1), resources);
                    marked.push(m);
                }
                b"EMC" => {
                    if let Some(m) = marked.pop() {
                        self.end_marked(m);
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
                other => self.text_operator(other, &ops, resources, &mut gs, &mut text)?,
            }
            ops.clear();
        }
        // Sections left open at the end of the stream close with it.
        while let Some(m) = marked.pop() {
            self.end_marked(m);
        }
        Ok(())
    }

    /// Counts one operator; past the operator limit, or (checked every 4096 operators) past
    /// the deadline, reading stops.
    fn count_operator(&mut self) -> Result<(), Stop> {
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
        Ok(())
    }

    /// Runs a text operator (text object, text state, positioning, showing); any other
    /// operator is ignored.
    fn text_operator(
        &mut self,
        op: &[u8],
        ops: &[Operand],
        resources: Option<&'a Dictionary>,
        gs: &mut GState,
        text: &mut TextPos,
    ) -> Result<(), Stop> {
        let n = |i: usize| ops.get(i).and_then(Operand::num).unwrap_or(0.0);
        match op {
            b"BT" => *text = TextPos::default(),
            b"ET" => {}
            b"Tf" => {
                if let (Some(Operand::Name(name)), Some(size)) =
                    (ops.first(), ops.get(1).and_then(Operand::num))
                {
                    gs.font = self.lookup_font(resources, name);
                    gs.size = size;
                }
            }
            b"Tc" => gs.char_spacing = n(0),
            b"Tw" => gs.word_spacing = n(0),
            b"Tz" => gs.hscale = n(0) / 100.0,
            b"TL" => gs.leading = n(0),
            b"Ts" => gs.rise = n(0),
            b"Tr" => gs.render_mode = n(0) as i64,
            b"Td" => text.next_line(n(0), n(1)),
            b"TD" => {
                gs.leading = -n(1);
                text.next_line(n(0), n(1));
            }
            b"Tm" => {
                if let Some(m) = matrix_operands(ops) {
                    text.tlm = sane(m);
                    text.tm = text.tlm;
                }
            }
            b"T*" => text.next_line(0.0, -gs.leading),
            b"Tj" => {
                if let Some(Operand::Str(s)) = ops.last() {
                    self.show(s, gs, &mut text.tm)?;
                }
            }
            b"'" => {
                text.next_line(0.0, -gs.leading);
                if let Some(Operand::Str(s)) = ops.last() {
                    self.show(s, gs, &mut text.tm)?;
                }
            }
            b"\"" => {
                gs.word_spacing = n(0);
                gs.char_spacing = n(1);
                text.next_line(0.0, -gs.leading);
                if let Some(Operand::Str(s)) = ops.last() {
                    self.show(s, gs, &mut text.tm)?;
                }
            }
            b"TJ" => {
                if let Some(Operand::Array(items)) = ops.last() {
                    for item in items {
                        match item {
                            Operand::Str(s) => self.show(s, gs, &mut text.tm)?,
                            Operand::Num(adj) => text.adjust(*adj, gs),
                            _ => {}
                        }
                    }
                }
            }
            _ => {}
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
        let Some(entry) = self.resource(resources, b"XObject", name) else {
            return Ok(());
        };
        let id = match entry {
            Object::Reference(id) => Some(*id),
            _ => None,
        };
        let Some(Object::Stream(stream)) = font::resolve(doc, entry) else {
            return Ok(());
        };
        // An XObject in hidden optional content, or one whose own `/OC` is hidden, is not drawn.
        if self.hidden > 0 {
            return Ok(());
        }
        if let Ok(oc) = stream.dict.get(b"OC")
            && !self.oc_visible(oc)
        {
            return Ok(());
        }
        match font::get_name(doc, &stream.dict, b"Subtype") {
            Some(b"Image") => {
                self.out.images += 1;
                if let Some(id) = id
                    && self.out.placed_images.len() < MAX_PLACED_IMAGES
                {
                    self.out.placed_images.push((id, gs.ctm));
                }
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
        let page_resources = self.page_resources;
        if let Err(Stop::Limit(why)) = self.run_form(stream, id, &gs, page_resources, 0) {
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
                let adv = if is_cjk(c) { size } else { 0.5 * size };
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
        let own = font::get_dict(doc, &stream.dict, b"Resources");
        let form_res = own.or(resources);
        let mut inner = gs.clone();
        inner.ctm = sane(mul(&matrix, &gs.ctm));
        let scoped = own.is_some() && resources.is_some();
        if let (true, Some(r)) = (scoped, resources) {
            self.outer.push(r);
        }
        let r = self.run(&data, form_res, inner, depth + 1);
        if scoped {
            self.outer.pop();
        }
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
            if self.hidden > 0 {
                // Hidden optional content: the position advances, nothing is drawn.
                *tm = sane(mul(&[1.0, 0.0, 0.0, 1.0, dx, dy], tm));
                continue;
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
            let glyph = Glyph {
                start: 0,
                end: 0,
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
            };
            // Inside an `/ActualText` span every drawn code counts, mapped or not.
            if let Some(span) = self.actual.as_mut() {
                if span.first.is_none() {
                    span.first = Some(glyph.clone());
                }
                span.end = (ex, ey);
            }
            if let Some(text) = d.text {
                if self.out.glyphs.len() >= self.limits.max_glyphs {
                    return Err(Stop::Limit(format!(
                        "more than {} glyphs",
                        self.limits.max_glyphs
                    )));
                }
                let start = self.out.text.len() as u32;
                for c in text.chars() {
                    let c = if c == '\u{a0}' { ' ' } else { c };
                    if (c as u32) < 0x20 || c == '\u{7f}' || c == '\u{fffe}' || c == '\u{feff}' {
                        continue;
                    }
                    self.out.text.push(c);
                }
                let end = self.out.text.len() as u32;
                if end > start {
                    self.out.glyphs.push(Glyph {
                        start,
                        end,
                        ..glyph
                    });
                    if invisible {
                        self.out.invisible_glyphs += 1;
                    }
                } else if !text.is_empty() && self.actual.is_none() {
                    // Mapped to control characters only: as good as unmapped.
                    *self.unmapped.entry(font.name.clone()).or_insert(0) += 1;
                }
            } else if self.actual.is_none() {
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
