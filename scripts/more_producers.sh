#!/usr/bin/env bash
# More producers' PDFs (issue #3/#4: "made by other producers"), beside scripts/producers.sh:
# report writers in Python/JS, HTML engines other than chromium/LibreOffice, and PDF re-writers.
# Prints the same generated fictitious complaints (the src/ of a producers.sh run) and measures
# the reader on them the same way.
#
#   scripts/more_producers.sh [OUT] [SRC] [BASE]
#   defaults: OUT=target/producers-more SRC=OUT/src BASE=target/producers
#   SRC: a folder of `producers prepare` output (<id>.txt/.html/.gold.json); when it does not
#   exist it is prepared as producers.sh does (COUNT=20 SEED=9, the four families).
#   BASE: a producers.sh OUT whose libreoffice/ PDFs the re-writers (mutool, qpdf) start from.
#
# Producers (each one that is installed writes OUT/<producer>/<id>.pdf; absent ones are skipped
# with a note; this script installs nothing):
#   reportlab-cid   ReportLab canvas, .txt laid out line by line (scripts/more_producers.py:
#                   form feed = new page, wrapped lines, tab stops for table cells) in the
#                   NON-embedded CID font STSong-Light, UniGB-UCS2-H, no ToUnicode: the classic
#                   Java (iText "STSong-Light"/"UniGB-UCS2-H") and Python report-writer pattern
#   reportlab-ttf   ReportLab, embedded TrueType subset (WenQuanYi Zen Hei): simple one-byte
#                   TrueType subset fonts (256 glyphs each, WinAnsi + ToUnicode)
#   fpdf2           fpdf2 (the PHP FPDF/tFPDF family's Python port), embedded TrueType subset as
#                   Type0 / Identity-H / CIDFontType2 + ToUnicode
#   weasyprint      WeasyPrint of the .html: Noto CJK subset as CID Type 0C (OpenType CFF)
#   wkhtmltopdf     wkhtmltopdf (Qt WebKit) of the .html: Noto CJK as CID TrueType; its
#                   ToUnicode maps glyphs shared with radicals to the radical (户 → ⼾ U+2F3E,
#                   whose NFKC form is 戶; ingest::radicals folds it to 户)
#   pdfkit          PDFKit (node; the engine of pdfmake/JS report writers), .txt laid out like
#                   more_producers.py, Noto Sans CJK SC from the .ttc as CID Type 0C
#   mutool-clean    `mutool clean -gggg -z -s` of BASE/libreoffice (object GC, recompressed,
#                   content streams sanitised)
#   mutool-convert  `mutool convert` of BASE/libreoffice (MuPDF's PDF writer re-emits the fonts;
#                   MuPDF 1.21 writes a ToUnicode mapping glyph ids to themselves: no reader
#                   gets the text back, pdftotext neither)
#   qpdf            `qpdf --linearize --object-streams=generate` of BASE/libreoffice (xref
#                   streams, object streams, linearised)
#   pyhanko-sign    pyHanko signs BASE/libreoffice as e-signature tools do (more_producers.py
#                   sign:pyhanko): an incremental update with a visible signature widget on the
#                   last page, its appearance "电子签章 / signer / time" in an embedded Noto CJK
#                   subset, PKCS#7 with a fictitious self-signed certificate (openssl)
#   <p>-notu        for p in fpdf2 weasyprint wkhtmltopdf pdfkit reportlab-ttf: the same PDFs
#                   with every /ToUnicode removed (more_producers.py strip:tounicode, pikepdf),
#                   as old generators write them; fincase must fall back on the font's own
#                   cmap, or flag the page for OCR when the font has none (wkhtmltopdf, pdfkit)
# Then, as producers.sh: gold files copied beside the PDFs, `producers measure` (agreement of
# fincase and of `pdftotext -raw` with the source text; OUT/measure.jsonl) and
# `fincase eval extract` per producer (OUT/<producer>.eval.txt).
#
# Install (none of it is needed by fincase or CI):
#   pip install reportlab fpdf2 weasyprint 'pyHanko[opentype]' pikepdf
#   apt-get install fonts-wqy-zenhei wkhtmltopdf mupdf-tools qpdf fonts-noto-cjk poppler-utils openssl
#   npm install --prefix "$NPM_PREFIX" pdfkit   (NPM_PREFIX default: OUT/.npm; give it with the
#                                               env var NPM_PREFIX when installed elsewhere)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=${1:-target/producers-more}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
SRC=${2:-$OUT/src}
BASE=${3:-target/producers}
NPM_PREFIX=${NPM_PREFIX:-$OUT/.npm}

cargo build --release --quiet --bin fincase --example producers
EX=$ROOT/target/release/examples/producers
FC=$ROOT/target/release/fincase
PY=$ROOT/scripts/more_producers.py

if [ ! -d "$SRC" ]; then
  "$EX" prepare --out "$SRC" --seed 9 --count 20 \
    --family standard --family prose --family counsel --family key_value
fi
SRC=$(cd "$SRC" && pwd)

producers=()
have() { command -v "$1" >/dev/null 2>&1; }
pyhas() { python3 -c "import $1" >/dev/null 2>&1; }
fresh() { rm -rf "${OUT:?}/$1"; mkdir -p "$OUT/$1"; producers+=("$1"); }

if pyhas reportlab; then
  fresh reportlab-cid
  python3 "$PY" reportlab-cid "$SRC" "$OUT/reportlab-cid" || echo "reportlab-cid failed"
else echo "skip reportlab: pip install reportlab"; fi

# A CJK font with TrueType outlines (ReportLab and fpdf2 cannot embed CFF .otf/.ttc, such as
# Noto CJK); Droid Sans Fallback would do but has no Latin digits (they would be dropped).
TTF=/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc
if [ -f "$TTF" ]; then
  if pyhas reportlab; then
    fresh reportlab-ttf
    python3 "$PY" reportlab-ttf "$SRC" "$OUT/reportlab-ttf" "$TTF" || echo "reportlab-ttf failed"
  fi
  if pyhas fpdf; then
    fresh fpdf2
    python3 "$PY" fpdf2 "$SRC" "$OUT/fpdf2" "$TTF" || echo "fpdf2 failed"
  else echo "skip fpdf2: pip install fpdf2"; fi
else echo "skip reportlab-ttf, fpdf2: $TTF missing (apt-get install fonts-wqy-zenhei)"; fi

if pyhas weasyprint; then
  fresh weasyprint
  python3 "$PY" html:weasyprint "$SRC" "$OUT/weasyprint" 2>/dev/null || echo "weasyprint failed"
else echo "skip weasyprint: pip install weasyprint"; fi

if have wkhtmltopdf; then
  fresh wkhtmltopdf
  for h in "$SRC"/*.html; do
    id=$(basename "$h" .html)
    timeout 60 wkhtmltopdf -q --enable-local-file-access --encoding utf-8 "$h" \
      "$OUT/wkhtmltopdf/$id.pdf" >/dev/null 2>&1 || echo "wkhtmltopdf failed on $id"
  done
else echo "skip wkhtmltopdf: not installed"; fi

NOTO=/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
if have node && [ -d "$NPM_PREFIX/node_modules/pdfkit" ] && [ -f "$NOTO" ]; then
  fresh pdfkit
  cat > "$OUT/.pdfkit.js" <<'EOF'
// Lays out SRC/<id>.txt like more_producers.py (form feed = new page, wrap, tab stops).
const fs = require('fs'), path = require('path');
const PDFDocument = require('pdfkit');
const [src, out, font, face] = process.argv.slice(2);
const W = 595.28, H = 841.89, MX = 62, MT = 70, MB = 70, SIZE = 12, LEAD = 19, GAP = 18;
for (const f of fs.readdirSync(src).filter(f => f.endsWith('.txt')).sort()) {
  const id = f.slice(0, -4);
  const doc = new PDFDocument({size: 'A4', autoFirstPage: false, margin: 0});
  doc.pipe(fs.createWriteStream(path.join(out, id + '.pdf')));
  doc.registerFont('cjk', font, face);
  const m = s => { doc.font('cjk').fontSize(SIZE); return doc.widthOfString(s); };
  let y = 0;
  const page = () => { doc.addPage({size: 'A4', margin: 0}); doc.font('cjk').fontSize(SIZE); y = MT; };
  const put = (x, s) => { if (y > H - MB) page(); if (s) doc.text(s, x, y, {lineBreak: false}); };
  for (const p of fs.readFileSync(path.join(src, f), 'utf8').split('\f')) {
    page();
    const lines = p.replace(/^\n+|\n+$/g, '').split('\n');
    for (let i = 0; i < lines.length;) {
      if (lines[i].includes('\t')) {
        let j = i; while (j < lines.length && lines[j].includes('\t')) j++;
        const rows = lines.slice(i, j).map(r => r.split('\t'));
        const w = [];
        rows.forEach(r => r.forEach((c, k) => { w[k] = Math.max(w[k] || 0, m(c)); }));
        for (const r of rows) {
          if (y > H - MB) page();
          let x = MX;
          r.forEach((c, k) => { if (c) doc.text(c, x, y, {lineBreak: false}); x += w[k] + GAP; });
          y += LEAD;
        }
        i = j; continue;
      }
      let cur = '';
      for (const ch of lines[i]) {
        if (cur && m(cur + ch) > W - 2 * MX) { put(MX, cur); y += LEAD; cur = ch; } else cur += ch;
      }
      put(MX, cur); y += LEAD; i++;
    }
  }
  doc.end();
}
EOF
  NODE_PATH="$NPM_PREFIX/node_modules" node "$OUT/.pdfkit.js" "$SRC" "$OUT/pdfkit" "$NOTO" \
    NotoSansCJKsc-Regular || echo "pdfkit failed"
else echo "skip pdfkit: needs node, npm install --prefix $NPM_PREFIX pdfkit, and $NOTO"; fi

# Re-writers of LibreOffice's PDFs (BASE from a producers.sh run).
rewrite() { # rewrite NAME TOOL ARGS… (the input and output files are appended)
  local name=$1; shift
  if have "$1" && [ -d "$BASE/libreoffice" ]; then
    fresh "$name"
    for p in "$BASE"/libreoffice/*.pdf; do
      id=$(basename "$p" .pdf)
      timeout 60 "$@" "$p" "$OUT/$name/$id.pdf" >/dev/null 2>&1 || echo "$name failed on $id"
    done
  else echo "skip $name: $1 or $BASE/libreoffice missing"; fi
}
rewrite mutool-clean mutool clean -gggg -z -s
if have mutool; then
  rewrite mutool-convert sh -c 'mutool convert -o "$1" "$0"'
else echo "skip mutool-convert: mutool missing"; fi
rewrite qpdf qpdf --linearize --object-streams=generate

if pyhas pyhanko && pyhas uharfbuzz && have openssl && [ -d "$BASE/libreoffice" ]; then
  fresh pyhanko-sign
  if [ ! -f "$OUT/.sig/key.pem" ]; then
    mkdir -p "$OUT/.sig"
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=Fictitious Bank Seal" \
      -keyout "$OUT/.sig/key.pem" -out "$OUT/.sig/cert.pem" >/dev/null 2>&1
  fi
  python3 "$PY" sign:pyhanko "$BASE/libreoffice" "$OUT/pyhanko-sign" \
    "$OUT/.sig/key.pem" "$OUT/.sig/cert.pem" || echo "pyhanko-sign failed"
else echo "skip pyhanko-sign: needs pip 'pyHanko[opentype]', openssl and $BASE/libreoffice"; fi

if pyhas pikepdf; then
  for p in fpdf2 weasyprint wkhtmltopdf pdfkit reportlab-ttf; do
    [ -d "$OUT/$p" ] || continue
    fresh "$p-notu"
    python3 "$PY" strip:tounicode "$OUT/$p" "$OUT/$p-notu" || echo "$p-notu failed"
  done
else echo "skip *-notu: pip install pikepdf"; fi

[ ${#producers[@]} -gt 0 ] || { echo "no producer installed; nothing measured"; exit 0; }
dirs=()
for p in "${producers[@]}"; do
  cp "$SRC"/*.gold.json "$OUT/$p/"
  dirs+=("$OUT/$p")
done
echo "== text: agreement with the source text and with pdftotext -raw"
"$EX" measure --src "$SRC" --jsonl "$OUT/measure.jsonl" "${dirs[@]}"
echo "== extraction against the gold (fincase eval extract), per producer"
for p in "${producers[@]}"; do
  "$FC" eval extract --gold "$OUT/$p" --misses 3 > "$OUT/$p.eval.txt" 2>&1 || true
  echo "-- $p ($OUT/$p.eval.txt)"
  sed -n '1p;/^field /,/^$/p' "$OUT/$p.eval.txt" | awk 'NR<3 || ($2 != "100.0")'
done
