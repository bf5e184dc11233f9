#!/usr/bin/env python3
"""make_fix_seeds.py FIXTURES OUT: inputs for the fix fuzz target (the format
is in FixFuzz.cpp: flags, source, NUL, edits).

A fixture with a `.fixed.py` twin gets the edits that turn it into the twin
(the fixes the checks make, as byte edits); every Python fixture and notebook
also gets a few edits derived from its hash, in each flag combination that
makes sense (safe or unsafe fixes, in memory or written, or the checks' own
fixes).
"""
import difflib
import hashlib
import pathlib
import struct
import sys


def edit(begin, length, content, new_fix=True, unsafe=False):
    """One encoded edit replacing `length` bytes at `begin` by raw `content`."""
    op = (1 if new_fix else 0) | (2 if unsafe else 0) | (1 << 2)
    if length >= 8:
        op |= 16  # the span as given
    return struct.pack("<BHBB", op, begin & 0xFFFF, min(length, 255), len(content)) + content


def twin_edits(source, fixed):
    out = b""
    matcher = difflib.SequenceMatcher(None, source, fixed, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        content = fixed[j1:j2]
        # Long insertions are cut into pieces of at most 7 bytes, one fix.
        first = True
        while True:
            piece, content = content[:7], content[7:]
            out += edit(i1 if first else i2, (i2 - i1) if first else 0, piece, new_fix=first)
            first = False
            if not content:
                break
    return out


def main():
    fixtures, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    for path in sorted(fixtures.rglob("*")):
        if path.suffix not in (".py", ".ipynb") or path.name.endswith(".fixed.py"):
            continue
        source = path.read_bytes()
        if len(source) > 65535 or b"\0" in source:
            continue
        name = str(path.relative_to(fixtures)).replace("/", "_")
        notebook = 1 if path.suffix == ".ipynb" else 0
        digest = hashlib.sha256(source).digest()
        for flags in (0, 2, 6, 8, 10):
            (out / f"{name}.{flags}").write_bytes(
                bytes([flags | notebook]) + source + b"\0" + digest)
        twin = path.with_name(path.stem + ".fixed.py")
        if twin.exists():
            (out / f"{name}.twin").write_bytes(
                b"\2" + source + b"\0" + twin_edits(source, twin.read_bytes()))


if __name__ == "__main__":
    main()
