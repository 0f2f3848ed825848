//! Tests of `read_pdf` on PDFs built here with lopdf (one per encoding and layout case), plus
//! the robustness run over `../shared/pdfcorpus` (skipped when that folder is absent).

use super::*;
use lopdf::{Stream, StringFormat, dictionary};
use std::path::Path;

/// A small PDF builder over lopdf.
struct Builder {
    doc: Document,
    pages_id: ObjectId,
    kids: Vec<Object>,
}

impl Builder {
    fn new() -> Builder {
        let mut doc = Document::with_version("1.5");
        let pages_id = doc.new_object_id();
        Builder {
            doc,
            pages_id,
            kids: Vec::new(),
        }
    }

    /// STSong-Light (not embedded) with a predefined CMap.
    fn cjk_font(&mut self, encoding: &str) -> ObjectId {
        let cid = self.doc.add_object(dictionary! {
            "Type" => "Font", "Subtype" => "CIDFontType0", "BaseFont" => "STSong-Light",
            "CIDSystemInfo" => dictionary! {
                "Registry" => Object::String(b"Adobe".to_vec(), StringFormat::Literal),
                "Ordering" => Object::String(b"GB1".to_vec(), StringFormat::Literal),
                "Supplement" => 4,
            },
            "DW" => 1000,
            "W" => vec![1.into(), 95.into(), 500.into()],
        });
        self.doc.add_object(dictionary! {
            "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "STSong-Light",
            "Encoding" => Object::Name(encoding.as_bytes().to_vec()),
            "DescendantFonts" => vec![cid.into()],
        })
    }

    fn helvetica(&mut self) -> ObjectId {
        self.doc.add_object(dictionary! {
            "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
            "Encoding" => "WinAnsiEncoding",
        })
    }

    /// A one-pixel grey image XObject (a "scan") whose byte is `value`.
    fn gray_pixel(&mut self, value: u8) -> ObjectId {
        self.doc.add_object(Stream::new(
            dictionary! {
                "Type" => "XObject", "Subtype" => "Image", "Width" => 1, "Height" => 1,
                "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8,
            },
            vec![value],
        ))
    }

    /// A Type0 / Identity-H font over a non-embedded CIDFontType2 `base` with Adobe-Identity
    /// CIDs and no ToUnicode: its codes are glyph ids and nothing in the file maps them.
    fn identity_font(&mut self, base: &str) -> ObjectId {
        let cid = self.doc.add_object(dictionary! {
            "Type" => "Font", "Subtype" => "CIDFontType2", "BaseFont" => base,
            "CIDSystemInfo" => dictionary! {
                "Registry" => Object::string_literal("Adobe"),
                "Ordering" => Object::string_literal("Identity"), "Supplement" => 0,
            },
        });
        self.doc.add_object(dictionary! {
            "Type" => "Font", "Subtype" => "Type0", "BaseFont" => base,
            "Encoding" => "Identity-H", "DescendantFonts" => vec![cid.into()],
        })
    }

    fn page(&mut self, content: &[u8], resources: Dictionary) -> ObjectId {
        let c = self
            .doc
            .add_object(Stream::new(dictionary! {}, content.to_vec()));
        let id = self.doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => self.pages_id,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
            "Contents" => c, "Resources" => resources,
        });
        self.kids.push(id.into());
        id
    }

    fn finish(self) -> Vec<u8> {
        self.finish_with(Dictionary::new())
    }

    /// Finishes with extra catalog entries (an `/AcroForm`, …).
    fn finish_with(mut self, catalog_extra: Dictionary) -> Vec<u8> {
        let n = self.kids.len() as i64;
        let pages = dictionary! { "Type" => "Pages", "Kids" => self.kids.clone(), "Count" => n };
        self.doc
            .objects
            .insert(self.pages_id, Object::Dictionary(pages));
        let mut catalog = dictionary! { "Type" => "Catalog", "Pages" => self.pages_id };
        catalog.extend(&catalog_extra);
        let catalog = self.doc.add_object(catalog);
        self.doc.trailer.set("Root", catalog);
        let mut out = Vec::new();
        self.doc.save_to(&mut out).expect("in-memory save");
        out
    }
}

fn fonts(list: &[(&str, ObjectId)]) -> Dictionary {
    let mut f = Dictionary::new();
    for (name, id) in list {
        f.set(name.as_bytes().to_vec(), Object::Reference(*id));
    }
    dictionary! { "Font" => f }
}

fn ucs2(s: &str) -> String {
    s.encode_utf16().map(|u| format!("{u:04X}")).collect()
}

fn gbk_hex(s: &str) -> String {
    let (b, _, _) = encoding_rs::GBK.encode(s);
    b.iter().map(|x| format!("{x:02X}")).collect()
}

/// Reads a one-page PDF and returns that page.
fn check_page(bytes: &[u8]) -> PageText {
    let doc = read_pdf(bytes).expect("test PDF reads");
    assert_eq!(doc.pages.len(), 1);
    doc.pages.into_iter().next().unwrap_or_default()
}

#[test]
fn stsong_ucs2_two_td_positions() {
    let mut b = Builder::new();
    let f = b.cjk_font("UniGB-UCS2-H");
    let content = format!(
        "BT /F1 12 Tf 72 700 Td <{}> Tj 0 -20 Td <{}> Tj ET",
        ucs2("原告：某某银行股份有限公司"),
        ucs2("被告：张三")
    );
    b.page(content.as_bytes(), fonts(&[("F1", f)]));
    let p = check_page(&b.finish());
    assert_eq!(p.text, "原告：某某银行股份有限公司\n被告：张三");
    assert!(!p.needs_ocr);
    assert!(p.warnings.is_empty(), "{:?}", p.warnings);
}

#[test]
fn gbk_euc_with_ascii_and_kerned_number() {
    let mut b = Builder::new();
    let f = b.cjk_font("GBK-EUC-H");
    let content = format!(
        "BT /F1 10.5 Tf 72 700 Td [<{}> -15 <{}>] TJ ET",
        gbk_hex("借款本金人民币3"),
        gbk_hex(",217.88元")
    );
    b.page(content.as_bytes(), fonts(&[("F1", f)]));
    assert_eq!(check_page(&b.finish()).text, "借款本金人民币3,217.88元");
}

#[test]
fn other_predefined_cmaps() {
    for (enc, bytes_hex, want) in [
        ("UniGB-UTF16-H", ucs2("利息"), "利息"),
        ("GB-EUC-H", gbk_hex("罚息"), "罚息"),
        ("GBKp-EUC-H", gbk_hex("复利"), "复利"),
        ("GBK2K-H", gbk_hex("违约金"), "违约金"),
        ("UniCNS-UCS2-H", ucs2("銀行"), "銀行"),
        ("B5pc-H", "BBC8A6E6".to_string(), "銀行"),
        ("90ms-RKSJ-H", "93FA967B".to_string(), "日本"),
    ] {
        let mut b = Builder::new();
        let f = b.cjk_font(enc);
        let content = format!("BT /F1 12 Tf 72 700 Td <{bytes_hex}> Tj ET");
        b.page(content.as_bytes(), fonts(&[("F1", f)]));
        assert_eq!(check_page(&b.finish()).text, want, "{enc}");
    }
}

#[test]
fn simple_font_winansi_words_and_accents() {
    let mut b = Builder::new();
    let f = b.helvetica();
    // "Hello" in Helvetica 12pt is 27.3pt wide: a 40pt step leaves a word gap.
    let content =
        b"BT /F1 12 Tf 72 700 Td (Hello) Tj 40 0 Td (World) Tj 0 -14 Td (caf\\351 na\\357ve) Tj ET";
    b.page(content, fonts(&[("F1", f)]));
    assert_eq!(check_page(&b.finish()).text, "Hello World\ncafé naïve");
}

#[test]
fn form_xobject_text_is_read_with_its_matrix() {
    let mut b = Builder::new();
    let f = b.cjk_font("UniGB-UCS2-H");
    let form_content = format!("BT /S 12 Tf 0 0 Td <{}> Tj ET", ucs2("（印章）某某银行"));
    let form = b.doc.add_object(Stream::new(
        dictionary! {
            "Type" => "XObject", "Subtype" => "Form",
            "BBox" => vec![0.into(), 0.into(), 200.into(), 50.into()],
            "Matrix" => vec![1.into(), 0.into(), 0.into(), 1.into(), 0.into(), (-100).into()],
            "Resources" => fonts(&[("S", f)]),
        },
        form_content.into_bytes(),
    ));
    let content = format!(
        "BT /F1 12 Tf 72 700 Td <{}> Tj ET q 1 0 0 1 72 700 cm /Fm1 Do Q",
        ucs2("落款")
    );
    let mut res = fonts(&[("F1", f)]);
    res.set("XObject", dictionary! { "Fm1" => form });
    b.page(content.as_bytes(), res);
    assert_eq!(check_page(&b.finish()).text, "落款\n（印章）某某银行");
}

#[test]
fn table_row_cells_are_tab_separated_in_order() {
    let mut b = Builder::new();
    let f = b.helvetica();
    let cjk = b.cjk_font("UniGB-UCS2-H");
    // Drawn as Word does: row by row, cell by cell.
    let content = format!(
        "BT /C 10 Tf 72 620 Td <{}> Tj 78 0 Td <{}> Tj 150 0 Td <{}> Tj ET \
         BT /F1 10 Tf 72 600 Td (1) Tj ET BT /F1 10 Tf 150 600 Td (56,818.64) Tj ET \
         BT /F1 10 Tf 300 600 Td (2020-02-15) Tj ET",
        ucs2("序号"),
        ucs2("金额"),
        ucs2("日期")
    );
    b.page(content.as_bytes(), fonts(&[("F1", f), ("C", cjk)]));
    assert_eq!(
        check_page(&b.finish()).text,
        "序号\t金额\t日期\n1\t56,818.64\t2020-02-15"
    );
}

#[test]
fn table_drawn_out_of_order_keeps_drawing_order_as_poppler_raw() {
    let mut b = Builder::new();
    let f = b.helvetica();
    let cjk = b.cjk_font("UniGB-UCS2-H");
    // Every row right to left, the header last: the text stays in drawing order (what
    // `pdftotext -raw` prints), one line per jump back to the left.
    let content = format!(
        "BT /F1 10 Tf 300 600 Td (2020-02-15) Tj ET BT /F1 10 Tf 150 600 Td (56,818.64) Tj ET \
         BT /F1 10 Tf 72 600 Td (1) Tj ET \
         BT /C 10 Tf 300 620 Td <{}> Tj -150 0 Td <{}> Tj -78 0 Td <{}> Tj ET",
        ucs2("日期"),
        ucs2("金额"),
        ucs2("序号")
    );
    b.page(content.as_bytes(), fonts(&[("F1", f), ("C", cjk)]));
    assert_eq!(
        check_page(&b.finish()).text,
        "2020-02-15\n56,818.64\n1\n日期\n金额\n序号"
    );
}

#[test]
fn overprinted_copies_are_kept_as_poppler_raw_keeps_them() {
    let mut b = Builder::new();
    let f = b.helvetica();
    // A title drawn twice at (almost) the same place (fake bold): both copies are text.
    b.page(
        b"BT /F1 12 Tf 72 700 Td (Total) Tj ET BT /F1 12 Tf 72.3 700 Td (Total) Tj ET",
        fonts(&[("F1", f)]),
    );
    let text = check_page(&b.finish()).text;
    assert_eq!(text.replace(char::is_whitespace, ""), "TotalTotal");
}

#[test]
fn freetext_and_text_fields_without_appearance_are_read() {
    let mut b = Builder::new();
    let f = b.helvetica();
    let page = b.page(b"BT /F1 10 Tf 72 760 Td (Form) Tj ET", fonts(&[("F1", f)]));
    let utf16 = |s: &str| {
        let mut v = vec![0xFE, 0xFF];
        v.extend(s.encode_utf16().flat_map(u16::to_be_bytes));
        Object::String(v, StringFormat::Literal)
    };
    let rect = |y: i64| vec![72.into(), y.into(), 300.into(), (y + 20).into()];
    let note = b.doc.add_object(dictionary! {
        "Type" => "Annot", "Subtype" => "FreeText", "Rect" => rect(700), "F" => 4,
        "DA" => Object::string_literal("/Helv 10 Tf 0 g"), "Contents" => utf16("附件 Załącznik"),
    });
    // A text field whose type and value are inherited from its parent field.
    let parent = b.doc.add_object(dictionary! {
        "FT" => "Tx", "T" => Object::string_literal("amount"),
        "V" => Object::string_literal("56,818.64"),
    });
    let widget = b.doc.add_object(dictionary! {
        "Type" => "Annot", "Subtype" => "Widget", "Rect" => rect(650), "F" => 4,
        "Parent" => parent, "DA" => Object::string_literal("/Helv 0 Tf 0 g"),
    });
    let hidden = b.doc.add_object(dictionary! {
        "Type" => "Annot", "Subtype" => "Widget", "FT" => "Tx", "Rect" => rect(600), "F" => 2,
        "V" => Object::string_literal("hidden"),
    });
    if let Ok(Object::Dictionary(d)) = b.doc.get_object_mut(page) {
        d.set("Annots", vec![note.into(), widget.into(), hidden.into()]);
    }
    let text = check_page(&b.finish()).text;
    assert_eq!(text, "Form\n附件 Załącznik\n56,818.64");
}

#[test]
fn need_appearances_rebuilds_text_fields_and_password_fields_show_stars() {
    let build = |need: bool| {
        let mut b = Builder::new();
        let f = b.helvetica();
        let page = b.page(b"", fonts(&[("F1", f)]));
        let ap = b.doc.add_object(Stream::new(
            dictionary! {
                "Type" => "XObject", "Subtype" => "Form",
                "BBox" => vec![0.into(), 0.into(), 200.into(), 20.into()],
                "Resources" => fonts(&[("F1", f)]),
            },
            b"BT /F1 10 Tf 2 5 Td (stale) Tj ET".to_vec(),
        ));
        let field = |v: &str, ff: i64, y: i64, ap: Option<ObjectId>| {
            let mut d = dictionary! {
                "Type" => "Annot", "Subtype" => "Widget", "FT" => "Tx", "F" => 4, "Ff" => ff,
                "Rect" => vec![72.into(), y.into(), 272.into(), (y + 20).into()],
                "V" => Object::string_literal(v), "DA" => Object::string_literal("/F1 10 Tf 0 g"),
            };
            if let Some(ap) = ap {
                d.set("AP", dictionary! { "N" => ap });
            }
            d
        };
        let a = b.doc.add_object(field("fresh", 0, 700, Some(ap)));
        let p = b.doc.add_object(field("secret", 1 << 13, 650, None));
        if let Ok(Object::Dictionary(d)) = b.doc.get_object_mut(page) {
            d.set("Annots", vec![a.into(), p.into()]);
        }
        let form = dictionary! { "Fields" => vec![a.into(), p.into()], "NeedAppearances" => need };
        check_page(&b.finish_with(dictionary! { "AcroForm" => form })).text
    };
    assert_eq!(build(true), "fresh\n******");
    assert_eq!(build(false), "stale\n******");
}

#[test]
fn glyphs_off_the_media_box_are_dropped_as_poppler_does() {
    let mut b = Builder::new();
    let f = b.helvetica();
    // The media box is 595 wide: "Off" starts 3 pt past its right edge (less than an em).
    b.page(
        b"BT /F1 12 Tf 72 700 Td (On) Tj ET BT /F1 12 Tf 598 700 Td (Off) Tj ET \
          BT /F1 12 Tf 72 844 Td (Top) Tj ET",
        fonts(&[("F1", f)]),
    );
    assert_eq!(check_page(&b.finish()).text, "On");
}

#[test]
fn right_to_left_words_come_out_in_reading_order() {
    let mut b = Builder::new();
    // Codes A, B, C draw gimel, bet, alef: Hebrew drawn left to right (visual order).
    let hebrew = b.doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
        "Encoding" => dictionary! {
            "Type" => "Encoding", "BaseEncoding" => "WinAnsiEncoding",
            "Differences" => vec![65.into(), "uni05D2".into(), "uni05D1".into(), "uni05D0".into()],
        },
    });
    b.page(
        b"BT /F1 12 Tf 72 700 Td (ABC 12 x.) Tj ET",
        fonts(&[("F1", hebrew)]),
    );
    assert_eq!(check_page(&b.finish()).text, "\u{5D0}\u{5D1}\u{5D2} 12 x.");
}

#[test]
fn right_to_left_drawn_with_negative_char_spacing_stays_in_drawing_order() {
    let mut b = Builder::new();
    let hebrew = b.doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
        "Encoding" => dictionary! {
            "Type" => "Encoding", "BaseEncoding" => "WinAnsiEncoding",
            "Differences" => vec![65.into(), "uni05D0".into(), "uni05D1".into(), "uni05D2".into()],
        },
    });
    // Alef, bet, gimel in reading order, each placed left of the one before by a negative
    // character spacing: upright text, so the drawing order is the reading order.
    b.page(
        b"BT /F1 12 Tf -20 Tc 300 700 Td (ABC) Tj ET",
        fonts(&[("F1", hebrew)]),
    );
    let text = check_page(&b.finish()).text;
    assert_eq!(
        text.replace(char::is_whitespace, ""),
        "\u{5D0}\u{5D1}\u{5D2}"
    );
}

#[test]
fn damaged_header_is_read_when_objects_follow() {
    let mut b = Builder::new();
    let f = b.helvetica();
    b.page(
        b"BT /F1 12 Tf 72 700 Td (Header lost) Tj ET",
        fonts(&[("F1", f)]),
    );
    let mut bytes = b.finish();
    assert!(bytes.starts_with(b"%PDF-"));
    bytes[..5].copy_from_slice(b"%\xE2\xE3\xCF\xD3");
    assert_eq!(check_page(&bytes).text, "Header lost");
    // Not a PDF at all: still refused.
    let err = read_pdf(b"%!PS-Adobe-3.0\nshowpage\n").err();
    assert_eq!(err.map(|e| e.code()), Some("FILING_UNREADABLE"));
}

#[test]
fn operator_inside_a_tj_array_is_skipped_and_unclosed_array_ends_at_tj() {
    let mut b = Builder::new();
    let f = b.helvetica();
    b.page(
        b"BT /F1 10 Tf 72 700 Td [(Grandes) 0.0 Tc -400 (Client\\350les) 0.0 Tc -400 (et)] TJ ET \
          BT /F1 10 Tf 72 680 Td [(unclosed) -400 (array) TJ ( after) Tj ET",
        fonts(&[("F1", f)]),
    );
    assert_eq!(
        check_page(&b.finish()).text,
        "Grandes Clientèles et\nunclosed array after"
    );
}

#[test]
fn content_stream_without_length_is_recovered_from_the_bytes() {
    let mut b = Builder::new();
    let f = b.helvetica();
    let content = b"BT /F1 12 Tf 72 700 Td (No length) Tj ET";
    b.page(content, fonts(&[("F1", f)]));
    let mut bytes = b.finish();
    // Blank out the content stream's `/Length N` (same size: the xref stays right).
    let key = format!("/Length {}", content.len());
    let at = bytes
        .windows(key.len())
        .position(|w| w == key.as_bytes())
        .unwrap_or_default();
    assert!(at > 0, "saved stream has {key}");
    bytes[at..at + key.len()].fill(b' ');
    let page = check_page(&bytes);
    assert_eq!(page.text, "No length");
    assert!(page.warnings.iter().any(|w| w.contains("recovered")));
}

#[test]
fn symbol_and_zapf_dingbats_use_their_builtin_encodings() {
    let mut b = Builder::new();
    let symbol = b.doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Symbol",
    });
    let dingbats = b.doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "ZapfDingbats",
    });
    b.page(
        b"BT /S 12 Tf 72 700 Td (abg \\243 p) Tj ET BT /Z 12 Tf 72 680 Td (34 \\254) Tj ET",
        fonts(&[("S", symbol), ("Z", dingbats)]),
    );
    assert_eq!(check_page(&b.finish()).text, "αβγ ≤ π\n✓✔ ①");
}

#[test]
fn two_columns_are_read_one_after_the_other() {
    let mut b = Builder::new();
    let f = b.cjk_font("UniGB-UCS2-H");
    let content = format!(
        "BT /F1 12 Tf 72 700 Td <{}> Tj 0 -20 Td <{}> Tj ET BT /F1 12 Tf 320 700 Td <{}> Tj 0 -20 Td <{}> Tj ET",
        ucs2("左栏第一行"),
        ucs2("左栏第二行"),
        ucs2("右栏第一行"),
        ucs2("右栏第二行")
    );
    b.page(content.as_bytes(), fonts(&[("F1", f)]));
    assert_eq!(
        check_page(&b.finish()).text,
        "左栏第一行\n左栏第二行\n右栏第一行\n右栏第二行"
    );
}

/// Every character of the text has a box (a line's `chars` match its text), lines do not
/// overlap the `\n` between them, and a span maps to the glyphs that drew it.
#[test]
fn char_spans_map_to_glyph_boxes() {
    let mut b = Builder::new();
    let f = b.cjk_font("UniGB-UCS2-H");
    let h = b.helvetica();
    let content = format!(
        "BT /F1 12 Tf 72 700 Td <{}> Tj 0 -20 Td <{}> Tj ET BT /H 10 Tf 72 650 Td (Total) Tj 100 0 Td (3,217.88) Tj ET",
        ucs2("原告：某某银行股份有限公司"),
        ucs2("被告：张三")
    );
    b.page(content.as_bytes(), fonts(&[("F1", f), ("H", h)]));
    let p = check_page(&b.finish());
    assert_eq!(
        p.text,
        "原告：某某银行股份有限公司\n被告：张三\nTotal\t3,217.88"
    );
    let chars: Vec<char> = p.text.chars().collect();
    assert_eq!(p.lines.len(), 3);
    let mut covered = 0;
    for (i, line) in p.lines.iter().enumerate() {
        assert_eq!(line.chars.len() as u32, line.end - line.start);
        let text: String = chars[line.start as usize..line.end as usize]
            .iter()
            .collect();
        assert_eq!(Some(text.as_str()), p.text.split('\n').nth(i));
        covered += line.chars.len();
        for bx in &line.chars {
            assert!(bx[0] <= bx[2] && bx[1] <= bx[3], "{bx:?}");
        }
    }
    // All chars but the two newlines have a position.
    assert_eq!(covered, chars.len() - 2);
    let near = |a: [f32; 4], b: [f32; 4]| a.iter().zip(&b).all(|(x, y)| (x - y).abs() < 0.05);
    // "张三": chars 3..5 of line 2, 12 pt glyphs from x = 72 + 3 × 12, baseline 680.
    let s = p.lines[1].start;
    let boxes = p.span_boxes(s + 3, s + 5);
    assert_eq!(boxes.len(), 1);
    assert!(near(boxes[0], [108.0, 677.6, 132.0, 689.6]), "{boxes:?}");
    // A span across two lines gives one box per line.
    assert_eq!(p.span_boxes(s - 3, s + 2).len(), 2);
    // The amount: Helvetica 10 pt from x = 172; "3,217.88" is 5 digits, a comma and a dot.
    let s = p.lines[2].start;
    let amount = p.span_boxes(s + 6, s + 14);
    let width = (6.0 * 556.0 + 2.0 * 278.0) / 100.0;
    assert!(
        near(amount[0], [172.0, 648.0, 172.0 + width, 658.0]),
        "{amount:?}"
    );
    // The tab between the cells has the gap as its box.
    let tab = p.lines[2].chars[5];
    assert!(tab[0] >= 72.0 + 22.0 && tab[2] <= 172.0 + 0.05, "{tab:?}");
}

#[test]
fn image_only_page_needs_ocr() {
    let mut b = Builder::new();
    let img = b.gray_pixel(0x80);
    b.page(
        b"q 595 0 0 842 0 0 cm /Im0 Do Q",
        dictionary! { "XObject" => dictionary! { "Im0" => img } },
    );
    let p = check_page(&b.finish());
    assert!(p.needs_ocr);
    assert_eq!(p.text, "");
    // Inline images count too.
    let mut b = Builder::new();
    b.page(
        b"q 10 0 0 10 0 0 cm BI /W 1 /H 1 /CS /G /BPC 8 ID \x80 EI Q",
        Dictionary::new(),
    );
    assert!(check_page(&b.finish()).needs_ocr);
    // A scanned page with an e-signature stamp (a widget whose appearance draws text): the
    // stamp is read, and the page still needs OCR.
    let mut b = Builder::new();
    let f = b.helvetica();
    let img = b.gray_pixel(0x80);
    let page = b.page(
        b"q 595 0 0 842 0 0 cm /Im0 Do Q",
        dictionary! { "XObject" => dictionary! { "Im0" => img } },
    );
    let ap = b.doc.add_object(Stream::new(
        dictionary! {
            "Type" => "XObject", "Subtype" => "Form",
            "BBox" => vec![0.into(), 0.into(), 200.into(), 40.into()],
            "Resources" => fonts(&[("F1", f)]),
        },
        b"BT /F1 10 Tf 2 20 Td (Signed 2024-05-06) Tj ET".to_vec(),
    ));
    let sig = b.doc.add_object(dictionary! {
        "Type" => "Annot", "Subtype" => "Widget", "FT" => "Sig", "F" => 4,
        "Rect" => vec![300.into(), 100.into(), 500.into(), 140.into()],
        "AP" => dictionary! { "N" => ap },
    });
    if let Ok(Object::Dictionary(d)) = b.doc.get_object_mut(page) {
        d.set("Annots", vec![sig.into()]);
    }
    let p = check_page(&b.finish());
    assert_eq!(p.text, "Signed 2024-05-06", "{:?}", p.warnings);
    assert!(p.needs_ocr, "{:?}", p.warnings);
}

#[test]
fn invisible_text_over_a_scan_counts_as_text_with_a_warning() {
    let mut b = Builder::new();
    let f = b.cjk_font("UniGB-UCS2-H");
    let img = b.gray_pixel(0);
    let content = format!(
        "/Im0 Do BT 3 Tr /F1 12 Tf 72 700 Td <{}> Tj ET",
        ucs2("民事起诉状")
    );
    let mut res = fonts(&[("F1", f)]);
    res.set("XObject", dictionary! { "Im0" => img });
    b.page(content.as_bytes(), res);
    let p = check_page(&b.finish());
    assert_eq!(p.text, "民事起诉状");
    assert!(!p.needs_ocr);
    assert!(p.warnings.iter().any(|w| w.contains("invisible text")));
}

#[test]
fn kids_cycle_does_not_hang_and_pages_are_read_once() {
    let mut b = Builder::new();
    let f = b.helvetica();
    b.page(
        b"BT /F1 12 Tf 72 700 Td (page one) Tj ET",
        fonts(&[("F1", f)]),
    );
    // A second /Pages node whose kids point back at the root.
    let inner = b.doc.add_object(
        dictionary! { "Type" => "Pages", "Kids" => vec![b.pages_id.into()], "Count" => 1 },
    );
    b.kids.push(inner.into());
    let doc = read_pdf(&b.finish()).expect("reads");
    assert_eq!(doc.pages.len(), 1);
    assert_eq!(doc.pages[0].text, "page one");
    assert!(doc.pages[0].warnings.iter().any(|w| w.contains("cycle")));
}

#[test]
fn missing_font_and_bad_stream_cost_only_their_page() {
    let mut b = Builder::new();
    let f = b.helvetica();
    b.page(b"BT /Nope 12 Tf 72 700 Td (lost) Tj ET", Dictionary::new());
    b.page(b"BT /F1 12 Tf 72 700 Td (kept) Tj ET", fonts(&[("F1", f)]));
    let broken = b.doc.add_object(Stream::new(
        dictionary! { "Filter" => "FlateDecode" },
        b"not zlib at all".to_vec(),
    ));
    let page3 = b
        .doc
        .add_object(dictionary! { "Type" => "Page", "Parent" => b.pages_id, "Contents" => broken });
    b.kids.push(page3.into());
    let doc = read_pdf(&b.finish()).expect("reads");
    assert_eq!(doc.pages.len(), 3);
    assert!(
        doc.pages[0]
            .warnings
            .iter()
            .any(|w| w.contains("not found"))
    );
    assert_eq!(doc.pages[1].text, "kept");
    assert_eq!(doc.pages[2].text, "");
}

#[test]
fn identity_h_with_tounicode_and_huge_range() {
    let mut b = Builder::new();
    // A ToUnicode with a 4-billion-code range next to good entries.
    let tu = b.doc.add_object(Stream::new(
        dictionary! {},
        b"1 begincodespacerange <0000> <FFFF> endcodespacerange
          2 beginbfchar <0001> <501F> <0002> <6B3E> endbfchar
          1 beginbfrange <00000000> <FFFFFFFF> <0041> endbfrange"
            .to_vec(),
    ));
    let cid = b.doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "CIDFontType2", "BaseFont" => "ABCDEF+SimSun",
        "CIDSystemInfo" => dictionary! { "Registry" => Object::string_literal("Adobe"), "Ordering" => Object::string_literal("Identity"), "Supplement" => 0 },
        "DW" => 1000,
    });
    let font = b.doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "ABCDEF+SimSun",
        "Encoding" => "Identity-H", "DescendantFonts" => vec![cid.into()], "ToUnicode" => tu,
    });
    b.page(
        b"BT /F1 12 Tf 72 700 Td <00010002> Tj ET",
        fonts(&[("F1", font)]),
    );
    let start = Instant::now();
    let p = check_page(&b.finish());
    assert_eq!(p.text, "借款");
    assert!(start.elapsed() < Duration::from_secs(2));
    assert!(p.warnings.iter().any(|w| w.contains("clipped")));
}

#[test]
fn identity_h_without_tounicode_uses_the_collection_or_warns() {
    // Identity-H on a non-embedded Adobe-GB1 font: CIDs read through the Adobe-GB1 table.
    let mut b = Builder::new();
    let cid = b.doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "CIDFontType0", "BaseFont" => "STSong-Light",
        "CIDSystemInfo" => dictionary! { "Registry" => Object::string_literal("Adobe"), "Ordering" => Object::string_literal("GB1"), "Supplement" => 4 },
    });
    let font = b.doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "STSong-Light",
        "Encoding" => "Identity-H", "DescendantFonts" => vec![cid.into()],
    });
    b.page(
        b"BT /F1 12 Tf 72 700 Td <0CA60AF6043B10ED> Tj ET",
        fonts(&[("F1", font)]),
    );
    let p = check_page(&b.finish());
    assert_eq!(p.text, "人民币元");
    // Adobe-Identity, nothing embedded, no ToUnicode: nothing can be said; a warning.
    let mut b = Builder::new();
    let cid = b.doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "CIDFontType2", "BaseFont" => "SimSun",
        "CIDSystemInfo" => dictionary! { "Registry" => Object::string_literal("Adobe"), "Ordering" => Object::string_literal("Identity"), "Supplement" => 0 },
    });
    let font = b.doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "SimSun",
        "Encoding" => "Identity-H", "DescendantFonts" => vec![cid.into()],
    });
    b.page(
        b"BT /F1 12 Tf 72 700 Td <0F9C0F9D> Tj ET",
        fonts(&[("F1", font)]),
    );
    let p = check_page(&b.finish());
    assert_eq!(p.text, "");
    assert!(
        p.warnings
            .iter()
            .any(|w| w.contains("Identity") && w.contains("ToUnicode"))
    );
}

#[test]
fn cid_truetype_without_tounicode_reads_the_embedded_cmap() {
    // A CIDFontType2 whose only text source is its embedded TrueType 'cmap' (CID → glyph id
    // through a CIDToGIDMap stream, glyph id → Unicode by inverting the cmap), and a glyph the
    // cmap lacks that the 'post' table names.
    let ttf = super::sfnt::build_test_font(
        &[(0x4E2D, 3), (0x6587, 4), (0x31, 5)],
        &[".notdef", "a", "b", "c", "d", "e", "uni5143"],
    );
    let mut b = Builder::new();
    let file = b.doc.add_object(Stream::new(
        dictionary! { "Length1" => ttf.len() as i64 },
        ttf,
    ));
    // CIDs 1, 2, 3, 4 → glyphs 3, 4, 5, 6.
    let c2g = b.doc.add_object(Stream::new(
        dictionary! {},
        vec![0, 0, 0, 3, 0, 4, 0, 5, 0, 6],
    ));
    let fd = b.doc.add_object(dictionary! {
        "Type" => "FontDescriptor", "FontName" => "ABCDEF+SimSun", "Flags" => 4,
        "FontFile2" => file,
    });
    let cid = b.doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "CIDFontType2", "BaseFont" => "ABCDEF+SimSun",
        "CIDSystemInfo" => dictionary! { "Registry" => Object::string_literal("Adobe"), "Ordering" => Object::string_literal("Identity"), "Supplement" => 0 },
        "FontDescriptor" => fd, "CIDToGIDMap" => c2g, "DW" => 1000,
    });
    let font = b.doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "ABCDEF+SimSun",
        "Encoding" => "Identity-H", "DescendantFonts" => vec![cid.into()],
    });
    b.page(
        b"BT /F1 12 Tf 72 700 Td <0001000200030004> Tj ET",
        fonts(&[("F1", font)]),
    );
    let p = check_page(&b.finish());
    assert_eq!(p.text, "中文1元");
    assert!(
        !p.warnings.iter().any(|w| w.contains("without")),
        "{:?}",
        p.warnings
    );
}

#[test]
fn embedded_type1_builtin_encoding_is_the_base() {
    // TeX's CMR fonts: no /BaseEncoding, the program's own encoding puts "fi" at 12.
    let prog = b"%!PS-AdobeFont-1.0: CMR10\n/Encoding 256 array\n0 1 255 {1 index exch /.notdef put} for\ndup 12 /fi put\ndup 97 /a put\ndup 108 /l put\ndup 101 /e put\nreadonly def\ncurrentfile eexec\n".to_vec();
    let mut b = Builder::new();
    let file = b.doc.add_object(Stream::new(
        dictionary! { "Length1" => prog.len() as i64, "Length2" => 0, "Length3" => 0 },
        prog,
    ));
    let fd = b.doc.add_object(dictionary! {
        "Type" => "FontDescriptor", "FontName" => "CMR10", "Flags" => 4, "FontFile" => file,
    });
    let font = b.doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "CMR10",
        "FirstChar" => 0, "LastChar" => 255, "FontDescriptor" => fd,
        "Widths" => (0..256).map(|_| Object::Integer(500)).collect::<Vec<_>>(),
    });
    b.page(
        b"BT /F1 10 Tf 72 700 Td <0C6C65> Tj ET",
        fonts(&[("F1", font)]),
    );
    let p = check_page(&b.finish());
    assert_eq!(p.text, "\u{FB01}le");
}

#[test]
fn whole_document_errors_have_stable_codes() {
    assert_eq!(read_pdf(b"").err().map(|e| e.code()), Some("FILING_EMPTY"));
    assert_eq!(
        read_pdf(b"hello, not a pdf").err().map(|e| e.code()),
        Some("FILING_UNREADABLE")
    );
    assert_eq!(
        read_pdf(b"%PDF-1.4\n garbage").err().map(|e| e.code()),
        Some("FILING_UNREADABLE")
    );

    // Encrypted with a user password: cannot be opened.
    let mut b = Builder::new();
    let f = b.helvetica();
    b.page(
        b"BT /F1 12 Tf 72 700 Td (secret) Tj ET",
        fonts(&[("F1", f)]),
    );
    let bytes = b.finish();
    let encrypt = |user: &str| -> Vec<u8> {
        let mut doc = Document::load_mem(&bytes).expect("reload");
        let id = Object::String(b"0123456789abcdef".to_vec(), StringFormat::Hexadecimal);
        doc.trailer.set("ID", vec![id.clone(), id]);
        let state = lopdf::EncryptionState::try_from(lopdf::EncryptionVersion::V2 {
            document: &doc,
            owner_password: "owner",
            user_password: user,
            key_length: 128,
            permissions: lopdf::Permissions::default(),
        })
        .expect("encryption state");
        doc.encrypt(&state).expect("encrypt");
        let mut out = Vec::new();
        doc.save_to(&mut out).expect("save");
        out
    };
    let locked = encrypt("user-secret");
    let err = read_pdf(&locked).err();
    assert_eq!(err.as_ref().map(|e| e.code()), Some("FILING_ENCRYPTED"));
    // Encrypted with an empty user password: opens.
    let open = encrypt("");
    assert_eq!(
        read_pdf(&open).ok().map(|d| d.joined()),
        Some("secret".to_string())
    );
}

#[test]
fn random_and_mutated_bytes_never_panic() {
    let mut b = Builder::new();
    let f = b.cjk_font("UniGB-UCS2-H");
    let content = format!(
        "BT /F1 12 Tf 72 700 Td <{}> Tj ET",
        ucs2("金融借款合同纠纷")
    );
    b.page(content.as_bytes(), fonts(&[("F1", f)]));
    let good = b.finish();
    // xorshift: deterministic.
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for round in 0..300 {
        let mut m = good.clone();
        match round % 3 {
            0 => {
                for _ in 0..(1 + next() % 8) {
                    let i = (next() as usize) % m.len();
                    m[i] ^= (next() & 0xff) as u8;
                }
            }
            1 => m.truncate((next() as usize) % m.len()),
            _ => {
                m = (0..(next() % 2000))
                    .map(|_| (next() & 0xff) as u8)
                    .collect();
                m.splice(0..0, b"%PDF-1.7\n".iter().copied());
            }
        }
        let r = catch_unwind(AssertUnwindSafe(|| read_pdf(&m)));
        assert!(r.is_ok(), "panic on mutation round {round}");
        if let Ok(Ok(doc)) = r {
            assert!(
                doc.pages
                    .iter()
                    .all(|p| !p.warnings.iter().any(|w| w == INTERNAL_ERROR))
            );
        }
    }
}

/// A 12 KiB Flate stream that inflates to 8 MiB against a 1 MiB page limit: the filing fails
/// fast with a clear reason (the default limit works the same way at 128 MiB).
#[test]
fn decompression_bomb_fails_fast_with_a_reason() {
    let mut b = Builder::new();
    let f = b.helvetica();
    let mut bomb = Stream::new(dictionary! {}, vec![b' '; 8 << 20]);
    bomb.compress().expect("compress");
    assert!(bomb.content.len() < 64 << 10, "{}", bomb.content.len());
    let c = b.doc.add_object(bomb);
    let page = b.doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => b.pages_id, "Contents" => c, "Resources" => fonts(&[("F1", f)]),
    });
    b.kids.push(page.into());
    let bytes = b.finish();
    let limits = ReadLimits {
        page_bytes: 1 << 20,
        ..ReadLimits::default()
    };
    let start = Instant::now();
    let err = read_pdf_with(&bytes, &limits).err();
    assert!(start.elapsed() < Duration::from_secs(1));
    assert_eq!(
        err.as_ref().map(|e| e.code()),
        Some("FILING_LIMIT_EXCEEDED")
    );
    let msg = err.map(|e| e.to_string()).unwrap_or_default();
    assert!(
        msg.contains("page 1") && msg.contains("decompressed"),
        "{msg}"
    );
    // With the default limits the same file still fails: 8 MiB from a few KiB is past the
    // decompression ratio.
    let err = read_pdf(&bytes).err();
    let msg = err.as_ref().map(|e| e.to_string()).unwrap_or_default();
    assert_eq!(err.map(|e| e.code()), Some("FILING_LIMIT_EXCEEDED"));
    assert!(
        msg.contains("page 1") && msg.contains("decompression bomb"),
        "{msg}"
    );
    // The same 8 MiB stored without compression is no bomb: it reads (no text).
    let mut b = Builder::new();
    let f = b.helvetica();
    b.page(&vec![b' '; 8 << 20], fonts(&[("F1", f)]));
    assert_eq!(
        read_pdf(&b.finish()).ok().map(|d| d.joined()),
        Some(String::new())
    );
}

#[test]
fn operator_and_time_limits_fail_the_filing() {
    let mut b = Builder::new();
    let f = b.helvetica();
    b.page(
        "BT /F1 12 Tf 72 700 Td (x) Tj ET q Q "
            .repeat(2000)
            .as_bytes(),
        fonts(&[("F1", f)]),
    );
    let bytes = b.finish();
    let few_ops = ReadLimits {
        page_operators: 1000,
        ..ReadLimits::default()
    };
    let err = read_pdf_with(&bytes, &few_ops).err();
    assert_eq!(
        err.as_ref().map(|e| e.code()),
        Some("FILING_LIMIT_EXCEEDED")
    );
    let no_time = ReadLimits {
        time: Duration::ZERO,
        ..ReadLimits::default()
    };
    let err = read_pdf_with(&bytes, &no_time).err();
    assert!(err.is_some_and(|e| e.to_string().contains("time limit")));
}

#[test]
fn mostly_unmapped_text_needs_ocr() {
    let mut b = Builder::new();
    let tu = b.doc.add_object(Stream::new(
        dictionary! {},
        b"1 beginbfrange <41> <5A> <E000> endbfrange 1 beginbfchar <61> <4E2D> endbfchar".to_vec(),
    ));
    let font = b.doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Custom", "ToUnicode" => tu,
    });
    b.page(
        b"BT /F1 12 Tf 72 700 Td (ABCDEFGa) Tj ET",
        fonts(&[("F1", font)]),
    );
    let p = check_page(&b.finish());
    assert!(p.needs_ocr);
    assert!(p.warnings.iter().any(|w| w.contains("private-use")));
}

#[test]
fn expected_chinese_in_other_scripts_letters_needs_ocr() {
    // A ToUnicode that maps codes to glyph numbers' code points (as `mutool convert` writes
    // it): the text comes out as Latin Extended letters. A general reader keeps it (it could
    // be a language), a reader told the documents are Chinese sends the page to OCR.
    let mut b = Builder::new();
    let tu = b.doc.add_object(Stream::new(
        dictionary! {},
        b"1 beginbfrange <41> <5A> <0100> endbfrange".to_vec(),
    ));
    let font = b.doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Custom", "ToUnicode" => tu,
    });
    b.page(
        b"BT /F1 12 Tf 72 700 Td (ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJ) Tj ET",
        fonts(&[("F1", font)]),
    );
    let bytes = b.finish();
    assert!(!check_page(&bytes).needs_ocr);
    let chinese = ReadLimits {
        expect_chinese: true,
        ..ReadLimits::default()
    };
    let doc = read_pdf_with(&bytes, &chinese).expect("reads");
    let p = &doc.pages[0];
    assert!(p.needs_ocr);
    assert!(
        p.warnings
            .iter()
            .any(|w| w.contains("implausible in Chinese"))
    );
}

#[test]
fn what_chinese_text_holds() {
    use crate::implausible_for_chinese as bad;
    let filing = "原告：某某农村商业银行股份有限公司，住所地某市人民路1号。被告张三（借款人），男，1980年1月1日出生。诉讼请求：判令被告偿还借款本金100,000.00元（大写：壹拾万元整），利息¥1,234.56元。□是 ■否 √ ① ×";
    assert_eq!(bad(filing), None);
    // Traditional characters (Big5) are Chinese too; kana and hangul are text of their own.
    assert_eq!(
        bad(
            "原告某某銀行股份有限公司訴請判令被告償還借款本金及利息，並負擔訴訟費用，證據如附件所列。"
        ),
        None
    );
    assert_eq!(
        bad("原告は被告に対して貸金の返還を求める。ひらがなとカタカナの文章です。以上のとおり。"),
        None
    );
    // Glyph numbers read as code points, rare ideographs from CIDs read as Unicode.
    assert!(bad("ĀāĂăĄąĆćĈĉĊċČčĎďĐđĒēĔĕĖėĘęĚěĜĝĞğ").is_some());
    assert!(bad("ФЫВАПРОЛДЖЭЙЦУКЕНГШЩЗХЪЯЧСМИТЬБЮ ФЫВАПРОЛ").is_some());
    assert!(bad("丮丯丱丵丷丼乀乁乂乄乆乑乕乛乢乣乤乥乧乨乪乫乬乭乮乯乲乴乵乶乷").is_some());
    // Glyph numbers 33–126 read as ASCII (a krilla subset's ToUnicode rewritten to identity).
    assert!(
        bad("!\"#$\n%&' ()* +,\n-. /01' 23* 45 6 45,\n7 89:;'< =>*?*!@A\"B!CB!DEF*GH*").is_some()
    );
    // Figures, dates, masked numbers, codes and blanks to fill are Chinese filings' ASCII.
    assert_eq!(
        bad(
            "合同编号：JK-2023-0001，借款1,234.56元，年利率4.35%，身份证420492**********7149，电话138****5678，微信____，(2019)瑞银借字第1767号，2023/5/6，10:30"
        ),
        None
    );
    // A ledger whose digits came out as letters, and an English page, which is text.
    assert!(
        bad("RlROÃlRÃOP\tfg\ti llkl\tOjPijjjkP\nRlROÃl ÃOP\tfg\tilllkQl\tOP\u{8e}\u{9b}½¾")
            .is_some()
    );
    assert_eq!(
        bad(
            "The Borrower shall repay the principal of USD 100,000.00 on 5 May 2023; the lender's rights are reserved."
        ),
        None
    );
    // Too little text to judge.
    assert_eq!(bad("ĀāĂă"), None);
}

#[test]
fn non_embedded_core_fonts_read_glyph_ids_in_the_standard_order() {
    // Word through a PDF printer: Times New Roman not embedded, Identity-H, no ToUnicode, the
    // codes glyph ids. The core fonts' first 258 glyphs are in the standard Macintosh order
    // ("n" = 81, "é" = 112, "1" = 20, "," = 15), so the text reads; another font's glyph ids
    // say nothing and stay unmapped.
    let page = |base: &str| {
        let mut b = Builder::new();
        let font = b.identity_font(base);
        // "né 1,5" as glyph ids.
        b.page(
            b"BT /F1 12 Tf 72 700 Td <0051007000030014000F0018> Tj ET",
            fonts(&[("F1", font)]),
        );
        check_page(&b.finish())
    };
    for base in [
        "TimesNewRoman",
        "TimesNewRomanPS-BoldMT",
        "Arial,Bold",
        "ArialBlack,Bold",
        "CourierNewPSMT",
    ] {
        let p = page(base);
        assert_eq!(p.text, "né 1,5", "{base}: {:?}", p.warnings);
        assert!(!p.needs_ocr);
    }
    let p = page("SimSun");
    assert!(p.needs_ocr && p.text.trim().is_empty(), "{:?}", p.text);
}

#[test]
fn damaged_or_abbreviated_filters_still_give_the_text() {
    // A content stream under `/Filter /AHx` (an abbreviation lopdf refuses) with one hex digit
    // damaged: the page keeps its text, only the damaged byte differs.
    let hex = |s: &[u8]| -> Vec<u8> {
        s.iter()
            .flat_map(|b| format!("{b:02X} ").into_bytes())
            .collect()
    };
    let mut b = Builder::new();
    let f = b.helvetica();
    let mut content = hex(b"BT /F1 12 Tf 72 700 Td (Principal 150000.00) Tj ET");
    // The "0" of the "P" (hex 50) is overwritten by a stray byte; read as the digit 0 (as
    // poppler reads it), the bytes after it stay aligned and the text comes out whole.
    let at = content
        .windows(2)
        .position(|w| w == b"50")
        .expect("P is there");
    content[at + 1] = 0xF1;
    content.extend_from_slice(b">");
    let c = b
        .doc
        .add_object(Stream::new(dictionary! { "Filter" => "AHx" }, content));
    let page = b.doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => b.pages_id,
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        "Contents" => c, "Resources" => fonts(&[("F1", f)]),
    });
    b.kids.push(page.into());
    let p = check_page(&b.finish());
    assert_eq!(p.text, "Principal 150000.00", "{:?}", p.warnings);
}

#[test]
fn glyphs_without_any_unicode_mapping_need_ocr() {
    // An Identity-H CID font with no ToUnicode and no embedded program: nothing maps the
    // glyphs to characters, so most of the page's text is only in the drawing.
    let mut b = Builder::new();
    let font = b.identity_font("NoMap");
    let f = b.helvetica();
    b.page(
        b"BT /F2 12 Tf 72 700 Td <0011002200330044> Tj /F1 12 Tf (ok) Tj ET",
        fonts(&[("F1", f), ("F2", font)]),
    );
    let pdf = b.finish();
    let p = check_page(&pdf);
    assert!(p.needs_ocr, "{:?}", p.warnings);
    assert!(p.warnings.iter().any(|w| w.contains("no Unicode mapping")));
    assert!(p.scan.is_none(), "no image kept unless asked");
    // Asked to keep page images for OCR: there is none, so the page is rendered.
    let limits = ReadLimits {
        scan_pixels: 4_000_000,
        ..ReadLimits::default()
    };
    let doc = read_pdf_with(&pdf, &limits).expect("reads");
    let scan = doc.pages[0]
        .scan
        .as_ref()
        .expect("the page rendered for OCR");
    assert!(u64::from(scan.width) * u64::from(scan.height) <= 4_000_000);
    // One stray unmapped glyph among readable text is not a reason to OCR the page.
    let mut b = Builder::new();
    let f = b.helvetica();
    let font = b.identity_font("NoMap");
    b.page(
        b"BT /F1 12 Tf 72 700 Td (readable text) Tj /F2 12 Tf <0011> Tj ET",
        fonts(&[("F1", f), ("F2", font)]),
    );
    assert!(!check_page(&b.finish()).needs_ocr);
}

/// Runs `read_pdf` over every file of the shared corpus (when present): zero panics allowed.
/// Set FINCASE_CORPUS_DUMP=<dir> to also write each file's text there (for the poppler
/// comparison, done outside the test suite).
#[test]
fn corpus_never_panics() {
    let root = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/pdfcorpus"
    ));
    if !root.is_dir() {
        eprintln!("pdfcorpus absent: skipped");
        return;
    }
    let dump = std::env::var_os("FINCASE_CORPUS_DUMP").map(std::path::PathBuf::from);
    let mut files = Vec::new();
    for sub in ["pdfjs", "pdf-rs"] {
        if let Ok(rd) = std::fs::read_dir(root.join(sub)) {
            for e in rd.flatten() {
                let p = e.path();
                if p.extension().is_some_and(|x| x.eq_ignore_ascii_case("pdf")) {
                    files.push(p);
                }
            }
        }
    }
    files.sort();
    let (mut panics, mut internal, mut with_text, mut errors) = (0, 0, 0, 0);
    let mut slowest = (Duration::ZERO, String::new());
    let start = Instant::now();
    for p in &files {
        let Ok(bytes) = std::fs::read(p) else {
            continue;
        };
        let t = Instant::now();
        let r = catch_unwind(AssertUnwindSafe(|| read_pdf(&bytes)));
        let el = t.elapsed();
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if el > slowest.0 {
            slowest = (el, name.clone());
        }
        let text = match r {
            Err(_) => {
                panics += 1;
                eprintln!("PANIC: {name}");
                continue;
            }
            Ok(Err(e)) => {
                errors += 1;
                format!("#ERROR {}", e.code())
            }
            Ok(Ok(doc)) => {
                if doc
                    .pages
                    .iter()
                    .any(|p| p.warnings.iter().any(|w| w == INTERNAL_ERROR))
                {
                    internal += 1;
                    eprintln!("INTERNAL: {name}");
                }
                let j = doc.joined();
                if j.chars().any(|c| !c.is_whitespace()) {
                    with_text += 1;
                }
                j
            }
        };
        if let Some(d) = &dump {
            let sub = p
                .parent()
                .and_then(|x| x.file_name())
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let _ = std::fs::create_dir_all(d.join(&sub));
            let _ = std::fs::write(d.join(&sub).join(format!("{name}.txt")), text);
        }
    }
    eprintln!(
        "corpus: {} files, {with_text} with text, {errors} whole-file errors, {panics} panics, \
         {internal} internal page errors, {:.2?} total, slowest {:.2?} ({})",
        files.len(),
        start.elapsed(),
        slowest.0,
        slowest.1
    );
    assert_eq!(panics, 0);
    assert_eq!(internal, 0);
}

/// A Type 3 font whose glyph at each `(code, name)` is a filled square named `name`.
fn type3_font(b: &mut Builder, glyphs: &[(i64, &str)]) -> ObjectId {
    let proc_ = b
        .doc
        .add_object(Stream::new(dictionary! {}, b"0 0 500 500 re f".to_vec()));
    let first = glyphs.iter().map(|g| g.0).min().unwrap_or(0);
    let last = glyphs.iter().map(|g| g.0).max().unwrap_or(0);
    let mut differences = Vec::new();
    let mut procs = Dictionary::new();
    for (code, name) in glyphs {
        differences.push(Object::Integer(*code));
        differences.push(Object::Name(name.as_bytes().to_vec()));
        procs.set(*name, proc_);
    }
    b.doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type3",
        "FontMatrix" => vec![0.001.into(), 0.into(), 0.into(), 0.001.into(), 0.into(), 0.into()],
        "FontBBox" => vec![0.into(), 0.into(), 500.into(), 500.into()],
        "FirstChar" => first, "LastChar" => last,
        "Widths" => (first..=last).map(|_| Object::Integer(500)).collect::<Vec<_>>(),
        "Encoding" => dictionary! { "Type" => "Encoding", "Differences" => differences },
        "CharProcs" => procs,
        "Resources" => dictionary! {},
    })
}

#[test]
fn glyphs_named_after_their_own_code_read_as_that_code() {
    // A Type3 font whose glyphs are named "a" + code (no base encoding): the code is the
    // character (Latin-1), as poppler and pdf.js read it; a numbered name that is not its
    // own code ("g18" at 65) says nothing and falls back to the standard encoding.
    let mut b = Builder::new();
    let font = type3_font(
        &mut b,
        &[(65, "g18"), (199, "a199"), (224, "a224"), (233, "a233")],
    );
    b.page(
        b"BT /F1 12 Tf 72 700 Td (\\307a\\340\\351A) Tj ET",
        fonts(&[("F1", font)]),
    );
    // 'a' (97) is not in /Differences: the standard encoding's 'a'.
    assert_eq!(check_page(&b.finish()).text, "ÇaàéA");
}

#[test]
fn type3_names_outside_the_glyph_list_stand_for_their_code() {
    // Type 3 glyph names are the producer's labels: `triangle` (a pdf.js name the Adobe Glyph
    // List lacks), `square` and `box1` (no one's names) read as their codes, as poppler reads
    // them; `triagup` is the AGL's own name for ▲ and stays ▲.
    let mut b = Builder::new();
    let font = type3_font(
        &mut b,
        &[
            (97, "square"),
            (98, "triangle"),
            (99, "triagup"),
            (100, "box1"),
        ],
    );
    // The same names in a Type 1 font keep pdf.js's reading.
    let t1 = b.doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
        "Encoding" => dictionary! { "Type" => "Encoding", "Differences" => vec![
            98.into(), Object::Name(b"triangle".to_vec()),
        ] },
    });
    b.page(
        b"BT /F1 12 Tf 72 700 Td (abcd) Tj ET BT /F2 12 Tf 72 600 Td (b) Tj ET",
        fonts(&[("F1", font), ("F2", t1)]),
    );
    let text = check_page(&b.finish()).text;
    assert_eq!(text.lines().collect::<Vec<_>>(), ["ab▲d", "△"], "{text}");
}

#[test]
fn ascii_of_an_rksj_cmap_takes_the_half_width_cids() {
    // 90ms-RKSJ-H gives ASCII the half-width CIDs 231–325, not the proportional 1–95: with
    // /W covering only those, "B" starts half an em after "A".
    let mut b = Builder::new();
    let cid = b.doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "CIDFontType0", "BaseFont" => "Ryumin-Light",
        "CIDSystemInfo" => dictionary! { "Registry" => Object::string_literal("Adobe"), "Ordering" => Object::string_literal("Japan1"), "Supplement" => 2 },
        "DW" => 1000, "W" => vec![231.into(), 325.into(), 500.into()],
    });
    let font = b.doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "Ryumin-Light-90ms-RKSJ-H",
        "Encoding" => "90ms-RKSJ-H", "DescendantFonts" => vec![cid.into()],
    });
    b.page(
        b"BT /F1 12 Tf 72 700 Td <414293FA> Tj ET",
        fonts(&[("F1", font)]),
    );
    let p = check_page(&b.finish());
    assert_eq!(p.text, "AB日");
    let starts: Vec<f32> = p.lines[0].chars.iter().map(|bx| bx[0]).collect();
    assert!((starts[1] - 78.0).abs() < 0.05, "{starts:?}");
    assert!((starts[2] - 84.0).abs() < 0.05, "{starts:?}");
    // The Unicode CMaps keep the proportional CIDs.
    assert_eq!(
        encoding::AsciiCids::of(b"UniJIS-UCS2-H").cid(b'A'),
        Some(34)
    );
    assert_eq!(encoding::AsciiCids::of(b"GBK-EUC-V").cid(b' '), Some(7716));
    assert_eq!(encoding::AsciiCids::of(b"GBK-EUC-H").cid(b'A'), Some(846));
}

#[test]
fn hong_kong_private_use_codes_of_unicns_read_as_their_hkscs_characters() {
    // A non-embedded MingLiU with UniCNS-UCS2-H: U+E687 is the HKSCS private-use slot of
    // Big5 0x93C7, which HKSCS maps to U+2555B; PUA codes HKSCS leaves alone stay as they are.
    let mut b = Builder::new();
    let cid = b.doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "CIDFontType2", "BaseFont" => "MingLiU",
        "CIDSystemInfo" => dictionary! { "Registry" => Object::string_literal("Adobe"), "Ordering" => Object::string_literal("CNS1"), "Supplement" => 5 },
        "DW" => 1000,
    });
    let font = b.doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "MingLiU",
        "Encoding" => "UniCNS-UCS2-H", "DescendantFonts" => vec![cid.into()],
    });
    b.page(
        b"BT /F1 12 Tf 72 700 Td <80E1E687> Tj ET",
        fonts(&[("F1", font)]),
    );
    assert_eq!(check_page(&b.finish()).text, "胡\u{2555B}");
    assert_eq!(encoding::hkscs_pua('\u{E687}'), Some('\u{2555B}'));
    assert_eq!(encoding::hkscs_pua('中'), None);
    assert_eq!(encoding::hkscs_pua('\u{F8FF}'), None);
}

#[test]
fn hidden_optional_content_is_not_drawn() {
    // Group A is on, B is off in the default configuration. Marked content, an OCMD with a
    // visibility expression, a Form XObject and an annotation each follow their group.
    let mut b = Builder::new();
    let f = b.helvetica();
    let group_a = b
        .doc
        .add_object(dictionary! { "Type" => "OCG", "Name" => Object::string_literal("A") });
    let group_b = b
        .doc
        .add_object(dictionary! { "Type" => "OCG", "Name" => Object::string_literal("B") });
    let not_b = b.doc.add_object(dictionary! {
        "Type" => "OCMD",
        "VE" => vec![Object::Name(b"Not".to_vec()), group_b.into()],
    });
    let all_on = b.doc.add_object(dictionary! {
        "Type" => "OCMD", "OCGs" => vec![group_a.into(), group_b.into()], "P" => "AllOn",
    });
    let form = b.doc.add_object(Stream::new(
        dictionary! {
            "Type" => "XObject", "Subtype" => "Form", "OC" => group_b,
            "BBox" => vec![0.into(), 0.into(), 200.into(), 50.into()],
            "Resources" => fonts(&[("F1", f)]),
        },
        b"BT /F1 12 Tf 0 0 Td (formB) Tj ET".to_vec(),
    ));
    let mut res = fonts(&[("F1", f)]);
    res.set("XObject", dictionary! { "Fm" => form });
    res.set(
        "Properties",
        dictionary! { "a" => group_a, "b" => group_b, "nb" => not_b, "all" => all_on },
    );
    let page = b.page(
        b"BT /F1 12 Tf 72 700 Td (shown) Tj ET \
          /OC /a BDC BT /F1 12 Tf 72 680 Td (layerA) Tj ET EMC \
          /OC /b BDC BT /F1 12 Tf 72 660 Td (layerB) Tj ET \
            /Span <</MCID 0>> BDC BT /F1 12 Tf 72 640 Td (nested) Tj ET EMC EMC \
          /OC /nb BDC BT /F1 12 Tf 72 620 Td (notB) Tj ET EMC \
          /OC /all BDC BT /F1 12 Tf 72 600 Td (allOn) Tj ET EMC \
          q 1 0 0 1 72 580 cm /Fm Do Q \
          BT /F1 12 Tf 72 560 Td (after) Tj ET",
        res,
    );
    let ap = b.doc.add_object(Stream::new(
        dictionary! {
            "Type" => "XObject", "Subtype" => "Form",
            "BBox" => vec![0.into(), 0.into(), 100.into(), 20.into()],
            "Resources" => fonts(&[("F1", f)]),
        },
        b"BT /F1 10 Tf 2 5 Td (stampB) Tj ET".to_vec(),
    ));
    let annot = b.doc.add_object(dictionary! {
        "Type" => "Annot", "Subtype" => "Stamp", "F" => 4, "OC" => group_b,
        "Rect" => vec![72.into(), 500.into(), 172.into(), 520.into()],
        "AP" => dictionary! { "N" => ap },
    });
    if let Ok(Object::Dictionary(d)) = b.doc.get_object_mut(page) {
        d.set("Annots", vec![annot.into()]);
    }
    let oc = dictionary! {
        "OCGs" => vec![group_a.into(), group_b.into()],
        "D" => dictionary! { "OFF" => vec![group_b.into()] },
    };
    let text = check_page(&b.finish_with(dictionary! { "OCProperties" => oc })).text;
    assert_eq!(text, "shown\nlayerA\nnotB\nafter");
}

#[test]
fn actual_text_replaces_the_glyphs_of_its_span() {
    // A soft hyphen given as ActualText over a drawn space (inline properties, UTF-16), a
    // ligature glyph replaced through a named property list, and a span that draws nothing.
    let mut b = Builder::new();
    let f = b.helvetica();
    let mut res = fonts(&[("F1", f)]);
    res.set(
        "Properties",
        dictionary! { "P0" => dictionary! { "ActualText" => Object::string_literal("fi") } },
    );
    b.page(
        b"BT /F1 12 Tf 72 700 Td (Mit) Tj \
          /Span <</ActualText <FEFF00AD>>> BDC ( ) Tj EMC (arbeit) Tj ET \
          BT /F1 12 Tf 72 680 Td /Span /P0 BDC (X) Tj EMC (nal) Tj ET \
          /Span <</ActualText (ghost)>> BDC EMC",
        res,
    );
    let p = check_page(&b.finish());
    assert_eq!(p.text, "Mit\u{AD}arbeit\nfinal");
}

#[test]
fn form_resources_fall_back_to_the_page_and_a_missing_font_is_read_with_a_warning() {
    // The form's own resources lack /F1: poppler looks it up in the page's. A font found
    // nowhere is read with StandardEncoding and a warning (as pdf.js and PDFium show it with a
    // substitute font), so text a reader of the page sees is not lost.
    let mut b = Builder::new();
    let f = b.helvetica();
    let form = b.doc.add_object(Stream::new(
        dictionary! {
            "Type" => "XObject", "Subtype" => "Form",
            "BBox" => vec![0.into(), 0.into(), 200.into(), 50.into()],
            "Resources" => dictionary! { "ProcSet" => vec![Object::Name(b"PDF".to_vec())] },
        },
        b"BT /F1 12 Tf 0 0 Td (inner) Tj ET".to_vec(),
    ));
    let mut res = fonts(&[("F1", f)]);
    res.set("XObject", dictionary! { "Fm" => form });
    b.page(
        b"BT /F1 12 Tf 72 700 Td (outer) Tj ET q 1 0 0 1 72 680 cm /Fm Do Q \
          BT /Gone 12 Tf 72 660 Td (lost) Tj /F1 12 Tf (kept) Tj ET",
        res,
    );
    let p = check_page(&b.finish());
    assert_eq!(p.text, "outer\ninner\nlostkept");
    assert!(p.warnings.iter().any(|w| w.contains("/Gone not found")));
}

#[test]
fn need_appearances_draws_the_mark_of_a_checked_box() {
    let mut b = Builder::new();
    let f = b.helvetica();
    let page = b.page(b"BT /F1 12 Tf 72 700 Td (Agree) Tj ET", fonts(&[("F1", f)]));
    let button = |b: &mut Builder, y: i64, state: &str, ff: i64, ca: Option<&str>| {
        let mut d = dictionary! {
            "Type" => "Annot", "Subtype" => "Widget", "FT" => "Btn", "F" => 4, "Ff" => ff,
            "Rect" => vec![50.into(), y.into(), 60.into(), (y + 10).into()],
            "AS" => Object::Name(state.as_bytes().to_vec()),
        };
        if let Some(ca) = ca {
            d.set("MK", dictionary! { "CA" => Object::string_literal(ca) });
        }
        b.doc.add_object(d)
    };
    let checked = button(&mut b, 650, "Yes", 0, None);
    let off = button(&mut b, 630, "Off", 0, None);
    let radio_plain = button(&mut b, 610, "r1", 1 << 15, None);
    let radio_star = button(&mut b, 590, "r2", 1 << 15, Some("H"));
    let push = button(&mut b, 570, "Yes", 1 << 16, None);
    let all: Vec<Object> = [checked, off, radio_plain, radio_star, push]
        .iter()
        .map(|&i| i.into())
        .collect();
    if let Ok(Object::Dictionary(d)) = b.doc.get_object_mut(page) {
        d.set("Annots", all.clone());
    }
    let form = dictionary! { "Fields" => all, "NeedAppearances" => true };
    let text = check_page(&b.finish_with(dictionary! { "AcroForm" => form })).text;
    assert_eq!(text, "Agree\n✓\n★");
}

#[test]
fn need_appearances_shows_the_value_of_a_combo_box() {
    let mut b = Builder::new();
    let f = b.helvetica();
    let page = b.page(
        b"BT /F1 12 Tf 72 700 Td (Colour:) Tj ET",
        fonts(&[("F1", f)]),
    );
    let choice = |b: &mut Builder, y: i64, ff: i64, v: Object| {
        b.doc.add_object(dictionary! {
            "Type" => "Annot", "Subtype" => "Widget", "FT" => "Ch", "F" => 4, "Ff" => ff,
            "Rect" => vec![150.into(), y.into(), 250.into(), (y + 14).into()],
            "V" => v, "DA" => Object::string_literal("/F1 11 Tf 0 g"),
            "Opt" => vec![Object::string_literal("Red"), Object::string_literal("Blue")],
        })
    };
    let combo = choice(&mut b, 650, 1 << 17, Object::string_literal("Red"));
    let multi = choice(
        &mut b,
        620,
        (1 << 17) | (1 << 18),
        vec![
            Object::string_literal("Blue"),
            Object::string_literal("Red"),
        ]
        .into(),
    );
    // A list box (not a combo) is left to its appearance stream.
    let list = choice(&mut b, 590, 0, Object::string_literal("Red"));
    let all: Vec<Object> = [combo, multi, list].iter().map(|&i| i.into()).collect();
    if let Ok(Object::Dictionary(d)) = b.doc.get_object_mut(page) {
        d.set("Annots", all.clone());
    }
    let form = dictionary! { "Fields" => all, "NeedAppearances" => true };
    let text = check_page(&b.finish_with(dictionary! { "AcroForm" => form })).text;
    assert_eq!(text, "Colour:\nRed\nBlue");
}

#[test]
fn tounicode_to_radicals_reads_as_ideographs() {
    // Ghostscript's pdfwrite (and other writers) put the radical code point of a shared glyph
    // into ToUnicode: ⼈ (U+2F08), ⺠ (U+2EA0), ⽇ (U+2F47) are read as 人民日.
    let mut b = Builder::new();
    let tu = b.doc.add_object(Stream::new(
        dictionary! {},
        b"1 begincodespacerange <0000> <FFFF> endcodespacerange
          4 beginbfchar <0001> <2F08> <0002> <2EA0> <0003> <2F47> <0004> <2F00> endbfchar"
            .to_vec(),
    ));
    let cid = b.doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "CIDFontType2", "BaseFont" => "ABCDEF+NotoSerifCJK",
        "CIDSystemInfo" => dictionary! { "Registry" => Object::string_literal("Adobe"), "Ordering" => Object::string_literal("Identity"), "Supplement" => 0 },
        "DW" => 1000,
    });
    let font = b.doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "ABCDEF+NotoSerifCJK",
        "Encoding" => "Identity-H", "DescendantFonts" => vec![cid.into()], "ToUnicode" => tu,
    });
    b.page(
        b"BT /F1 12 Tf 72 700 Td <0001000200030004> Tj ET",
        fonts(&[("F1", font)]),
    );
    let p = check_page(&b.finish());
    assert_eq!(p.text, "人民日一");
    assert_eq!(p.lines[0].chars.len(), 4, "one box per char");
}

/// Chinese whose GBK bytes came out as Latin-1 letters is not text (pdf.js `XiaoBiaoSong.pdf`
/// reads `Ä¿¡¡Â¼¹ØÓÚ…`); Latin-script pages with many accents, and Chinese, are.
#[test]
fn gbk_read_as_latin1_is_not_text() {
    let chinese = "目录　关于红军作战的原则问题，中国人民解放军第一次全国代表大会决议案";
    let (bytes, _, _) = encoding_rs::GBK.encode(chinese);
    let mojibake: String = bytes.iter().map(|b| char::from(*b)).collect();
    assert!(super::gbk_as_latin1(&mojibake), "{mojibake}");
    assert!(!super::gbk_as_latin1(chinese));
    let french = "Ça dépend: élève, été, à côté de la forêt; où est-ce qu'on achète des crêpes?";
    assert!(!super::gbk_as_latin1(french));
    // pdf.js `french_diacritics.pdf`: accented letters listed one by one.
    let diacritics = "à À â Â ä Ä ç Ç é É è È ê Ê ë Ë î Î ï Ï ô Ô ù Ù û Û ü Ü";
    assert!(!super::gbk_as_latin1(diacritics));
}

#[test]
fn a_page_needing_ocr_without_an_image_is_rendered_for_it() {
    // A page whose text is only in its drawing (no usable text layer, no image) is rendered
    // (hayro) so that OCR can read the drawing.
    let mut b = Builder::new();
    let f = b.helvetica();
    b.page(b"BT /F1 48 Tf 72 700 Td (HELLO) Tj ET", fonts(&[("F1", f)]));
    let pdf = b.finish();
    let img = crate::scan::render_page(&pdf, 0, 72.0, 10_000_000).expect("rendered");
    assert_eq!(img.format, crate::ScanFormat::Pgm);
    assert_eq!((img.width, img.height), (595, 842));
    let header = b"P5\n595 842\n255\n".len();
    let pixels = &img.bytes[header..];
    assert_eq!(pixels.len(), 595 * 842);
    let ink = pixels.iter().filter(|&&p| p < 128).count();
    assert!(ink > 500, "the word is drawn: {ink} dark pixels");
    assert!(pixels[0] > 250, "white paper");
    // The image covers the page: its top-left pixel is the page's top-left corner.
    assert_eq!(img.pixel_box(0.0, 0.0, 1.0, 1.0), [0.0, 841.0, 1.0, 842.0]);
    // Bounded: a pixel budget lowers the resolution.
    let small = crate::scan::render_page(&pdf, 0, 300.0, 100_000).expect("rendered");
    assert!(u64::from(small.width) * u64::from(small.height) <= 100_000);
    // A page that is not there is an error, not a panic.
    assert!(crate::scan::render_page(&pdf, 5, 72.0, 10_000_000).is_err());
    assert!(crate::scan::render_page(b"not a pdf", 0, 72.0, 10_000_000).is_err());
}
