"""Shared pieces of the differential oracles: running a fixture under torch,
reading paramlint's graph JSON, and matching key patterns against real
state-dict keys.

The oracles never trust paramlint: they execute the fixture with the real
PyTorch and compare what happened with what paramlint predicted.
"""
import ast
import builtins
import json
import os
import random
import re
import struct
import sys
import traceback

import numpy as np
import torch

# The role aliases of the design (docs: "Conventions table").
SCALE_ALIASES = ("weight", "scale", "gamma", "g", "a_2", "w", "alpha")
SHIFT_ALIASES = ("bias", "shift", "beta", "b", "b_2", "offset")


def fail_usage(message):
    print(message, file=sys.stderr)
    sys.exit(2)


def load_json(path):
    import json

    with open(path, encoding="utf-8") as f:
        return json.load(f)


def real(path):
    return os.path.realpath(os.path.abspath(path))


def same_file(reported, actual):
    """Whether a path paramlint printed (relative to the working directory,
    or absolute) names `actual`."""
    if not reported:
        return False
    if os.path.exists(reported) and real(reported) == real(actual):
        return True
    # A path relative to some other base: compare trailing components.
    rep = os.path.normpath(reported).split(os.sep)
    act = real(actual).split(os.sep)
    return len(rep) <= len(act) and act[-len(rep):] == rep


def fixture_files(fixture):
    """The .py files of a fixture: the file itself, or every .py under a
    project directory."""
    if os.path.isdir(fixture):
        out = []
        for root, _, names in os.walk(fixture):
            out.extend(os.path.join(root, n) for n in sorted(names) if n.endswith(".py"))
        return sorted(out)
    return [fixture]


def role_of_name(name):
    """scale / shift / None for a parameter or source name; the last dotted
    component of a state-dict string decides."""
    last = str(name).rsplit(".", 1)[-1]
    if last in SCALE_ALIASES:
        return "scale"
    if last in SHIFT_ALIASES:
        return "shift"
    return None


def aliases_of(role):
    return SCALE_ALIASES if role == "scale" else SHIFT_ALIASES


# --- key patterns -----------------------------------------------------------


def pattern_regex(pattern):
    """`*` is one state-dict component that is an integer index."""
    parts = [r"\d+" if p == "*" else re.escape(p) for p in pattern.split(".")]
    return re.compile(r"\A" + r"\.".join(parts) + r"\Z")


def matches(pattern, key):
    return pattern_regex(pattern).match(key) is not None


def wildcard_bindings(pattern, key):
    """The integers a concrete key puts at the pattern's `*` positions."""
    out = []
    for p, k in zip(pattern.split("."), key.split(".")):
        if p == "*":
            out.append(int(k))
    return out


# --- running fixtures -------------------------------------------------------


def seed_everything():
    torch.manual_seed(0)
    np.random.seed(0)
    random.seed(0)


def forget_fixture_modules(directory):
    """Drop sibling modules a previous run imported, so each run starts fresh."""
    directory = real(directory)
    for name, mod in list(sys.modules.items()):
        f = getattr(mod, "__file__", None)
        if f and real(f).startswith(directory + os.sep):
            del sys.modules[name]


class RunResult:
    def __init__(self, namespace, error, tb):
        self.namespace = namespace
        self.error = error
        self.traceback = tb


LOCALS_KEY = "__oracle_local_modules__"
FRAMES_KEY = "__oracle_frames__"


def run_source(path, source=None):
    """Executes a fixture as `__main__` with torch seeded; the namespace is
    kept even when the fixture raises. Modules that the fixture's functions
    held in local variables when they returned (a model built in `main()`)
    are kept in namespace[LOCALS_KEY] as {"function.variable": module}, and
    each function's variables at its last return in namespace[FRAMES_KEY]
    (a loader's `params` argument, when the caller's is local to `main()`)."""
    path = real(path)
    if source is None:
        with open(path, encoding="utf-8") as f:
            source = f.read()
    directory = os.path.dirname(path)
    forget_fixture_modules(directory)
    seed_everything()
    local_modules, frames = {}, {}

    def collect(frame, event, _arg):
        if event == "return" and frame.f_code.co_filename == path:
            frames[frame.f_code.co_name] = dict(frame.f_locals)
            for var, value in frame.f_locals.items():
                if isinstance(value, torch.nn.Module):
                    local_modules.setdefault(f"{frame.f_code.co_name}.{var}", value)

    ns = {"__name__": "__main__", "__file__": path, "__builtins__": builtins}
    sys.path.insert(0, directory)
    sys.setprofile(collect)
    try:
        exec(compile(source, path, "exec"), ns)
        return RunResult(ns, None, None)
    except BaseException as e:  # the fixture's own error is data here
        return RunResult(ns, e, e.__traceback__)
    finally:
        sys.setprofile(None)
        sys.path.remove(directory)
        ns[LOCALS_KEY] = local_modules
        ns[FRAMES_KEY] = frames


def loader_scope(ns, loader):
    """The names a loader's source expressions can see: the module's, under
    the loader function's own variables at its last return."""
    scope = dict(ns)
    scope.update(ns.get(FRAMES_KEY, {}).get(loader.get("function"), {}))
    return scope


def fixture_lines_in_traceback(tb, path):
    """Line numbers of the fixture's frames, innermost first."""
    path = real(path)
    lines = []
    for frame, lineno in traceback.walk_tb(tb):
        if real(frame.f_code.co_filename) == path:
            lines.append(lineno)
    return list(reversed(lines))


# --- source surgery ---------------------------------------------------------


def simple_statement_at(source, line):
    """(first, last) line of the innermost simple statement covering `line`."""
    best = None
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.stmt) or hasattr(node, "body"):
            continue
        if node.lineno <= line <= node.end_lineno:
            if best is None or node.lineno >= best[0]:
                best = (node.lineno, node.end_lineno)
    return best


def replace_lines(source, first, last, replacement):
    """Replaces lines first..last with one line (kept at the first line's
    indentation) and blank lines, so every other line keeps its number."""
    lines = source.split("\n")
    indent = re.match(r"\s*", lines[first - 1]).group(0)
    lines[first - 1] = indent + replacement
    for i in range(first, last):
        lines[i] = ""
    return "\n".join(lines)


def neutralize_function(source, name, def_line):
    """The source with function `name` (defined at def_line, or anywhere if
    no def at that line) turned into a no-op."""
    candidates = [
        n
        for n in ast.walk(ast.parse(source))
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == name
    ]
    exact = [n for n in candidates if n.lineno == def_line]
    chosen = exact or candidates
    if len(chosen) != 1:
        return None
    fn = chosen[0]
    return replace_lines(source, fn.body[0].lineno, fn.end_lineno, "return None")


# --- graph helpers ----------------------------------------------------------


class Graph:
    def __init__(self, data):
        self.data = data
        self.models = data.get("models", [])
        self.instances = data.get("instances", [])
        self.loaders = data.get("loaders", [])

    def model_for(self, name, near_file):
        """The model called `name`, preferring one defined in near_file or
        its directory (two fixtures may both define a GPTModel)."""
        named = [m for m in self.models if m.get("name") == name]
        for m in named:
            if same_file(m.get("file", ""), near_file):
                return m
        folder = os.path.dirname(real(near_file))
        for m in named:
            f = m.get("file", "")
            if os.path.exists(f) and os.path.dirname(real(f)) == folder:
                return m
        return named[0] if len(named) == 1 else None

    def module_instances(self, file, model=None):
        return [
            i
            for i in self.instances
            if i.get("scope") == "<module>"
            and same_file(i.get("file", ""), file)
            and (model is None or i.get("model") == model)
        ]

    def loaders_in(self, file):
        return [l for l in self.loaders if same_file(l.get("file", ""), file)]

    def uses_in_lines(self, file, first, last):
        """(loader, use) pairs whose use lies on lines first..last of file."""
        out = []
        for loader in self.loaders_in(file):
            for use in loader.get("uses", []):
                if first <= use.get("line", -1) <= last:
                    out.append((loader, use))
        return out


def instances_of(graph, ns, file, model_name):
    """(variable, module) pairs of the executed namespace that hold an
    instance of model_name: the graph's module-level instances first, then
    anything of that class name, module-level or local to a function."""
    out = []
    for inst in graph.module_instances(file, model_name):
        obj = ns.get(inst.get("variable"))
        if isinstance(obj, torch.nn.Module):
            out.append((inst["variable"], obj))
    if not out:
        candidates = list(ns.items()) + list(ns.get(LOCALS_KEY, {}).items())
        for var, obj in candidates:
            if isinstance(obj, torch.nn.Module) and type(obj).__name__ == model_name:
                if all(obj is not seen for _, seen in out):
                    out.append((var, obj))
    return out


def as_tensor(value):
    if isinstance(value, torch.Tensor):
        return value.detach().cpu()
    return torch.as_tensor(np.asarray(value))


def same_values(a, b):
    a, b = as_tensor(a), as_tensor(b)
    return a.shape == b.shape and torch.equal(a.to(torch.float64), b.to(torch.float64))


# --- notebooks --------------------------------------------------------------


def notebook_to_script(notebook_path, out_path):
    """Writes the notebook's code cells as one script (IPython magics and
    shell escapes become `pass`, so the line count stays) and returns the
    first line of each code cell, by 1-based code-cell number (the `cell` of
    paramlint's JSON report)."""
    nb = load_json(notebook_path)
    lines, starts = [], {}
    number = 0
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        number += 1
        source = cell.get("source", "")
        if isinstance(source, list):
            source = "".join(source)
        starts[number] = len(lines) + 1
        for line in source.split("\n"):
            stripped = line.lstrip()
            if stripped.startswith(("%", "!")):
                line = line[: len(line) - len(stripped)] + "pass"
            lines.append(line)
    with open(out_path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    return starts


# Checkpoint writers that follow the published layouts (safetensors, GGUF),
# for the oracles that need files no installed library writes.
ST_DTYPES = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16",
             torch.int64: "I64", torch.int32: "I32", torch.bool: "BOOL",
             torch.float64: "F64", torch.int8: "I8", torch.uint8: "U8"}


def tensor_bytes(t):
    """A tensor's elements, row-major, as the machine (little-endian) has them."""
    t = t.contiguous()
    if t.dtype == torch.bfloat16:
        return t.view(torch.int16).numpy().tobytes()
    return t.numpy().tobytes()


def safetensors_bytes(tensors, metadata=None):
    """A whole safetensors file of {name: tensor}, in that order."""
    header, blobs, offset = {}, [], 0
    for key, t in tensors.items():
        b = tensor_bytes(t)
        header[key] = {"dtype": ST_DTYPES[t.dtype], "shape": list(t.shape),
                       "data_offsets": [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    if metadata:
        header["__metadata__"] = metadata
    h = json.dumps(header).encode()
    h += b" " * (-len(h) % 8)
    return struct.pack("<Q", len(h)) + h + b"".join(blobs)


def gguf_str(s):
    """A GGUF string: u64 length, UTF-8 bytes."""
    b = s.encode()
    return struct.pack("<Q", len(b)) + b


def gguf_bytes(kvs, entries, align):
    """A GGUF v3 file: kvs are encoded key/values (general.alignment among
    them when align is not 32); entries [(name, numpy shape, ggml type,
    data bytes)], each tensor aligned to align."""
    infos, data = [], b""
    for tname, shape, ggml_type, blob in entries:
        data += b"\0" * (-len(data) % align)
        ne = list(reversed(shape))
        infos.append(gguf_str(tname) + struct.pack("<I", len(ne)) +
                     b"".join(struct.pack("<Q", d) for d in ne) +
                     struct.pack("<IQ", ggml_type, len(data)))
        data += blob
    head = b"GGUF" + struct.pack("<IQQ", 3, len(entries), len(kvs)) + b"".join(kvs) + b"".join(infos)
    head += b"\0" * (-len(head) % align)
    return head + data
