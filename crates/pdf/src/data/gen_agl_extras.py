#!/usr/bin/env python3
"""Writes agl_extras.txt: the glyph names that lopdf's name table maps to a character but the
Adobe Glyph List (glyphlist.txt, the table poppler and xpdf use) does not.

lopdf's table is pdf.js's: the AGL plus TeX and Unicode-style names (`triangle`, `square`,
`angbracketleft`). In a Type 3 font, whose glyph names are the producer's own labels, poppler
reads a name outside the AGL as the character code itself; `ingest::encoding` uses this list to
do the same.

Usage: python3 gen_agl_extras.py GLYPHLIST_TXT LOPDF_GLYPHNAMES_RS > agl_extras.txt
(glyphlist.txt ships in the read-fonts crate's data/ folder, glyphnames.rs in lopdf's
src/encodings/, both in ~/.cargo/registry/src after a build.)
"""
import re
import sys

agl = {
    line.split(";")[0]
    for line in open(sys.argv[1], encoding="utf-8")
    if line.strip() and not line.startswith("#")
}
lopdf = set()
for m in re.finditer(r"0x[0-9a-fA-F]+ = \[([^\]]*)\];", open(sys.argv[2], encoding="utf-8").read()):
    lopdf.update(n.strip() for n in m.group(1).split(","))
for name in sorted(lopdf - agl):
    print(name)
