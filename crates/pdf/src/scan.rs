//! The image of a scanned page, decoded far enough for an OCR engine to read it.
//!
//! A page that needs OCR ([`PageText::needs_ocr`](crate::PageText::needs_ocr)) usually shows
//! one image XObject covering the page. `decode` turns that XObject into bytes an OCR engine
//! reads directly, without re-encoding what is already a standard image file:
//!
//! - `DCTDecode` (JPEG) and `JPXDecode` (JPEG 2000): the stream's bytes as they are;
//! - `CCITTFaxDecode` (fax G3/G4, common for bitonal court scans): the coded data wrapped in a
//!   one-strip TIFF whose header carries the PDF's `/DecodeParms`;
//! - anything else the stream decoder reads (Flate, LZW, RunLength, ASCII filters, none):
//!   the samples converted to 8-bit gray (DeviceGray/RGB/CMYK, ICCBased by component count,
//!   Indexed, 1/2/4/8/16 bits, `/Decode [1 0]`, image masks) and written as a binary PGM.
//! - `JBIG2Decode` is refused with a reason: no JBIG2 decoder is built in.
//!
//! A page that needs OCR but draws no image (its text is in fonts without a usable Unicode
//! map) is rendered instead (`render_page`, with hayro) and read from the rendering.
//!
//! Every size is bounded (pixels, bytes), and nothing here panics on a file's bytes.

use lopdf::{Document, Object, Stream};

use crate::font;

/// An affine matrix `[a b c d e f]` mapping the image's unit square onto the page (PDF user
/// space, points, y upwards).
pub type ImageMatrix = [f64; 6];

/// How the bytes of a [`ScanImage`] are encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScanFormat {
    /// A JPEG file (the stream of a `DCTDecode` image).
    Jpeg,
    /// A JPEG 2000 codestream or file (`JPXDecode`).
    Jpx,
    /// A TIFF holding the CCITT G3/G4 data of a `CCITTFaxDecode` image.
    Tiff,
    /// A binary 8-bit grayscale PGM (`P5`), decoded from the samples.
    Pgm,
}

/// One page image, ready for OCR: encoded bytes and where the image lies on the page.
#[derive(Debug, Clone, PartialEq)]
pub struct ScanImage {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// The bytes, encoded as `format` says.
    pub bytes: Vec<u8>,
    /// Their encoding.
    pub format: ScanFormat,
    /// Image unit square → page (the current transformation matrix when it was drawn).
    pub to_page: ImageMatrix,
}

// The matrix comes from the interpreter, which never keeps a non-finite one.
impl Eq for ScanImage {}

impl ScanImage {
    /// The page box of the pixel rectangle `x0..x1 × y0..y1` (pixels, origin at the image's
    /// top left, y downwards, as OCR engines report boxes), as a `PageBox`.
    pub fn pixel_box(&self, x0: f64, y0: f64, x1: f64, y1: f64) -> [f32; 4] {
        let (w, h) = (f64::from(self.width.max(1)), f64::from(self.height.max(1)));
        let m = &self.to_page;
        let corner = |x: f64, y: f64| {
            let (u, v) = (x / w, 1.0 - y / h);
            (m[0] * u + m[2] * v + m[4], m[1] * u + m[3] * v + m[5])
        };
        let pts = [
            corner(x0, y0),
            corner(x1, y0),
            corner(x0, y1),
            corner(x1, y1),
        ];
        let (mut bx0, mut by0, mut bx1, mut by1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
        for (x, y) in pts {
            bx0 = bx0.min(x);
            by0 = by0.min(y);
            bx1 = bx1.max(x);
            by1 = by1.max(y);
        }
        [bx0 as f32, by0 as f32, bx1 as f32, by1 as f32]
    }

    /// The resolution the image has on the page, in pixels per inch (the mean of both axes),
    /// as OCR engines want it; None for a degenerate placement.
    pub fn dpi(&self) -> Option<u32> {
        let m = &self.to_page;
        let wpt = (m[0] * m[0] + m[1] * m[1]).sqrt();
        let hpt = (m[2] * m[2] + m[3] * m[3]).sqrt();
        if !(wpt > 1.0 && hpt > 1.0) {
            return None;
        }
        let dpi = (f64::from(self.width) / wpt + f64::from(self.height) / hpt) / 2.0 * 72.0;
        (dpi.is_finite() && (20.0..=2400.0).contains(&dpi)).then_some(dpi.round() as u32)
    }
}

/// Decodes image XObject `stream`, drawn under `to_page`, for OCR. `max_pixels` bounds
/// width × height and `max_bytes` the decoded samples; past either, or for a filter that
/// cannot be read here, the reason comes back as an error.
pub(crate) fn decode(
    doc: &Document,
    stream: &Stream,
    to_page: ImageMatrix,
    max_pixels: u64,
    max_bytes: usize,
) -> Result<ScanImage, String> {
    let dict = &stream.dict;
    let int = |key: &[u8]| font::get(doc, dict, key).and_then(font::num);
    let width = int(b"Width").unwrap_or(0.0);
    let height = int(b"Height").unwrap_or(0.0);
    if !(width >= 1.0 && height >= 1.0 && width <= 1e6 && height <= 1e6) {
        return Err("image without a usable /Width and /Height".into());
    }
    let (width, height) = (width as u32, height as u32);
    let pixels = u64::from(width) * u64::from(height);
    if pixels > max_pixels {
        return Err(format!(
            "image of {width}×{height} pixels is larger than the OCR limit of {max_pixels} pixels"
        ));
    }
    let filters = filter_names(doc, stream);
    let last = filters.last().map(Vec::as_slice);
    let single = |what: &str| -> Result<Vec<u8>, String> {
        if filters.len() > 1 {
            return Err(format!(
                "{what} image behind another filter is not supported"
            ));
        }
        if stream.content.len() > max_bytes {
            return Err(format!("{what} image larger than {max_bytes} bytes"));
        }
        Ok(stream.content.clone())
    };
    let image = |bytes, format| ScanImage {
        width,
        height,
        bytes,
        format,
        to_page,
    };
    match last {
        Some(b"DCTDecode" | b"DCT") => Ok(image(single("JPEG")?, ScanFormat::Jpeg)),
        Some(b"JPXDecode") => Ok(image(single("JPEG 2000")?, ScanFormat::Jpx)),
        Some(b"JBIG2Decode") => Err(
            "JBIG2-compressed image: no JBIG2 decoder is built in; the page needs OCR by hand"
                .into(),
        ),
        Some(b"CCITTFaxDecode" | b"CCF") => {
            let data = single("CCITT fax")?;
            let parms = decode_parms(doc, stream);
            let num = |key: &[u8]| {
                parms
                    .and_then(|p| font::get(doc, p, key))
                    .and_then(font::num)
            };
            let k = num(b"K").unwrap_or(0.0);
            let columns = num(b"Columns").unwrap_or(1728.0).clamp(1.0, 1e6) as u32;
            let rows = num(b"Rows").map_or(height, |r| r.clamp(1.0, 1e6) as u32);
            let black_is_1 = parms
                .and_then(|p| font::get(doc, p, b"BlackIs1"))
                .and_then(|o| o.as_bool().ok())
                .unwrap_or(false);
            let bytes = ccitt_tiff(&data, columns, rows, k, black_is_1);
            Ok(ScanImage {
                width: columns,
                height: rows,
                ..image(bytes, ScanFormat::Tiff)
            })
        }
        _ => {
            // The pixel count bounds the samples (an image compresses far better than the
            // content streams the ratio guard of `font::stream_data` is for: a clean page
            // deflates 300×), so decode up to what the image needs and no further.
            let need = (u64::from(width) * u64::from(height) * 8 + u64::from(height) + 1024)
                .min(max_bytes as u64) as usize;
            let samples = match stream.decompressed_content_with_limit(need) {
                Ok(d) => d,
                Err(_) if stream.dict.get(b"Filter").is_err() => stream.content.clone(),
                Err(e) => return Err(format!("image data cannot be decoded: {e}")),
            };
            let gray = to_gray(doc, stream, width, height, &samples)?;
            Ok(image(pgm(width, height, gray), ScanFormat::Pgm))
        }
    }
}

/// Renders page `index` (0-based) of the PDF `bytes` at `dpi` with hayro, for OCR of a page
/// that needs it but shows no image to read: its text is drawn with fonts that carry no usable
/// Unicode map, so only the drawing holds it. Gray PGM, white paper; the image maps onto the
/// page's crop box (a rotated page's boxes are approximate). `max_pixels` bounds the render
/// (the resolution is lowered to fit). A panic inside the renderer is caught and reported.
pub(crate) fn render_page(
    bytes: &[u8],
    index: usize,
    dpi: f32,
    max_pixels: u64,
) -> Result<ScanImage, String> {
    let data = bytes.to_vec();
    let rendered = std::panic::catch_unwind(move || -> Result<ScanImage, String> {
        use hayro::hayro_interpret::InterpreterSettings;
        use hayro::vello_cpu::color::palette::css::WHITE;
        let pdf = hayro::hayro_syntax::Pdf::new(data)
            .map_err(|e| format!("the renderer cannot load this PDF: {e:?}"))?;
        let pages = pdf.pages();
        let page = pages
            .get(index)
            .ok_or_else(|| format!("the renderer finds no page {}", index + 1))?;
        let (w, h) = page.render_dimensions();
        if !(w > 1.0 && h > 1.0 && w.is_finite() && h.is_finite()) {
            return Err("page without a usable size".into());
        }
        // Within the pixel budget, and vello_cpu draws at most 65,535 pixels a side.
        let scale = (dpi / 72.0)
            .min((max_pixels as f32 / (w * h)).sqrt())
            .min(65_000.0 / w.max(h));
        let settings = hayro::PixmapSettings {
            x_scale: scale,
            y_scale: scale,
            bg_color: WHITE,
        };
        let cache = hayro::RenderCache::new();
        let pixmap = hayro::render(
            page,
            &cache,
            &InterpreterSettings::default(),
            &hayro::RenderSettings::default(),
            &settings,
        );
        let (pw, ph) = (u32::from(pixmap.width()), u32::from(pixmap.height()));
        let out = pgm(pw, ph, pixmap.data().iter().map(|p| luma(p.r, p.g, p.b)));
        let crop = page.crop_box();
        Ok(ScanImage {
            width: pw,
            height: ph,
            bytes: out,
            format: ScanFormat::Pgm,
            to_page: [
                crop.x1 - crop.x0,
                0.0,
                0.0,
                crop.y1 - crop.y0,
                crop.x0,
                crop.y0,
            ],
        })
    });
    rendered.unwrap_or_else(|_| Err("the page renderer failed on this page".into()))
}

/// The stream's filter names, in the order they apply.
fn filter_names(doc: &Document, stream: &Stream) -> Vec<Vec<u8>> {
    match font::get(doc, &stream.dict, b"Filter") {
        Some(Object::Name(n)) => vec![n.clone()],
        Some(Object::Array(a)) => a
            .iter()
            .filter_map(|o| font::resolve(doc, o))
            .filter_map(|o| o.as_name().ok().map(<[u8]>::to_vec))
            .collect(),
        _ => Vec::new(),
    }
}

/// The `/DecodeParms` of the stream's last filter.
fn decode_parms<'a>(doc: &'a Document, stream: &'a Stream) -> Option<&'a lopdf::Dictionary> {
    match font::get(doc, &stream.dict, b"DecodeParms")? {
        Object::Dictionary(d) => Some(d),
        Object::Array(a) => a
            .iter()
            .rev()
            .filter_map(|o| font::resolve(doc, o))
            .find_map(|o| o.as_dict().ok()),
        _ => None,
    }
}

/// A little-endian one-strip TIFF around CCITT data (TIFF 6.0 §11: compression 3 for
/// Group 3, with T4Options bit 0 for 2-D coding; 4 for Group 4). `black_is_1` picks the
/// photometric interpretation so that black runs stay black.
fn ccitt_tiff(data: &[u8], columns: u32, rows: u32, k: f64, black_is_1: bool) -> Vec<u8> {
    let compression: u32 = if k < 0.0 { 4 } else { 3 };
    let mut entries: Vec<(u16, u16, u32)> = vec![
        (256, 4, columns),               // ImageWidth
        (257, 4, rows),                  // ImageLength
        (258, 3, 1),                     // BitsPerSample
        (259, 3, compression),           // Compression
        (262, 3, u32::from(black_is_1)), // PhotometricInterpretation
        (273, 4, 0),                     // StripOffsets (patched below)
        (277, 3, 1),                     // SamplesPerPixel
        (278, 4, rows),                  // RowsPerStrip
        (279, 4, data.len() as u32),     // StripByteCounts
    ];
    if compression == 3 {
        entries.push((292, 4, u32::from(k > 0.0))); // T4Options
    }
    entries.sort_by_key(|e| e.0);
    let ifd_len = 2 + entries.len() * 12 + 4;
    let data_offset = (8 + ifd_len) as u32;
    let mut out = Vec::with_capacity(data_offset as usize + data.len());
    out.extend_from_slice(b"II*\0");
    out.extend_from_slice(&8u32.to_le_bytes());
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    for (tag, kind, value) in entries {
        let value = if tag == 273 { data_offset } else { value };
        out.extend_from_slice(&tag.to_le_bytes());
        out.extend_from_slice(&kind.to_le_bytes());
        out.extend_from_slice(&1u32.to_le_bytes());
        if kind == 3 {
            out.extend_from_slice(&(value as u16).to_le_bytes());
            out.extend_from_slice(&[0, 0]);
        } else {
            out.extend_from_slice(&value.to_le_bytes());
        }
    }
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(data);
    out
}

/// Samples → 8-bit gray, one byte per pixel, row-major.
fn to_gray(
    doc: &Document,
    stream: &Stream,
    width: u32,
    height: u32,
    samples: &[u8],
) -> Result<Vec<u8>, String> {
    let dict = &stream.dict;
    let mask = font::get(doc, dict, b"ImageMask")
        .and_then(|o| o.as_bool().ok())
        .unwrap_or(false);
    let bpc = if mask {
        1
    } else {
        font::get(doc, dict, b"BitsPerComponent")
            .and_then(font::num)
            .unwrap_or(8.0) as u32
    };
    if !matches!(bpc, 1 | 2 | 4 | 8 | 16) {
        return Err(format!(
            "{bpc} bits per component is not a valid image depth"
        ));
    }
    let space = if mask {
        Space::Gray
    } else {
        color_space(doc, font::get(doc, dict, b"ColorSpace"), 0)?
    };
    let comps = space.components();
    let inverted = matches!(
        font::get(doc, dict, b"Decode"),
        Some(Object::Array(a)) if a.len() >= 2
            && font::num(&a[0]).unwrap_or(0.0) > font::num(&a[1]).unwrap_or(1.0)
    );
    let row_bits = u64::from(width) * u64::from(comps) * u64::from(bpc);
    let row_bytes = row_bits.div_ceil(8) as usize;
    let need = row_bytes * height as usize;
    if samples.len() < need {
        return Err(format!(
            "image data is {} bytes, {need} expected for {width}×{height}",
            samples.len()
        ));
    }
    let max = (1u32 << bpc.min(16)) - 1;
    let mut out = Vec::with_capacity(width as usize * height as usize);
    for row in samples.chunks(row_bytes).take(height as usize) {
        let mut bit = 0usize;
        let mut read = || {
            let v = match bpc {
                8 => u32::from(row.get(bit / 8).copied().unwrap_or(0)),
                16 => {
                    let i = bit / 8;
                    (u32::from(row.get(i).copied().unwrap_or(0)) << 8)
                        | u32::from(row.get(i + 1).copied().unwrap_or(0))
                }
                _ => {
                    let byte = u32::from(row.get(bit / 8).copied().unwrap_or(0));
                    let shift = 8 - bpc - (bit % 8) as u32;
                    (byte >> shift) & max
                }
            };
            bit += bpc as usize;
            let v = if inverted { max - v } else { v };
            // To 0..=255.
            (v * 255 / max) as u8
        };
        for _ in 0..width {
            let mut px = [0u8; 4];
            for c in px.iter_mut().take(comps as usize) {
                *c = read();
            }
            let g = match &space {
                // An image mask paints where the sample is 0 (black ink on white paper).
                _ if mask => {
                    if px[0] == 0 {
                        0
                    } else {
                        255
                    }
                }
                Space::Gray => px[0],
                Space::Rgb => luma(px[0], px[1], px[2]),
                Space::Cmyk => {
                    let k = u32::from(px[3]);
                    let ch = |c: u8| (255 - (u32::from(c) + k).min(255)) as u8;
                    luma(ch(px[0]), ch(px[1]), ch(px[2]))
                }
                Space::Indexed { base, table } => {
                    let i = usize::from(px[0]) * max as usize / 255;
                    let n = base.components() as usize;
                    let at = |k: usize| table.get(i * n + k).copied().unwrap_or(0);
                    match **base {
                        Space::Rgb => luma(at(0), at(1), at(2)),
                        Space::Cmyk => {
                            let k = u32::from(at(3));
                            let ch = |c: u8| (255 - (u32::from(c) + k).min(255)) as u8;
                            luma(ch(at(0)), ch(at(1)), ch(at(2)))
                        }
                        _ => at(0),
                    }
                }
            };
            out.push(g);
        }
    }
    Ok(out)
}

/// A binary 8-bit grayscale PGM (`P5`) of `width` × `height` samples.
fn pgm(width: u32, height: u32, gray: impl IntoIterator<Item = u8>) -> Vec<u8> {
    let mut bytes = format!("P5\n{width} {height}\n255\n").into_bytes();
    bytes.extend(gray);
    bytes
}

fn luma(r: u8, g: u8, b: u8) -> u8 {
    ((u32::from(r) * 299 + u32::from(g) * 587 + u32::from(b) * 114) / 1000) as u8
}

/// The colour spaces an OCR page image needs told apart.
#[derive(Debug, Clone)]
enum Space {
    Gray,
    Rgb,
    Cmyk,
    Indexed { base: Box<Space>, table: Vec<u8> },
}

impl Space {
    fn components(&self) -> u32 {
        match self {
            Space::Gray | Space::Indexed { .. } => 1,
            Space::Rgb => 3,
            Space::Cmyk => 4,
        }
    }
}

fn color_space(doc: &Document, obj: Option<&Object>, depth: usize) -> Result<Space, String> {
    let by_count = |n: f64| match n as u32 {
        1 => Ok(Space::Gray),
        3 => Ok(Space::Rgb),
        4 => Ok(Space::Cmyk),
        n => Err(format!("colour space with {n} components")),
    };
    let Some(obj) = obj.and_then(|o| font::resolve(doc, o)) else {
        return Ok(Space::Gray);
    };
    if depth > 4 {
        return Err("colour spaces nested too deep".into());
    }
    match obj {
        Object::Name(n) => match n.as_slice() {
            b"DeviceGray" | b"CalGray" | b"G" => Ok(Space::Gray),
            b"DeviceRGB" | b"CalRGB" | b"RGB" => Ok(Space::Rgb),
            b"DeviceCMYK" | b"CMYK" => Ok(Space::Cmyk),
            other => Err(format!(
                "colour space /{} is not supported for OCR",
                String::from_utf8_lossy(other)
            )),
        },
        Object::Array(a) => {
            let head = a
                .first()
                .and_then(|o| font::resolve(doc, o))
                .and_then(|o| o.as_name().ok());
            match head {
                Some(b"ICCBased") => {
                    let n = a
                        .get(1)
                        .and_then(|o| font::resolve(doc, o))
                        .and_then(|o| o.as_stream().ok())
                        .and_then(|s| font::get(doc, &s.dict, b"N"))
                        .and_then(font::num)
                        .unwrap_or(3.0);
                    by_count(n)
                }
                Some(b"CalGray") => Ok(Space::Gray),
                Some(b"CalRGB" | b"Lab") => Ok(Space::Rgb),
                Some(b"Indexed" | b"I") => {
                    let base = color_space(doc, a.get(1), depth + 1)?;
                    let table = match a.get(3).and_then(|o| font::resolve(doc, o)) {
                        Some(Object::String(s, _)) => s.clone(),
                        Some(Object::Stream(s)) => {
                            font::stream_data(s, 4 << 10).map_err(|e| e.to_string())?
                        }
                        _ => return Err("indexed colour space without a lookup table".into()),
                    };
                    Ok(Space::Indexed {
                        base: Box::new(base),
                        table,
                    })
                }
                Some(b"Separation" | b"DeviceN") => Ok(Space::Gray),
                _ => Err("colour space not supported for OCR".into()),
            }
        }
        _ => Ok(Space::Gray),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::dictionary;

    fn stream(dict: lopdf::Dictionary, data: Vec<u8>) -> Stream {
        Stream::new(dict, data)
    }

    const PAGE: ImageMatrix = [612.0, 0.0, 0.0, 792.0, 0.0, 0.0];

    #[test]
    fn gray_samples_become_a_pgm_and_boxes_map_to_the_page() {
        let doc = Document::with_version("1.7");
        let s = stream(
            dictionary! { "Subtype" => "Image", "Width" => 2, "Height" => 2,
            "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8 },
            vec![0, 255, 128, 64],
        );
        let img = decode(&doc, &s, PAGE, 1 << 20, 1 << 20).expect("decodes");
        assert_eq!(img.format, ScanFormat::Pgm);
        assert_eq!(img.bytes, b"P5\n2 2\n255\n\x00\xff\x80\x40");
        // The top-left pixel is at the top left of the page (PDF y upwards).
        assert_eq!(
            img.pixel_box(0.0, 0.0, 1.0, 1.0),
            [0.0, 396.0, 306.0, 792.0]
        );
        assert_eq!(img.dpi(), None);
    }

    #[test]
    fn one_bit_masks_rgb_and_indexed_images_turn_gray() {
        let doc = Document::with_version("1.7");
        // 1-bit, Decode [1 0]: bits 1 0 → 0 255.
        let s = stream(
            dictionary! { "Width" => 2, "Height" => 1, "BitsPerComponent" => 1,
            "ColorSpace" => "DeviceGray", "Decode" => vec![1.into(), 0.into()] },
            vec![0b1000_0000],
        );
        let img = decode(&doc, &s, PAGE, 100, 100).expect("decodes");
        assert_eq!(&img.bytes[img.bytes.len() - 2..], &[0, 255]);
        // Image mask: 0 paints black.
        let s = stream(
            dictionary! { "Width" => 2, "Height" => 1, "ImageMask" => true },
            vec![0b0100_0000],
        );
        let img = decode(&doc, &s, PAGE, 100, 100).expect("decodes");
        assert_eq!(&img.bytes[img.bytes.len() - 2..], &[0, 255]);
        // RGB red → luma 76.
        let s = stream(
            dictionary! { "Width" => 1, "Height" => 1, "BitsPerComponent" => 8,
            "ColorSpace" => "DeviceRGB" },
            vec![255, 0, 0],
        );
        assert_eq!(
            decode(&doc, &s, PAGE, 100, 100).expect("rgb").bytes.last(),
            Some(&76)
        );
        // Indexed over RGB, entry 1 is white.
        let s = stream(
            dictionary! { "Width" => 1, "Height" => 1, "BitsPerComponent" => 8,
            "ColorSpace" => vec!["Indexed".into(), "DeviceRGB".into(), 1.into(),
                Object::string_literal(vec![0u8, 0, 0, 255, 255, 255])] },
            vec![1],
        );
        assert_eq!(
            decode(&doc, &s, PAGE, 100, 100)
                .expect("indexed")
                .bytes
                .last(),
            Some(&255)
        );
    }

    #[test]
    fn encoded_images_pass_through_and_limits_hold() {
        let doc = Document::with_version("1.7");
        let jpeg = stream(
            dictionary! { "Width" => 10, "Height" => 10, "Filter" => "DCTDecode" },
            vec![0xFF, 0xD8, 0xFF, 0xD9],
        );
        let img = decode(&doc, &jpeg, PAGE, 1000, 1000).expect("jpeg");
        assert_eq!((img.format, img.bytes.len()), (ScanFormat::Jpeg, 4));
        assert!(
            decode(&doc, &jpeg, PAGE, 99, 1000)
                .unwrap_err()
                .contains("larger")
        );
        let fax = stream(
            dictionary! { "Width" => 8, "Height" => 2, "Filter" => "CCITTFaxDecode",
            "DecodeParms" => dictionary! { "K" => -1, "Columns" => 8, "Rows" => 2 } },
            vec![1, 2, 3],
        );
        let img = decode(&doc, &fax, PAGE, 1000, 1000).expect("fax");
        assert_eq!(img.format, ScanFormat::Tiff);
        assert!(img.bytes.starts_with(b"II*\0") && img.bytes.ends_with(&[1, 2, 3]));
        let jbig2 = stream(
            dictionary! { "Width" => 8, "Height" => 2, "Filter" => "JBIG2Decode" },
            vec![0],
        );
        assert!(
            decode(&doc, &jbig2, PAGE, 1000, 1000)
                .unwrap_err()
                .contains("JBIG2")
        );
        let short = stream(dictionary! { "Width" => 8, "Height" => 8 }, vec![0; 3]);
        assert!(decode(&doc, &short, PAGE, 1000, 1000).is_err());
    }
}
