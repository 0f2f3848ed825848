#!/usr/bin/env bash
# What OCR does to a batch (issue 21): builds a batch of N generated filings in which every
# tenth filing is a scan (all its pages images at DPI, tilted and speckled), and the same batch
# all text; prints the command lines that process each, to be timed side by side in the same
# session (pairs of runs, so the ratio is robust to the shared machine's noise), and the
# number of scanned pages. Also prints the per-dpi OCR/field accuracy commands.
#
# Usage: benches/ocr_batch.sh [N] [DPI]      e.g. benches/ocr_batch.sh 200 300
# Env:   BIN (default target/release/fincase), WORK (default /tmp/fincase-ocr), SEED (5).
set -euo pipefail
N=${1:-200}
DPI=${2:-300}
BIN=${BIN:-target/release/fincase}
WORK=${WORK:-/tmp/fincase-ocr}
SEED=${SEED:-5}
rm -rf "$WORK"
mkdir -p "$WORK/text" "$WORK/scans" "$WORK/mixed"
"$BIN" fixtures --seed "$SEED" --count "$N" --out "$WORK/text" >/dev/null
"$BIN" fixtures --seed "$SEED" --count "$N" --out "$WORK/scans" --scan-dpi "$DPI" >/dev/null
cp "$WORK"/text/* "$WORK/mixed/"
pages=0
for i in $(seq 0 10 $((N - 1))); do
  id=$(printf 'f%s-%05d' "$SEED" "$i")
  cp "$WORK/scans/$id.pdf" "$WORK/mixed/$id.pdf"
  pages=$((pages + $(pdfinfo "$WORK/scans/$id.pdf" 2>/dev/null | awk '/^Pages:/ {print $2}' || echo 0)))
done
echo "batch: $N filings, every tenth scanned at $DPI dpi ($pages scanned pages)"
echo "text:  $BIN process $WORK/text  --out $WORK/out-text  --index $WORK/index-text"
echo "mixed: $BIN process $WORK/mixed --out $WORK/out-mixed --index $WORK/index-mixed"
echo "accuracy: $BIN fixtures --seed 31337 --count 12 --out $WORK/dpi$DPI --scan-dpi $DPI && $BIN eval extract --gold $WORK/dpi$DPI"
