#!/usr/bin/env python3
"""Text-to-PDF report writers for scripts/more_producers.sh (see there for the whole check).

    more_producers.py PRODUCER SRC_DIR OUT_DIR [FONT]

Lays out every SRC_DIR/<id>.txt of scripts/producers.sh's `prepare` step line by line, the way
a Java/Python/PHP report writer prints a filing, into OUT_DIR/<id>.pdf: A4, 12 pt, a new page at
each form feed (and when a page is full), long lines wrapped at the right margin (any CJK
character may break), the tab-separated cells of a table block at tab stops computed from the
widest cell of each column. PRODUCER is one of

    reportlab-cid  ReportLab canvas, the non-embedded CID font STSong-Light (Adobe-GB1,
                   UniGB-UCS2-H): 2-byte codes, no font file and no ToUnicode in the PDF
    reportlab-ttf  ReportLab canvas, an embedded TrueType subset (FONT, a .ttf or a .ttc with
                   TrueType outlines; ReportLab cannot load CFF .otf/.ttc): one-byte subset
                   fonts of 256 glyphs each with a ToUnicode CMap
    fpdf2          fpdf2, an embedded TrueType subset (FONT) as Type0/Identity-H + ToUnicode
    html:weasyprint  WeasyPrint of SRC_DIR/<id>.html instead of the .txt (pip weasyprint)

    more_producers.py sign:pyhanko PDF_DIR OUT_DIR KEY.pem CERT.pem [FONT]

signs every PDF_DIR/<id>.pdf as an e-signature tool does: an incremental update (a new
xref section with /Prev after the original %%EOF) adding a visible signature field on the last
page whose appearance stamp says 电子签章 in FONT (embedded subset; default Noto Sans CJK) and a
PKCS#7 signature (a self-signed, fictitious certificate).

    more_producers.py strip:tounicode PDF_DIR OUT_DIR

copies every PDF_DIR/<id>.pdf without the fonts' /ToUnicode CMaps (pikepdf), as old
generators and some optimisers write them: the text is then recoverable only from the embedded
font (a TrueType cmap, glyph names) or not at all (the reader should say so: needs OCR).

Needs `pip install reportlab fpdf2 weasyprint 'pyHanko[opentype]' pikepdf` (only the one used).
"""
import glob
import os
import sys

PAGE_W, PAGE_H = 595.28, 841.89  # A4 in points
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 62.0, 70.0, 70.0
SIZE, LEADING = 12.0, 19.0
CELL_GAP = 18.0


def pages_of(text):
    """Splits the source text at form feeds into pages of lines."""
    return [p.strip("\n").split("\n") for p in text.split("\f")]


def wrap(line, width, measure):
    """Breaks `line` into pieces no wider than `width` (character by character, as CJK allows)."""
    out, cur = [], ""
    for ch in line:
        if cur and measure(cur + ch) > width:
            out.append(cur)
            cur = ch
        else:
            cur += ch
    out.append(cur)
    return out


def layout(text, measure):
    """Yields ('page',) and ('text', x, y_from_top, string) in reading order."""
    avail = PAGE_W - 2 * MARGIN_X
    for page in pages_of(text):
        yield ("page",)
        y = MARGIN_TOP
        i = 0
        while i < len(page):
            if "\t" in page[i]:
                # a table block: consecutive lines with tabs; columns at the widest cell + gap
                j = i
                while j < len(page) and "\t" in page[j]:
                    j += 1
                rows = [r.split("\t") for r in page[i:j]]
                ncol = max(len(r) for r in rows)
                widths = [0.0] * ncol
                for r in rows:
                    for k, c in enumerate(r):
                        widths[k] = max(widths[k], measure(c))
                for r in rows:
                    if y > PAGE_H - MARGIN_BOTTOM:
                        yield ("page",)
                        y = MARGIN_TOP
                    x = MARGIN_X
                    for k, c in enumerate(r):
                        if c:
                            yield ("text", x, y, c)
                        x += widths[k] + CELL_GAP
                    y += LEADING
                i = j
                continue
            for piece in wrap(page[i], avail, measure):
                if y > PAGE_H - MARGIN_BOTTOM:
                    yield ("page",)
                    y = MARGIN_TOP
                if piece:
                    yield ("text", MARGIN_X, y, piece)
                y += LEADING
            i += 1


def reportlab(src, out, font_path=None):
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfgen import canvas

    if font_path is None:
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont

        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
        name = "STSong-Light"
    else:
        from reportlab.pdfbase.ttfonts import TTFont

        name = "CJK"
        pdfmetrics.registerFont(TTFont(name, font_path, subfontIndex=0))

    def measure(s):
        return pdfmetrics.stringWidth(s, name, SIZE)

    for txt in sorted(glob.glob(os.path.join(src, "*.txt"))):
        ident = os.path.basename(txt)[:-4]
        text = open(txt, encoding="utf-8").read()
        c = canvas.Canvas(os.path.join(out, ident + ".pdf"), pagesize=(PAGE_W, PAGE_H))
        c.setTitle(ident)
        started = False
        for op in layout(text, measure):
            if op[0] == "page":
                if started:
                    c.showPage()
                started = True
                c.setFont(name, SIZE)
            else:
                _, x, y, s = op
                c.setFont(name, SIZE)
                c.drawString(x, PAGE_H - y - SIZE, s)
        c.showPage()
        c.save()


def fpdf2(src, out, font_path):
    import logging

    from fpdf import FPDF

    # fontTools' subsetter notes each bitmap table it drops (WenQuanYi has EBDT/BDF): quiet.
    logging.getLogger("fontTools.subset").setLevel(logging.ERROR)

    for txt in sorted(glob.glob(os.path.join(src, "*.txt"))):
        ident = os.path.basename(txt)[:-4]
        text = open(txt, encoding="utf-8").read()
        pdf = FPDF(unit="pt", format="A4")
        pdf.set_auto_page_break(False)
        pdf.add_font("CJK", "", font_path)
        pdf.set_font("CJK", size=SIZE)
        for op in layout(text, pdf.get_string_width):
            if op[0] == "page":
                pdf.add_page()
                pdf.set_font("CJK", size=SIZE)
            else:
                _, x, y, s = op
                pdf.text(x, y + SIZE, s)
        pdf.output(os.path.join(out, ident + ".pdf"))


def weasyprint(src, out):
    import weasyprint as wp

    for html in sorted(glob.glob(os.path.join(src, "*.html"))):
        ident = os.path.basename(html)[:-5]
        wp.HTML(filename=html).write_pdf(os.path.join(out, ident + ".pdf"))


def pyhanko_sign(src, out, key, cert, font):
    from pyhanko import stamp
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.sign import fields, signers

    if font.endswith(".ttc"):  # pyHanko loads one face: write the SC face out once
        from fontTools.ttLib import TTCollection

        face = os.path.join(os.path.dirname(os.path.abspath(out)), ".stamp-font.otf")
        if not os.path.exists(face):
            for f in TTCollection(font).fonts:
                if " SC" in f["name"].getDebugName(1):
                    f.save(face)
                    break
        font = face
    signer = signers.SimpleSigner.load(key, cert)
    style = stamp.TextStampStyle(
        stamp_text="电子签章\n%(signer)s\n%(ts)s",
        text_box_style=TextBoxStyle(font=GlyphAccumulatorFactory(font)),
    )
    for pdf in sorted(glob.glob(os.path.join(src, "*.pdf"))):
        ident = os.path.basename(pdf)[:-4]
        with open(pdf, "rb") as inf:
            pages = len(PdfFileReader(inf).root["/Pages"]["/Kids"])
            inf.seek(0)
            w = IncrementalPdfFileWriter(inf, strict=False)
            meta = signers.PdfSignatureMetadata(field_name="Seal")
            spec = fields.SigFieldSpec("Seal", on_page=pages - 1, box=(360, 60, 540, 140))
            pdf_signer = signers.PdfSigner(meta, signer=signer, stamp_style=style,
                                           new_field_spec=spec)
            with open(os.path.join(out, ident + ".pdf"), "wb") as outf:
                pdf_signer.sign_pdf(w, output=outf)


def strip_tounicode(src, out):
    import pikepdf

    for path in sorted(glob.glob(os.path.join(src, "*.pdf"))):
        with pikepdf.open(path) as pdf:
            for obj in pdf.objects:
                if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/Font":
                    if "/ToUnicode" in obj:
                        del obj["/ToUnicode"]
            pdf.save(os.path.join(out, os.path.basename(path)))


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    producer, src, out = argv[0], argv[1], argv[2]
    font = argv[3] if len(argv) > 3 else None
    os.makedirs(out, exist_ok=True)
    if producer == "reportlab-cid":
        reportlab(src, out)
    elif producer == "reportlab-ttf":
        reportlab(src, out, font)
    elif producer == "fpdf2":
        fpdf2(src, out, font)
    elif producer == "html:weasyprint":
        weasyprint(src, out)
    elif producer == "strip:tounicode":
        strip_tounicode(src, out)
    elif producer == "sign:pyhanko":
        noto = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
        pyhanko_sign(src, out, argv[3], argv[4], argv[5] if len(argv) > 5 else noto)
    else:
        sys.exit(f"unknown producer {producer!r}\n{__doc__}")


if __name__ == "__main__":
    main(sys.argv[1:])
