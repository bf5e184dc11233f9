"""Shows with real PyTorch that paramlint's safe fixes repair the bugs.

Usage: fix_oracle.py FIXTURE DIAGNOSTICS_JSON GRAPH_JSON OUT_DIR

Applies every safe fix of DIAGNOSTICS_JSON (from `paramlint check
--output-format json FIXTURE`) to a copy of FIXTURE written under OUT_DIR
(a project directory is copied whole), then executes the copy:

- it must run to completion (statements of diagnostics that have no fix are
  replaced by `pass` first: they are not this oracle's business);
- no torch.nn module of any model built may hold a stray norm name (a
  `scale`/`gamma`/... parameter or plain attribute next to its real
  `weight`/`bias`);
- each fixed PL101 write must land in a real parameter: the write's target
  now exists, and where the graph names the source tensor, holds it;
- each fixed PL104 write must hold the tensor of its own role.

Prints one line per fixed diagnostic and `checked N fix(es), M failure(s)`;
exits 1 on any failure. A fixture with no safe fix checks nothing and
exits 0 (the caller decides whether that is expected).
"""
import os
import re
import shutil
import sys

# Neither the oracles nor the fixtures they import may leave .pyc files
# in the source tree.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch  # noqa: E402

from bug_oracle import (  # noqa: E402
    bind_source_keys,
    check_pl104,
    row_of,
    statement_range,
    walk_modules,
    walk_source,
    where,
)
from oracle_common import (  # noqa: E402
    LOCALS_KEY,
    SCALE_ALIASES,
    SHIFT_ALIASES,
    Graph,
    fail_usage,
    fixture_lines_in_traceback,
    instances_of,
    load_json,
    loader_scope,
    real,
    replace_lines,
    role_of_name,
    run_source,
    same_file,
    same_values,
)

NATIVE_NAMES = ("weight", "bias")


def safe_edits(diag):
    fix = diag.get("fix") or {}
    if fix.get("applicability") != "safe":
        return []
    return fix.get("edits", [])


def offset_of(line_starts, location):
    return line_starts[location["row"] - 1] + location["column"] - 1


def apply_edits(source, edits):
    """The source with the edits applied (identical edits count once);
    raises ValueError on overlapping or multi-line edits, which would make
    the rows of other diagnostics meaningless."""
    starts = [0]
    for line in source.split("\n"):
        starts.append(starts[-1] + len(line) + 1)
    spans = {}
    for e in edits:
        if "\n" in e.get("content", ""):
            raise ValueError(f"edit inserts a line break: {e}")
        span = (offset_of(starts, e["location"]), offset_of(starts, e["end_location"]))
        if spans.get(span, e["content"]) != e["content"]:
            raise ValueError(f"two fixes rewrite {e['location']} differently")
        spans[span] = e["content"]
    ordered = sorted(spans.items())
    for (a, b), (c, _) in zip(ordered, ordered[1:]):
        if a[1] > c[0]:
            raise ValueError(f"overlapping edits at offsets {a} and {c}")
    for (begin, end), content in reversed(ordered):
        source = source[:begin] + content + source[end:]
    return source


def stray_norm_names(modules):
    """`Class.name` for each alias name a torch.nn module holds besides its
    own weight/bias (what a misnamed plain write leaves behind)."""
    strays = []
    aliases = (set(SCALE_ALIASES) | set(SHIFT_ALIASES)) - set(NATIVE_NAMES)
    for root in modules:
        for path, m in root.named_modules():
            if not type(m).__module__.startswith("torch.nn"):
                continue
            for name in aliases:
                if name in m._parameters or name in m._buffers or name in vars(m):
                    strays.append(f"{path or '<root>'}.{name} on {type(m).__name__}")
    return strays


def fixed_path(use_path, edits_on_line, original_line, fixed_line):
    """The attribute path after a rename: the flagged segment replaced by the
    edit's content when the edit renamed exactly that segment."""
    segments = use_path.split(".")
    for e in edits_on_line:
        col = e["location"]["column"] - 1
        old = original_line[col : e["end_location"]["column"] - 1]
        if old in segments:
            segments[segments.index(old)] = e["content"]
    return ".".join(segments)


def check_pl101_fix(path, graph, diag, edits, original, fixed, ns):
    first, last = statement_range(original, row_of(diag))
    orig_lines, fixed_lines = original.split("\n"), fixed.split("\n")
    row = row_of(diag)
    uses = [(l, u) for l, u in graph.uses_in_lines(path, first, last) if u.get("key") is None]
    if not uses:
        return True, "fixed (the graph names no unresolved use to follow further)"
    notes = []
    for e in edits:
        old_name = orig_lines[e["location"]["row"] - 1][e["location"]["column"] - 1 : e["end_location"]["column"] - 1]
        if role_of_name(old_name) and role_of_name(e["content"]) != role_of_name(old_name):
            return False, f"the fix renames `{old_name}` ({role_of_name(old_name)}) to `{e['content']}`, a name of another role"
    for loader, use in uses:
        new_path = fixed_path(use["path"], [e for e in edits if e["location"]["row"] == row], orig_lines[row - 1], fixed_lines[row - 1])
        segments = new_path.split(".")
        for var, obj in instances_of(graph, ns, path, loader.get("model")):
            owners = walk_modules(obj, segments[:-1])
            if not owners:
                notes.append(f"`{var}`: `{new_path}` leads nowhere after the fix")
                continue
            missing = [type(o).__name__ for o in owners if segments[-1] not in o._parameters and segments[-1] not in o._buffers]
            if missing:
                notes.append(f"`{var}`: `{segments[-1]}` is still not a parameter of {missing[0]}")
                continue
            if use.get("kind") == "read":
                return True, f"`{var}`: reads `{new_path}`, a real parameter"
            scope = loader_scope(ns, loader)
            sources = [s for s in use.get("sources", []) if s.get("root") in scope and s.get("keys")]
            for src in sources:
                values = []
                try:
                    for i, o in enumerate(owners):
                        # owners come in index order, so owner i binds each `*` to i
                        bound = bind_source_keys(src["keys"], [i] * len(src["keys"]))
                        values.append((o, walk_source(scope, src["root"], bound)))
                except (KeyError, IndexError, TypeError, ValueError):
                    continue
                if all(same_values(getattr(o, segments[-1]), v) for o, v in values):
                    return True, f"`{var}`: {len(owners)} x `{new_path}` hold {src['root']}{src['keys']}"
            if not sources:
                return True, f"`{var}`: writes `{new_path}`, a real parameter (no source to compare)"
            notes.append(f"`{var}`: `{new_path}` does not hold any of the sources {use.get('sources')}")
    return False, "; ".join(notes) or "no instance of the loader's model was built"


def main(argv):
    if len(argv) != 5:
        fail_usage(__doc__)
    fixture, diags_path, graph_path, out_dir = argv[1:5]
    diagnostics = load_json(diags_path)
    graph = Graph(load_json(graph_path))

    # The copy keeps the fixture's file names so imports between its files work.
    if os.path.isdir(fixture):
        copy_root = os.path.join(out_dir, os.path.basename(os.path.normpath(fixture)))
        shutil.copytree(fixture, copy_root, dirs_exist_ok=True)
        files = {}
        for folder, _, names in os.walk(fixture):
            for n in names:
                if n.endswith(".py"):
                    original = os.path.join(folder, n)
                    files[real(original)] = os.path.join(copy_root, os.path.relpath(original, fixture))
    else:
        os.makedirs(out_dir, exist_ok=True)
        files = {real(fixture): os.path.join(out_dir, os.path.basename(fixture))}

    checked, failures = 0, 0
    for original_path, copy_path in sorted(files.items()):
        with open(original_path, encoding="utf-8") as f:
            original = f.read()
        mine = [d for d in diagnostics if same_file(d.get("filename", ""), original_path)]
        fixed_diags = [d for d in mine if safe_edits(d)]
        try:
            fixed = apply_edits(original, [e for d in fixed_diags for e in safe_edits(d)])
        except ValueError as e:
            print(f"FAIL {original_path}: {e}")
            failures += 1
            fixed = original
        with open(copy_path, "w", encoding="utf-8") as f:
            f.write(fixed)
        if not fixed_diags:
            continue

        runnable = fixed
        for d in mine:
            if not safe_edits(d) and d.get("code") in ("PL101", "PL104"):
                first, last = statement_range(original, row_of(d))
                runnable = replace_lines(runnable, first, last, "pass")
        # Run the copy where the original lives, so the graph's paths and
        # sibling imports still apply; the fixed text replaces the file's.
        run = run_source(original_path, runnable)
        if run.error is not None:
            lines = fixture_lines_in_traceback(run.traceback, original_path)
            at = lines[0] if lines else None
            culprits = [d for d in fixed_diags if at and statement_range(original, row_of(d))[0] <= at <= statement_range(original, row_of(d))[1]]
            for d in culprits or fixed_diags:
                print(f"FAIL {d.get('code')} {where(d)}: after the fix, line {at} raises {run.error!r}")
            checked += len(fixed_diags)
            failures += len(culprits or fixed_diags)
            continue
        ns = run.namespace
        models = [v for v in list(ns.values()) + list(ns.get(LOCALS_KEY, {}).values())
                  if isinstance(v, torch.nn.Module)]
        strays = stray_norm_names(models)
        if strays:
            failures += 1
            print(f"FAIL {original_path}: after the fixes, stray norm names remain: {strays}")
        for d in fixed_diags:
            checked += 1
            if d.get("code") == "PL101":
                ok, text = check_pl101_fix(original_path, graph, d, safe_edits(d), original, fixed, ns)
            elif d.get("code") == "PL104":
                ok, text = check_pl104(original_path, graph, d, ns, fixed=True)
            else:
                ok, text = True, "fixed; no oracle for this code beyond running cleanly"
            failures += 0 if ok else 1
            print(f"{'ok  ' if ok else 'FAIL'} {d.get('code')} {where(d)}: {text}")

    print(f"checked {checked} fix(es), {failures} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
