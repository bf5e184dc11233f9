#!/usr/bin/env python3
"""Writes docs/rules/PLxxx.md from the `///` comment of each rule's header.

The header comment is the one source of a rule's documentation (as in
clang-tidy); this script renders it. With --check it writes nothing and
exits 1 when a page is missing or differs (the tests run it that way).
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
SECTIONS = ["What it does", "Why is this bad?", "Example", "Fix safety"]


def rules():
    for header in sorted((ROOT / "checks").glob("*.h")):
        text = header.read_text(encoding="utf-8")
        info = re.search(r'CheckInfo Info\{"(PL\d{3})",\s*"([a-z0-9-]+)"', text)
        if not info:
            continue
        block = re.search(r"((?:^///.*\n)+)(?:class|struct) ", text, re.M)
        if not block:
            raise SystemExit(f"{header}: no /// comment before the rule's class")
        lines = [l[3:] for l in block.group(1).splitlines()]
        lines = [l[1:] if l.startswith(" ") else l for l in lines]
        yield info.group(1), info.group(2), header.relative_to(ROOT), lines


def render(code, name, header, lines):
    out = [f"# {code} {name}", "", f"<!-- Generated from {header} by scripts/rule-docs.py; edit the header. -->", ""]
    in_code = False
    for line in lines:
        is_code = line.startswith("    ")
        if is_code and not in_code:
            out += ["```python"]
            in_code = True
        elif not is_code and in_code:
            out += ["```", ""]
            in_code = False
        if is_code:
            out.append(line[4:])
        elif line.startswith("## "):
            out += ["", line, ""]
        else:
            out.append(line)
    if in_code:
        out.append("```")
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip() + "\n"


def main():
    check = "--check" in sys.argv
    bad = []
    for code, name, header, lines in rules():
        missing = [s for s in SECTIONS if f"## {s}" not in lines]
        if missing:
            bad.append(f"{header}: missing sections {missing}")
            continue
        page = ROOT / "docs" / "rules" / f"{code}.md"
        text = render(code, name, header, lines)
        if check:
            if not page.exists() or page.read_text(encoding="utf-8") != text:
                bad.append(f"{page.relative_to(ROOT)} is out of date: run scripts/rule-docs.py")
        else:
            page.write_text(text, encoding="utf-8")
    for b in bad:
        print(b, file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
