"""Checks paramlint's predicted key space against real PyTorch.

Usage: keyspace_oracle.py FIXTURE GRAPH_JSON

FIXTURE is a .py file or a project directory; GRAPH_JSON is the output of
`paramlint graph --format json FIXTURE`. Every module-level instance the graph
lists in the fixture is built by executing the fixture; its real
`state_dict()` keys are compared with the predicted patterns of its model:
each real key must match exactly one pattern, and each non-conditional
pattern at least one real key. Prints a diff and exits 1 on any mismatch, or
when there is nothing to check; prints `checked N instance(s)` on success.
"""
import os
import sys

# Neither the oracles nor the fixtures they import may leave .pyc files
# in the source tree.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from oracle_common import (  # noqa: E402
    Graph,
    fail_usage,
    fixture_files,
    load_json,
    matches,
    run_source,
)


def compare(var, model, real_keys):
    """Problems (strings) between one instance's real keys and its model's
    predicted key patterns."""
    patterns = model.get("keys", [])
    problems = []
    hits = {p["key"]: 0 for p in patterns}
    for key in real_keys:
        found = [p["key"] for p in patterns if matches(p["key"], key)]
        for f in found:
            hits[f] += 1
        if not found:
            problems.append(f"  + real key `{key}` is missing from the prediction")
        elif len(found) > 1:
            problems.append(f"  ~ real key `{key}` matches {len(found)} patterns: {found}")
    for p in patterns:
        if hits[p["key"]] == 0 and not p.get("conditional", False):
            problems.append(
                f"  - predicted `{p['key']}` ({p.get('kind')}, {p.get('class')}) is not in the real state dict"
            )
    if problems:
        problems.insert(0, f"{var} ({model.get('name')}): real keys {list(real_keys)}")
    return problems


def main(argv):
    if len(argv) != 3:
        fail_usage(__doc__)
    fixture, graph_path = argv[1], argv[2]
    graph = Graph(load_json(graph_path))

    checked = 0
    failures = []
    for path in fixture_files(fixture):
        instances = graph.module_instances(path)
        if not instances:
            continue
        run = run_source(path)
        if run.error is not None:
            failures.append(f"{path}: executing the fixture raised {run.error!r}")
            continue
        for inst in instances:
            var = inst.get("variable")
            obj = run.namespace.get(var)
            if obj is None or not hasattr(obj, "state_dict"):
                failures.append(f"{path}:{inst.get('line')}: `{var}` is not a module after execution")
                continue
            model = graph.model_for(inst.get("model"), path)
            if model is None:
                failures.append(f"{path}:{inst.get('line')}: graph has no model `{inst.get('model')}` for `{var}`")
                continue
            real_keys = list(obj.state_dict().keys())
            problems = compare(var, model, real_keys)
            checked += 1
            if problems:
                failures.append(f"{path}:{inst.get('line')}: key space mismatch\n" + "\n".join(problems))
            else:
                print(f"ok {var} ({model.get('name')}): {len(real_keys)} keys, {len(model.get('keys', []))} patterns")

    for f in failures:
        print(f)
    if checked == 0 and not failures:
        print(f"keyspace_oracle: the graph lists no module-level instance in {fixture}: nothing checked")
        print("checked 0 instance(s)")
        return 1
    print(f"checked {checked} instance(s), {len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
