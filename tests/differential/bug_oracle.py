"""Shows with real PyTorch that each bug paramlint reports in a fixture is real.

Usage: bug_oracle.py FIXTURE DIAGNOSTICS_JSON GRAPH_JSON

DIAGNOSTICS_JSON is `paramlint check --output-format json FIXTURE`, GRAPH_JSON
is `paramlint graph --format json FIXTURE`. For the diagnostics of the fixture:

- PL101: executing the fixture raises AttributeError at the flagged statement
  naming the flagged attribute (the statement is then replaced by `pass` and
  the fixture re-run, to reach the next one); or, for a silent write, after
  execution the bound instance holds the flagged name outside the predicted
  key space (an extra state-dict key or parameter, or a plain attribute).
- PL103: the fixture runs twice, once as is and once with the loader turned
  into a no-op: every never-loaded key is equal in both runs, every key the
  loader writes differs.
- PL104: after execution the written parameter equals the source tensor of
  the other role and differs from the same-role tensor next to it.

A notebook FIXTURE runs as one script of its code cells; its diagnostics are
mapped there through their `cell` (1-based among code cells) and cell-relative
row. Its graph is not used (graph lines are cell-relative without a cell), so
only the raising form of PL101 can be confirmed for notebooks.

Prints one line per diagnostic and `checked N diagnostic(s), M failure(s)`;
exits 1 on any failure or when nothing was checked.
"""
import os
import re
import sys

# Neither the oracles nor the fixtures they import may leave .pyc files
# in the source tree.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from oracle_common import (  # noqa: E402
    Graph,
    aliases_of,
    fail_usage,
    fixture_files,
    fixture_lines_in_traceback,
    notebook_to_script,
    instances_of,
    load_json,
    loader_scope,
    matches,
    neutralize_function,
    real,
    replace_lines,
    role_of_name,
    run_source,
    same_file,
    same_values,
    simple_statement_at,
    wildcard_bindings,
)

ORACLE_CODES = ("PL101", "PL103", "PL104")


def backticked(message):
    return re.findall(r"`([^`]+)`", message)


def row_of(diag):
    return (diag.get("location") or {}).get("row", -1)


def where(diag):
    if "origin" in diag:
        return diag["origin"]
    return f"{diag.get('filename')}:{row_of(diag)}"


def statement_range(source, row):
    rng = simple_statement_at(source, row)
    return rng if rng else (row, row)


def pattern_to_index_regex(path):
    """An attribute path pattern as a regex over state-dict keys."""
    parts = [r"\d+" if p == "*" else re.escape(p) for p in path.split(".")]
    return r"\.".join(parts)


# --- PL101 ------------------------------------------------------------------


class Pl101Checker:
    """Runs the fixture until it completes, turning each flagged statement
    that raises into `pass`, and judges the silent ones on the final state."""

    def __init__(self, path, graph, diags):
        self.path = path
        self.graph = graph
        self.diags = diags
        with open(path, encoding="utf-8") as f:
            self.source = f.read()
        self.ranges = {id(d): statement_range(self.source, row_of(d)) for d in diags}
        self.verdicts = {}  # id(diag) -> (ok, text)
        self.unflagged = []

    def diag_for_line(self, line):
        for d in self.diags:
            first, last = self.ranges[id(d)]
            if first <= line <= last:
                return d
        return None

    def names_at(self, diag):
        """Path segments of the graph's uses on the diagnostic's statement."""
        first, last = self.ranges[id(diag)]
        names = set()
        for _, use in self.graph.uses_in_lines(self.path, first, last):
            names.update(str(use.get("path", "")).split("."))
        return names

    def run(self):
        source = self.source
        for _ in range(len(self.diags) + 10):
            run = run_source(self.path, source)
            if run.error is None:
                return run.namespace
            if not isinstance(run.error, AttributeError):
                self.unflagged.append(f"the fixture raised {run.error!r}, not AttributeError")
                return None
            lines = fixture_lines_in_traceback(run.traceback, self.path)
            diag = next((self.diag_for_line(l) for l in lines if self.diag_for_line(l)), None)
            line = lines[0] if lines else -1
            if diag is None:
                self.unflagged.append(
                    f"{self.path}:{line}: AttributeError {run.error} on a line no PL101 flagged"
                )
                rng = simple_statement_at(source, line) if line > 0 else None
                if not rng:
                    return None
            else:
                rng = self.ranges[id(diag)]
                match = re.search(r"has no attribute '([^']+)'", str(run.error))
                attr = match.group(1) if match else None
                named = attr is not None and (
                    re.search(r"\b" + re.escape(attr) + r"\b", diag.get("message", ""))
                    or attr in self.names_at(diag)
                )
                if id(diag) in self.verdicts:
                    pass  # a second raise inside the same statement
                elif named:
                    self.verdicts[id(diag)] = (True, f"raises AttributeError: {run.error}")
                else:
                    self.verdicts[id(diag)] = (
                        False,
                        f"raises AttributeError `{run.error}`, which does not name what the diagnostic flags: {diag.get('message')}",
                    )
            source = replace_lines(source, rng[0], rng[1], "pass")
        self.unflagged.append("the fixture kept raising after every flagged statement was removed")
        return None

    def silent_evidence(self, diag, ns):
        """Why the silent write at diag is real, or None."""
        first, last = self.ranges[id(diag)]
        uses = self.graph.uses_in_lines(self.path, first, last)
        unresolved = [(l, u) for l, u in uses if u.get("key") is None] or uses
        candidates = []  # (model name, path)
        for loader, use in unresolved:
            candidates.append((loader.get("model"), str(use.get("path", ""))))
        if not candidates:
            # No graph uses: fall back to names quoted in the message.
            models = {l.get("model") for l in self.graph.loaders_in(self.path)}
            for m in models:
                for name in backticked(diag.get("message", "")):
                    candidates.append((m, "*." + name if "." not in name else name))
        for model_name, path in candidates:
            model = self.graph.model_for(model_name, self.path)
            patterns = [k["key"] for k in (model or {}).get("keys", [])]
            segments = path.split(".")
            name = segments[-1]
            for var, obj in instances_of(self.graph, ns, self.path, model_name):
                key_re = re.compile(r"\A(?:.*\.)?" + pattern_to_index_regex(path) + r"\Z")
                extra = [
                    k
                    for k in list(obj.state_dict().keys()) + [n for n, _ in obj.named_parameters()]
                    if (key_re.match(k) or k.endswith("." + name))
                    and not any(matches(p, k) for p in patterns)
                ]
                if extra:
                    return f"`{var}` gained `{extra[0]}`, which the predicted key space lacks"
                for owner in walk_modules(obj, segments[:-1]):
                    if name in vars(owner) and not any(
                        name in getattr(owner, store, {}) for store in ("_parameters", "_buffers", "_modules")
                    ):
                        return f"`{var}`: the write left a plain attribute `{name}` on {type(owner).__name__}, not a parameter"
        return None

    def check(self):
        ns = self.run()
        results = []
        for d in self.diags:
            if id(d) in self.verdicts:
                results.append((d,) + self.verdicts[id(d)])
                continue
            if ns is None:
                results.append((d, False, "the fixture never ran to completion, so the silent form was not checked"))
                continue
            evidence = self.silent_evidence(d, ns)
            if evidence:
                results.append((d, True, "silent: " + evidence))
            else:
                results.append((d, False, "no AttributeError and no stray key or attribute after execution"))
        return results, self.unflagged


def walk_modules(root, segments):
    """The modules reached by an attribute path; `*` visits every index."""
    current = [root]
    for seg in segments:
        nxt = []
        for obj in current:
            if seg == "*":
                try:
                    nxt.extend(list(obj))
                except TypeError:
                    pass
            elif re.fullmatch(r"\d+", seg):
                try:
                    nxt.append(obj[int(seg)])
                except (TypeError, IndexError, KeyError):
                    pass
            elif hasattr(obj, seg):
                nxt.append(getattr(obj, seg))
        current = nxt
    return current


# --- PL103 ------------------------------------------------------------------


def written_keys(loader):
    return sorted(
        {
            u["key"]
            for u in loader.get("uses", [])
            if u.get("kind") in ("write", "mutate") and u.get("key")
        }
    )


def claimed_never_loaded(message, patterns, loaded):
    """The keys the message says are never loaded: the model keys quoted
    after its last "never", else every quoted model key the loader does not
    write. Concrete keys (`h.0.x`) count as patterns of themselves, and a
    quoted key suffix stands for the model keys ending in it."""
    def model_keys(text):
        out = []
        for n in backticked(text):
            if n in patterns or any(matches(p, n) for p in patterns):
                out.append(n)
            else:  # a shortened key: `norm2.bias` for `trf_blocks.*.norm2.bias`
                out.extend(p for p in patterns if p.endswith("." + n))
        return out

    idx = message.rfind("never")
    if idx >= 0 and model_keys(message[idx:]):
        return model_keys(message[idx:])
    return [n for n in model_keys(message) if n not in loaded]


def check_pl103(path, graph, diag):
    loaders = graph.loaders_in(path)
    names = backticked(diag.get("message", ""))
    loader = next((l for l in loaders if l.get("line") == row_of(diag)), None)
    loader = loader or next((l for l in loaders if l.get("function") in names), None)
    if loader is None:
        return False, "no loader in the graph at the diagnostic's line or named in its message"
    model = graph.model_for(loader.get("model"), path)
    if model is None:
        return False, f"graph has no model `{loader.get('model')}` for loader `{loader.get('function')}`"
    loaded = written_keys(loader)
    patterns = [k["key"] for k in model.get("keys", [])]
    never = claimed_never_loaded(diag.get("message", ""), patterns, loaded)
    if not never:
        return False, "the message names no key of the model as never loaded: " + diag.get("message", "")
    if not loaded:
        return False, f"the graph lists no key `{loader.get('function')}` writes"

    with open(path, encoding="utf-8") as f:
        source = f.read()
    noop = neutralize_function(source, loader["function"], loader.get("line", -1))
    if noop is None:
        return False, f"cannot find `def {loader['function']}` to turn it into a no-op"
    with_loader = run_source(path)
    without = run_source(path, noop)
    for label, run in (("as is", with_loader), ("with a no-op loader", without)):
        if run.error is not None:
            return False, f"the fixture raised {run.error!r} when run {label}"

    model_name = loader.get("model")
    targets = 0
    problems = []
    for var, obj in instances_of(graph, with_loader.namespace, path, model_name):
        other = without.namespace.get(var)
        if other is None:
            continue
        sd1, sd2 = obj.state_dict(), other.state_dict()
        loaded_concrete = [k for k in sd1 if any(matches(p, k) for p in loaded)]
        changed = [k for k in loaded_concrete if k in sd2 and not same_values(sd1[k], sd2[k])]
        if not changed:
            continue  # the loader never ran on this instance
        targets += 1
        unchanged = [k for k in loaded_concrete if k not in changed]
        if unchanged:
            problems.append(f"`{var}`: keys the loader writes are unchanged by it: {unchanged}")
        never_concrete = [k for k in sd1 if any(matches(p, k) for p in never)]
        if not never_concrete:
            problems.append(f"`{var}`: no real key matches the never-loaded {never}")
        moved = [k for k in never_concrete if not same_values(sd1[k], sd2[k])]
        if moved:
            problems.append(f"`{var}`: keys reported never loaded are changed by the loader: {moved}")
    if targets == 0:
        return False, f"no instance of `{model_name}` changed when `{loader['function']}` ran"
    if problems:
        return False, "; ".join(problems)
    return True, f"never loaded and untouched by the loader: {never}; {len(loaded)} loaded pattern(s) all change"


# --- PL104 ------------------------------------------------------------------


def bind_source_keys(keys, bindings):
    """Source keys with each `*` (or f-string `{...}`) replaced, in order, by
    the target's concrete indices; None when the counts disagree."""
    values = list(bindings)
    out = []
    for key in keys:
        key = re.sub(r"\{[^}]*\}", "*", str(key))
        if key == "*":
            if not values:
                return None
            out.append(values.pop(0))
            continue
        while "*" in key:
            if not values:
                return None
            key = key.replace("*", str(values.pop(0)), 1)
        out.append(key)
    return out


def step(container, key):
    if isinstance(container, (list, tuple)):
        return container[int(key)]
    try:
        return container[key]
    except (KeyError, TypeError, IndexError):
        if isinstance(key, str) and key.isdigit():
            return container[int(key)]
        if isinstance(key, int):
            return container[str(key)]
        raise


def walk_source(ns, root, keys):
    obj = ns[root]
    for k in keys:
        obj = step(obj, k)
    return obj


def same_role_sibling(ns, root, keys, role):
    """The tensor next to the source whose name has `role`."""
    parent = walk_source(ns, root, keys[:-1])
    last = str(keys[-1])
    prefix, _, _ = last.rpartition(".")
    for alias in aliases_of(role):
        name = f"{prefix}.{alias}" if prefix else alias
        try:
            return name, step(parent, name)
        except (KeyError, TypeError, IndexError, ValueError):
            continue
    return None, None


def check_pl104(path, graph, diag, ns, fixed=False):
    """Whether the flagged write holds the other role's tensor (or, with
    `fixed`, after the fix: the same role's tensor, not the other's). The
    graph is the one of the unfixed source, whose source names the other
    role."""
    with open(path, encoding="utf-8") as f:
        source = f.read()
    first, last = statement_range(source, row_of(diag))
    uses = [
        (l, u)
        for l, u in graph.uses_in_lines(path, first, last)
        if u.get("kind") in ("write", "mutate") and u.get("key")
    ]
    if not uses:
        return False, "the graph has no resolved write on the flagged statement"
    reasons = []
    for loader, use in uses:
        model = graph.model_for(loader.get("model"), path)
        key_info = next((k for k in (model or {}).get("keys", []) if k["key"] == use["key"]), {})
        target_role = key_info.get("role") if key_info.get("role") in ("scale", "shift") else role_of_name(use["key"])
        if target_role is None:
            reasons.append(f"`{use['key']}` has no norm role")
            continue
        other = "shift" if target_role == "scale" else "scale"
        scope = loader_scope(ns, loader)
        sources = [
            s
            for s in use.get("sources", [])
            if s.get("keys") and role_of_name(s["keys"][-1]) == other and s.get("root") in scope
        ]
        if not sources:
            reasons.append(f"no {other}-role source of `{use['key']}` in the graph: {use.get('sources')}")
            continue
        wanted, unwanted = (target_role, other) if fixed else (other, target_role)
        for var, obj in instances_of(graph, ns, path, loader.get("model")):
            sd = obj.state_dict()
            concrete = [k for k in sd if matches(use["key"], k)]
            if not concrete:
                continue
            for src in sources:
                ok, notes = True, []
                for key in concrete:
                    bound = bind_source_keys(src["keys"], wildcard_bindings(use["key"], key))
                    try:
                        value = walk_source(scope, src["root"], bound) if bound is not None else None
                    except (KeyError, IndexError, TypeError, ValueError) as e:
                        value, notes = None, notes + [f"cannot read {src['root']}{bound}: {e!r}"]
                    sib_name, sibling = (
                        same_role_sibling(scope, src["root"], bound, target_role) if value is not None else (None, None)
                    )
                    if fixed and sibling is None:
                        ok = False
                        notes.append(f"no {target_role} tensor next to {src['root']}{bound}")
                        break
                    holds, avoids = (sibling, value) if fixed else (value, sibling)
                    if holds is None or not same_values(sd[key], holds):
                        ok = False
                        break
                    if avoids is not None and same_values(sd[key], avoids):
                        ok = False
                        notes.append(f"`{key}` equals both the scale and the shift tensor")
                        break
                if ok:
                    return True, (
                        f"`{var}`: {len(concrete)} x `{use['key']}` ({target_role}) hold the {wanted} "
                        f"tensor next to {src['root']}{src['keys']} and differ from the {unwanted} one"
                    )
                reasons.extend(notes)
        reasons.append(f"no instance's `{use['key']}` holds its {wanted}-role source")
    return False, "; ".join(reasons)


# --- driver -----------------------------------------------------------------


def notebook_as_script(notebook, diagnostics):
    """The notebook converted to a script in a temporary directory, and its
    diagnostics moved onto the script's lines."""
    import atexit
    import shutil
    import tempfile

    folder = tempfile.mkdtemp(prefix="paramlint-nb-")
    atexit.register(shutil.rmtree, folder, True)
    script = os.path.join(folder, os.path.splitext(os.path.basename(notebook))[0] + ".py")
    starts = notebook_to_script(notebook, script)
    moved = []
    for d in diagnostics:
        if not same_file(d.get("filename", ""), notebook):
            continue
        cell = d.get("cell")
        if cell not in starts:
            print(f"FAIL {d.get('code')} {where(d)}: cell {cell!r} is not a code cell number")
            continue
        row = starts[cell] + row_of(d) - 1
        origin = f"{d.get('filename')} cell {cell}:{row_of(d)} (script line {row})"
        moved.append(dict(d, filename=script, origin=origin, location=dict(d.get("location") or {}, row=row)))
    return script, moved


def diagnostics_for(path, diagnostics, code):
    return [d for d in diagnostics if d.get("code") == code and same_file(d.get("filename", ""), path)]


def main(argv):
    if len(argv) != 4:
        fail_usage(__doc__)
    fixture, diags_path, graph_path = argv[1:4]
    diagnostics = load_json(diags_path)
    graph = Graph(load_json(graph_path))
    if fixture.endswith(".ipynb"):
        fixture, diagnostics = notebook_as_script(fixture, diagnostics)
        graph = Graph({})

    checked, failures = 0, 0

    def report(diag, ok, text):
        nonlocal checked, failures
        checked += 1
        failures += 0 if ok else 1
        print(f"{'ok  ' if ok else 'FAIL'} {diag.get('code')} {where(diag)}: {text}")

    for path in fixture_files(fixture):
        for d in diagnostics:
            if same_file(d.get("filename", ""), path) and d.get("code") not in ORACLE_CODES:
                print(f"skip {d.get('code')} {where(d)}: no oracle for this code")

        pl101 = diagnostics_for(path, diagnostics, "PL101")
        if pl101:
            results, unflagged = Pl101Checker(real(path), graph, pl101).check()
            for d, ok, text in results:
                report(d, ok, text)
            for text in unflagged:
                failures += 1
                print(f"FAIL {text}")

        for d in diagnostics_for(path, diagnostics, "PL103"):
            report(d, *check_pl103(path, graph, d))

        pl104 = diagnostics_for(path, diagnostics, "PL104")
        if pl104:
            run = run_source(path)
            for d in pl104:
                if run.error is not None:
                    report(d, False, f"the fixture raised {run.error!r}")
                else:
                    report(d, *check_pl104(path, graph, d, run.namespace))

    print(f"checked {checked} diagnostic(s), {failures} failure(s)")
    if checked == 0:
        print(f"bug_oracle: no PL101/PL103/PL104 diagnostic for {fixture}: nothing was checked")
        return 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
