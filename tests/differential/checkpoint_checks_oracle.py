"""Checkpoints for PL201/PL202/PL203 and what PyTorch says about them.

Usage:
  checkpoint_checks_oracle.py write OUTDIR
      Builds each case's model from its fixture (fixtures/python/PL20x_*.py,
      `build()`), derives a checkpoint from its state dict (renamed norm
      parameters, dropped and extra tensors, wrapped dicts, wrong shapes),
      writes it (torch.save, numpy.savez or safetensors) under OUTDIR and
      loads the dict into the model with `load_state_dict(strict=False)`.
      Prints JSON {case: {fixture, checkpoint, missing, unexpected,
      size_mismatch}}: the key patterns torch reports missing and unexpected
      and the modules it reports a size mismatch for, indices as `*`.
  checkpoint_checks_oracle.py hook FIXTURE CHECKPOINT SNIPPET
      Loads the torch CHECKPOINT into the fixture's model with
      `strict=True` after running the Python in the file SNIPPET (the load
      hook paramlint's fix proposes, with `model` defined). Prints "loaded".
"""
import collections
import importlib.util
import json
import os
import re
import struct
import sys

sys.dont_write_bytecode = True

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIXTURES = os.path.join(ROOT, "fixtures", "python")


# The README's example (the #626 model after the swap to nn.LayerNorm) at a
# small size; fixtures build their models with `build()`.
BOOK = "examples/gpt2-swap/model.py"
BOOK_CFG = {"vocab_size": 11, "context_length": 6, "emb_dim": 8, "n_heads": 2,
            "n_layers": 2, "drop_rate": 0.0, "qkv_bias": True}


def fixture_path(fixture):
    return os.path.join(ROOT, fixture) if "/" in fixture else os.path.join(FIXTURES, fixture)


def build(fixture):
    spec = importlib.util.spec_from_file_location(
        "fixture_" + re.sub(r"\W", "_", fixture), fixture_path(fixture))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    torch.manual_seed(0)
    return module.GPTModel(BOOK_CFG) if fixture == BOOK else module.build()


def pattern(key):
    return re.sub(r"(?<![^.])\d+(?![^.])", "*", key)


def norm_prefixes(model):
    norms = (nn.LayerNorm, nn.modules.batchnorm._NormBase, nn.GroupNorm)
    return [name + "." if name else "" for name, m in model.named_modules()
            if isinstance(m, norms) or type(m).__name__.endswith("Norm")]


def rename_norms(scale, shift):
    def apply(model, sd):
        out, inverse = collections.OrderedDict(), {}
        prefixes = norm_prefixes(model)
        for key, t in sd.items():
            new = key
            for p in prefixes:
                if key == p + "weight":
                    new = p + scale
                elif key == p + "bias":
                    new = p + shift
            out[new] = t
            inverse[new] = key
        return out, inverse
    return apply


def identity(model, sd):
    return collections.OrderedDict(sd), {}


def then(*steps):
    def apply(model, sd):
        inverse = {}
        for step in steps:
            sd, inv = step(model, sd)
            inverse.update(inv)
        return sd, inverse
    return apply


def drop(*regexes):
    def apply(model, sd):
        return collections.OrderedDict(
            (k, v) for k, v in sd.items()
            if not any(re.fullmatch(r, k) for r in regexes)), {}
    return apply


def add(**named):
    def apply(model, sd):
        out = collections.OrderedDict(sd)
        for key, shape in named.items():
            out[key.replace("__", ".")] = torch.zeros(shape)
        return out, {}
    return apply


def replace(source, target):
    """Every key matching the regex target gets the tensor of source (a
    substitution on the key): a conversion that wrote the wrong tensor."""
    def apply(model, sd):
        out = collections.OrderedDict(sd)
        for key in sd:
            if re.fullmatch(target, key):
                out[key] = sd[re.sub(target, source, key)].clone()
        return out, {}
    return apply


def reshape(key, shape):
    def apply(model, sd):
        out = collections.OrderedDict(sd)
        out[key] = torch.zeros(shape)
        return out, {}
    return apply


def unrelated(model, sd):
    return collections.OrderedDict(
        [("encoder.conv.kernel", torch.zeros(3)), ("encoder.proj.w", torch.zeros(3)),
         ("head.out.kernel", torch.zeros(2))]), {}


def prefixed(head):
    def apply(model, sd):
        return collections.OrderedDict((head + k, v) for k, v in sd.items()), {}
    return apply


G = "PL201_checkpoint_key_missing.py"
C = "PL201_conditional_norm_bias.py"
B = "PL202_checkpoint_key_unexpected.py"
N = "PL203_checkpoint_shape_mismatch.py"
# name: (fixture, format, transform, wrapper key or None)
CASES = {
    "gpt_gamma_beta": (G, "torch", rename_norms("gamma", "beta"), None),
    "gpt_g_b_safetensors": (G, "safetensors", rename_norms("g", "b"), None),
    "gpt_dropped_extra": (G, "torch", then(
        drop(r"h\.\d+\.attn\.bias"),
        add(h__0__attn__masked_bias=[1], h__1__attn__masked_bias=[1], lm_head__weight=[10, 4])), None),
    "gpt_wrapped_clean": (G, "torch", identity, "model"),
    "gpt_wrapped_gamma": (G, "torch", rename_norms("gamma", "beta"), "state_dict"),
    "gpt_npz_scale_offset": (G, "npz", rename_norms("scale", "offset"), None),
    "gpt_unrelated": (G, "torch", unrelated, None),
    "gpt_data_parallel": (G, "torch", prefixed("module."), None),
    # nanoGPT's LayerNorm(ndim, bias): the bias is conditional; with g/b
    # names the checkpoint shows the condition held, so it is reported.
    "conditional_g_b": (C, "torch", rename_norms("g", "b"), None),
    "bert_keras": (B, "torch", then(
        rename_norms("gamma", "beta"),
        drop(r"pool_norm\.num_batches_tracked"),
        add(position_ids=[12])), None),
    "bert_clean": (B, "safetensors", identity, None),
    # A checkpoint saved before the swap: the book's LayerNorm had scale/shift.
    "book_scale_shift": (BOOK, "torch", rename_norms("scale", "shift"), None),
    "net_linear_bias_as_norm_bias": (N, "torch", replace(
        r"blocks.\1.up.bias", r"blocks\.(\d+)\.norm\.bias"), None),
    "net_gamma_beta_widths": (N, "torch", then(
        reshape("norm_out.bias", [5]), rename_norms("gamma", "beta")), None),
}


def write_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for key, t in tensors.items():
        data = t.contiguous().to(torch.float32).numpy().tobytes()
        header[key] = {"dtype": "F32", "shape": list(t.shape),
                       "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    head = json.dumps(header).encode()
    head += b" " * (-len(head) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(head)) + head + b"".join(blobs))


def save(path, fmt, sd, wrapper):
    if fmt == "torch":
        obj = sd if wrapper is None else {wrapper: sd, "optimizer": {"lr": 0.1}, "step": 3}
        torch.save(obj, path)
    elif fmt == "npz":
        np.savez(path, **{k: v.numpy() for k, v in sd.items()})
    else:
        write_safetensors(path, sd)


def torch_verdict(model, sd, inverse):
    """Missing and unexpected key patterns as load_state_dict(strict=False)
    returns them, and the modules with a size mismatch once the renamed keys
    are named back (torch raises on a mismatch before it returns the lists,
    so those keys are taken out for the first question)."""
    mismatched = set()
    back = collections.OrderedDict((inverse.get(k, k), v) for k, v in sd.items())
    try:
        model.load_state_dict(back, strict=False)
    except RuntimeError as e:
        mismatched = set(re.findall(r"size mismatch for ([^:]+):", str(e)))
    try:
        model.load_state_dict(sd, strict=False)
        held_out = set()
    except RuntimeError as e:
        held_out = set(re.findall(r"size mismatch for ([^:]+):", str(e)))
    result = model.load_state_dict(
        collections.OrderedDict((k, v) for k, v in sd.items() if k not in held_out),
        strict=False)
    return {
        "missing": sorted({pattern(k) for k in result.missing_keys if k not in held_out}),
        "unexpected": sorted({pattern(k) for k in result.unexpected_keys}),
        "size_mismatch": sorted({pattern(k.rsplit(".", 1)[0]) for k in mismatched}),
    }


def write(outdir):
    out = {}
    for name, (fixture, fmt, transform, wrapper) in CASES.items():
        model = build(fixture)
        sd, inverse = transform(model, model.state_dict())
        ext = {"torch": ".pt", "npz": ".npz", "safetensors": ".safetensors"}[fmt]
        path = os.path.join(outdir, name + ext)
        save(path, fmt, sd, wrapper)
        out[name] = {"fixture": os.path.relpath(fixture_path(fixture), ROOT),
                     "checkpoint": path,
                     **torch_verdict(build(fixture), sd, inverse)}
    json.dump(out, sys.stdout, indent=1)


def hook(fixture, checkpoint, snippet):
    model = build(fixture)
    obj = torch.load(checkpoint)
    for key in ("model", "state_dict"):
        if isinstance(obj, dict) and isinstance(obj.get(key), dict):
            obj = obj[key]
    with open(snippet) as f:
        exec(f.read(), {"model": model})
    model.load_state_dict(obj, strict=True)
    print("loaded")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "write":
        write(sys.argv[2])
    elif len(sys.argv) == 5 and sys.argv[1] == "hook":
        hook(*sys.argv[2:])
    else:
        sys.exit(__doc__)
