#!/usr/bin/env python3
"""Regenerates the CID -> Unicode tables `<Ordering>.cidu` in this folder.

Source: Adobe's CID -> UCS-2 CMaps `Adobe-<Ordering>-UCS2` (BSD-3-Clause, Adobe), as shipped by
Debian's `poppler-data` package under /usr/share/poppler/cMap/ (`apt-get install poppler-data`).
Only CIDs that map to one Unicode code point are kept.

Format (read by `encoding::Collection`): records sorted by CID, each three LEB128 varints:
  cid_gap   = first CID of the run - (last CID of the previous run + 1)
  uni_delta = zigzag(first code point - last code point of the previous run)
  run       = how many further CIDs follow, each mapping to the next code point
"""
import re

def parse(path):
    txt = open(path, encoding="latin-1").read()
    m = {}

    def dst(h):
        units = [int(h[i:i + 4], 16) for i in range(0, len(h), 4)]
        return b"".join(u.to_bytes(2, "big") for u in units).decode("utf-16-be", "replace")

    for blk in re.findall(r"beginbfchar(.*?)endbfchar", txt, re.S):
        for a, b in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", blk):
            m[int(a, 16)] = dst(b)
    for blk in re.findall(r"beginbfrange(.*?)endbfrange", txt, re.S):
        for a, b, c in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", blk):
            lo, hi, s = int(a, 16), int(b, 16), dst(c)
            for k in range(hi - lo + 1):
                m[lo + k] = s[:-1] + chr(ord(s[-1]) + k)
    return {cid: ord(s) for cid, s in m.items() if len(s) == 1 and s != "\ufffd" and cid > 0}

def varint(v, b):
    while True:
        x, v = v & 0x7F, v >> 7
        if v:
            b.append(x | 0x80)
        else:
            b.append(x)
            return

def encode(m):
    b, items, i, pc, pu = bytearray(), sorted(m.items()), 0, -1, 0
    while i < len(items):
        c, u = items[i]
        run = 0
        while i + run + 1 < len(items) and items[i + run + 1] == (c + run + 1, u + run + 1):
            run += 1
        d = u - pu
        varint(c - pc - 1, b)
        varint((-d << 1) - 1 if d < 0 else d << 1, b)
        varint(run, b)
        pc, pu, i = c + run, u + run, i + run + 1
    return bytes(b)

if __name__ == "__main__":
    import os
    here = os.path.dirname(os.path.abspath(__file__))
    for reg, name in [("Adobe-GB1", "GB1"), ("Adobe-CNS1", "CNS1"),
                      ("Adobe-Japan1", "Japan1"), ("Adobe-Korea1", "Korea1")]:
        m = parse(f"/usr/share/poppler/cMap/{reg}/{reg}-UCS2")
        e = encode(m)
        open(os.path.join(here, f"{name}.cidu"), "wb").write(e)
        print(name, len(m), "CIDs,", len(e), "bytes")
