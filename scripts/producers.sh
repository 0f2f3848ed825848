#!/usr/bin/env bash
# Other producers' PDFs: prints generated fictitious complaints to PDF with the programs bank
# filings come from and measures the reader on them (issue #3/#4: "made by other producers").
#
#   scripts/producers.sh [OUT] [COUNT] [SEED] [FAMILIES]
#   defaults: OUT=target/producers COUNT=20 SEED=9 FAMILIES="standard prose counsel key_value"
#
# Steps:
#  1. `cargo run --release --example producers -- prepare` writes OUT/src/<id>.{txt,html,gold.json}
#     (source text, the same as HTML with Noto CJK and tables, gold) for each family.
#  2. Each producer that is installed prints them to OUT/<producer>/<id>.pdf (absent ones are
#     skipped with a note; this script installs nothing):
#       chromium    `chromium --headless --print-to-pdf` of the .html (Skia/PDF; Noto CJK as Type 3 fonts + ToUnicode)
#       libreoffice `soffice --headless --convert-to pdf` of the .html (Writer/Web)
#       libreoffice-txt  `soffice --convert-to pdf` of the .txt (Writer text import)
#       paps        `paps --format=pdf` of the .txt (cairo; paps >= 0.7 only, see below)
#       ghostscript `gs -sDEVICE=pdfwrite` re-distilling LibreOffice's PDFs (gs-chromium: chromium's)
#  3. `cargo run --release --example producers -- measure` reads each PDF with fincase and
#     with `pdftotext -raw` and prints per producer the agreement (median / min) of fincase
#     with the source text, of pdftotext with the source, and of fincase with pdftotext
#     (whitespace removed, NFKC-folded; OUT/measure.jsonl has one line per file).
#  4. `fincase eval extract --gold OUT/<producer>` (gold files copied beside the PDFs) scores
#     extraction per field against the gold, for each producer (OUT/<producer>.eval.txt).
# Needs: cargo; optional chromium, soffice, paps, gs, pdftotext; fonts-noto-cjk for CJK.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-target/producers}
COUNT=${2:-20}
SEED=${3:-9}
FAMILIES=${4:-standard prose counsel key_value}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

cargo build --release --quiet --bin fincase --example producers
EX=target/release/examples/producers
FC=target/release/fincase

rm -rf "$OUT/src"
fam_args=()
for f in $FAMILIES; do fam_args+=(--family "$f"); done
"$EX" prepare --out "$OUT/src" --seed "$SEED" --count "$COUNT" "${fam_args[@]}"

producers=()
have() { command -v "$1" >/dev/null 2>&1; }
fresh() { rm -rf "${OUT:?}/$1"; mkdir -p "$OUT/$1"; producers+=("$1"); }

if have chromium; then
  fresh chromium
  for h in "$OUT"/src/*.html; do
    id=$(basename "$h" .html)
    timeout 60 chromium --headless --no-sandbox --disable-gpu --no-pdf-header-footer \
      --print-to-pdf="$OUT/chromium/$id.pdf" "file://$h" >/dev/null 2>&1 \
      || echo "chromium failed on $id"
  done
else echo "skip chromium: not installed"; fi

if have soffice; then
  fresh libreoffice
  # One call converts all files (a start of soffice costs seconds); own profile dir.
  timeout 600 soffice -env:UserInstallation="file://$OUT/.lo-profile" --headless \
    --convert-to pdf:writer_web_pdf_Export --outdir "$OUT/libreoffice" "$OUT"/src/*.html \
    >/dev/null 2>&1 || echo "libreoffice failed"
else echo "skip libreoffice: soffice not installed"; fi

if have soffice; then
  fresh libreoffice-txt
  mkdir -p "$OUT/.txt-in"
  for t in "$OUT"/src/*.txt; do cp "$t" "$OUT/.txt-in/"; done
  timeout 600 soffice -env:UserInstallation="file://$OUT/.lo-profile" --headless \
    --infilter="Text (encoded):UTF8" --convert-to pdf:writer_pdf_Export \
    --outdir "$OUT/libreoffice-txt" "$OUT"/.txt-in/*.txt >/dev/null 2>&1 || echo "libreoffice (txt) failed"
  rm -rf "$OUT/.txt-in"
fi

# paps >= 0.7 writes PDF through cairo (real text); 0.6 (Debian 12) only PostScript with the
# glyphs drawn as outlines, no text layer: then it is skipped.
if have paps && paps --help 2>&1 | grep -q -- '--format'; then
  fresh paps
  for t in "$OUT"/src/*.txt; do
    id=$(basename "$t" .txt)
    paps --format=pdf --font="Noto Serif CJK SC 11" -o "$OUT/paps/$id.pdf" "$t" 2>/dev/null \
      || echo "paps failed on $id"
  done
else echo "skip paps: not installed or older than 0.7 (no --format=pdf; 0.6 draws outlines)"; fi

# Ghostscript re-distils the other producers' PDFs (gs -sDEVICE=pdfwrite rewrites fonts, CMaps
# and ToUnicode, as "optimised"/archived filings are): `ghostscript` from LibreOffice's PDFs
# (Type 1C fonts), `gs-chromium` from chromium's (Type 3 fonts).
distil() { # distil FROM TO
  if have gs && [ -d "$OUT/$1" ]; then
    fresh "$2"
    for p in "$OUT/$1"/*.pdf; do
      id=$(basename "$p" .pdf)
      timeout 120 gs -q -dNOPAUSE -dBATCH -dSAFER -sDEVICE=pdfwrite \
        -o "$OUT/$2/$id.pdf" "$p" >/dev/null 2>&1 || echo "ghostscript failed on $1/$id"
    done
  else echo "skip $2: gs or the $1 PDFs missing"; fi
}
distil libreoffice ghostscript
distil chromium gs-chromium

[ ${#producers[@]} -gt 0 ] || { echo "no producer installed; nothing measured"; exit 0; }
dirs=()
for p in "${producers[@]}"; do
  cp "$OUT"/src/*.gold.json "$OUT/$p/"
  dirs+=("$OUT/$p")
done
echo "== text: agreement with the source text and with pdftotext -raw"
"$EX" measure --src "$OUT/src" --jsonl "$OUT/measure.jsonl" "${dirs[@]}"
echo "== extraction against the gold (fincase eval extract), per producer"
for p in "${producers[@]}"; do
  "$FC" eval extract --gold "$OUT/$p" --misses 3 > "$OUT/$p.eval.txt" 2>&1 || true
  echo "-- $p ($OUT/$p.eval.txt)"
  head -n 40 "$OUT/$p.eval.txt"
done
