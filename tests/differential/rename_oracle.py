"""Shows with real PyTorch that `paramlint rename-params` keeps old
checkpoints loadable.

Usage: rename_oracle.py OLD_DIR NEW_DIR MODULE CLASS ARGS_JSON INPUT_SHAPE_JSON RENAMES_JSON

OLD_DIR holds the project before the rename, NEW_DIR after it; MODULE
defines CLASS, built as CLASS(*ARGS). The oracle builds the old model with
random parameters, saves its state dict through torch.save, builds the
renamed model, loads that checkpoint with strict=True and requires:

- no missing or unexpected key (strict loading succeeded);
- outputs bit-identical to the old model's on the same input;
- the renamed model's keys are the old keys with the renames applied;
- every other .py file of NEW_DIR (the loaders) runs to completion, and the
  models it builds hold no parameter under an old name.

Prints `checked N rename(s), M failure(s)`; exits 1 on any failure.
"""
import importlib
import io
import json
import os
import runpy
import sys

sys.dont_write_bytecode = True

import torch  # noqa: E402


def import_from(directory, module):
    for name in list(sys.modules):
        if name == module or name.startswith(module + "."):
            del sys.modules[name]
    sys.path.insert(0, directory)
    try:
        return importlib.import_module(module)
    finally:
        sys.path.pop(0)


def renamed_key(key, renames):
    head, _, last = key.rpartition(".")
    last = renames.get(last, last)
    return f"{head}.{last}" if head else last


def main(argv):
    if len(argv) != 8:
        print(__doc__, file=sys.stderr)
        return 2
    old_dir, new_dir, module, cls, args, shape, renames = argv[1:8]
    args, shape, renames = json.loads(args), json.loads(shape), json.loads(renames)
    failures = 0

    old = import_from(old_dir, module)
    torch.manual_seed(0)
    old_model = getattr(old, cls)(*args)
    with torch.no_grad():
        for p in old_model.parameters():
            p.uniform_(-1.0, 1.0)
    x = torch.randn(*shape)
    old_model.eval()
    expected = old_model(x)
    buffer = io.BytesIO()
    torch.save(old_model.state_dict(), buffer)

    new = import_from(new_dir, module)
    new_model = getattr(new, cls)(*args)
    new_model.eval()
    buffer.seek(0)
    checkpoint = torch.load(buffer)
    try:
        result = new_model.load_state_dict(checkpoint, strict=True)
        print(f"ok   strict load: {result}")
    except RuntimeError as e:
        print(f"FAIL strict load of the old checkpoint: {e}")
        failures += 1
    got = new_model(x)
    if torch.equal(got, expected):
        print("ok   outputs bit-identical")
    else:
        print(f"FAIL outputs differ: max |d| = {(got - expected).abs().max().item()}")
        failures += 1
    want = sorted(renamed_key(k, renames) for k in checkpoint)
    have = sorted(new_model.state_dict())
    if want == have:
        print(f"ok   {len(have)} keys, renamed as asked")
    else:
        print(f"FAIL keys: expected {want}, have {have}")
        failures += 1

    for name in sorted(os.listdir(new_dir)):
        path = os.path.join(new_dir, name)
        if not name.endswith(".py") or name == module + ".py":
            continue
        sys.path.insert(0, new_dir)
        try:
            namespace = runpy.run_path(path, run_name="__main__")
        except Exception as e:  # noqa: BLE001 - any failure is the finding
            print(f"FAIL {name} raises {e!r} after the rename")
            failures += 1
            continue
        finally:
            sys.path.pop(0)
        stray = [f"{n}" for v in namespace.values() if isinstance(v, torch.nn.Module)
                 for n, _ in v.named_parameters() if n.rpartition(".")[2] in renames]
        if stray:
            print(f"FAIL {name}: parameters under old names: {stray}")
            failures += 1
        else:
            print(f"ok   {name} runs; no parameter under an old name")

    print(f"checked {len(renames)} rename(s), {failures} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
