//! A generated filing as one HTML document for another producer to print (a browser, an
//! office suite): shared by `examples/producers.rs` and `tests/producers.rs`. Text lines become
//! paragraphs (a section's first line its heading), tab-separated lines a bordered table,
//! sections start a new page, and a scan is a grey PNG inlined as a data URL.

/// One section of a filing as printed: text lines (the first is its title), or a scan.
pub enum Section {
    Text(Vec<String>),
    Scan,
}

/// The sections as one HTML document for a browser or an office suite to print.
pub fn html(sections: &[Section]) -> String {
    let mut h = String::from(
        "<!doctype html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>起诉材料</title>\n\
         <style>@page{size:A4;margin:25mm 22mm}\
         body{font-family:\"Noto Serif CJK SC\",\"Noto Sans CJK SC\",serif;font-size:12pt;line-height:1.6}\
         h1{font-size:16pt;text-align:center;margin:0 0 8pt}p{margin:0;text-indent:2em}\
         table{border-collapse:collapse;margin:4pt 0}td{border:1px solid #000;padding:2pt 6pt}\
         .brk{break-before:page;page-break-before:always}</style></head><body>\n",
    );
    for (n, s) in sections.iter().enumerate() {
        let brk = if n == 0 { "" } else { " class=\"brk\"" };
        match s {
            Section::Scan => {
                h.push_str(&format!(
                    "<div{brk}><img alt=\"\" width=\"400\" height=\"560\" src=\"data:image/png;base64,{}\"></div>\n",
                    base64(&grey_png(200, 280))
                ));
            }
            Section::Text(lines) => {
                h.push_str(&format!("<div{brk}>\n"));
                let mut in_table = false;
                for (k, line) in lines.iter().enumerate() {
                    let is_row = line.contains('\t');
                    if in_table && !is_row {
                        h.push_str("</table>\n");
                        in_table = false;
                    }
                    if k == 0 {
                        h.push_str(&format!("<h1>{}</h1>\n", esc(line)));
                    } else if is_row {
                        if !in_table {
                            h.push_str("<table>\n");
                            in_table = true;
                        }
                        h.push_str("<tr>");
                        for cell in line.split('\t') {
                            h.push_str(&format!("<td>{}</td>", esc(cell)));
                        }
                        h.push_str("</tr>\n");
                    } else {
                        h.push_str(&format!("<p>{}</p>\n", esc(line)));
                    }
                }
                if in_table {
                    h.push_str("</table>\n");
                }
                h.push_str("</div>\n");
            }
        }
    }
    h.push_str("</body></html>\n");
    h
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A `w × h` 8-bit greyscale PNG with a noisy grey pattern (a stand-in scan), deflate "stored"
/// blocks so no compressor is needed.
fn grey_png(w: u32, h: u32) -> Vec<u8> {
    let mut raw = Vec::with_capacity(((w + 1) * h) as usize);
    for y in 0..h {
        raw.push(0u8); // filter: none
        for x in 0..w {
            raw.push((180 + ((x * 7 + y * 13) % 50)) as u8);
        }
    }
    let mut z = vec![0x78, 0x01];
    let chunks: Vec<&[u8]> = raw.chunks(65_535).collect();
    for (k, c) in chunks.iter().enumerate() {
        z.push(u8::from(k + 1 == chunks.len()));
        let len = c.len() as u16;
        z.extend_from_slice(&len.to_le_bytes());
        z.extend_from_slice(&(!len).to_le_bytes());
        z.extend_from_slice(c);
    }
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in &raw {
        a = (a + u32::from(byte)) % 65_521;
        b = (b + a) % 65_521;
    }
    z.extend_from_slice(&((b << 16) | a).to_be_bytes());
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 0, 0, 0, 0]);
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    for (kind, data) in [(b"IHDR", ihdr), (b"IDAT", z), (b"IEND", Vec::new())] {
        png.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut body = kind.to_vec();
        body.extend_from_slice(&data);
        png.extend_from_slice(&body);
        png.extend_from_slice(&crc32(&body).to_be_bytes());
    }
    png
}

fn crc32(data: &[u8]) -> u32 {
    let mut c = 0xFFFF_FFFFu32;
    for &byte in data {
        c ^= u32::from(byte);
        for _ in 0..8 {
            c = if c & 1 == 1 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
        }
    }
    !c
}

fn base64(data: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s = String::with_capacity(data.len().div_ceil(3) * 4);
    for c in data.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for k in 0..4 {
            if k <= c.len() {
                s.push(char::from(A[((n >> (18 - 6 * k)) & 63) as usize]));
            } else {
                s.push('=');
            }
        }
    }
    s
}
