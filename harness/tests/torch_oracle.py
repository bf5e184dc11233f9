"""PyTorch oracle for the harness's differential test (TorchDifferentialTest).

usage: torch_oracle.py DIR

DIR/manifest.json (written by the test) lists the probe widths, the rows per
width and the norm variants; DIR/x_<w>.f32, scale_<w>.f32, offset_<w>.f32 and
shift_<w>.f32 hold the inputs and weights as raw little-endian float32. For
every variant and each compute dtype (float32 and float64) this script
writes DIR/out_<id>_<compute>.f32: the variant's torch expression over all of
its widths in manifest order, with inputs and weights cast to the storage
dtype first and the result cast back to it (then widened to float32 so the
file holds exact values). For the variants torch has a function for it also
writes out_<id>_fln.f32 (torch.nn.functional.layer_norm, storage dtype in and
out). DIR/cast_in.f32 is cast to fp16 and bf16 and back into cast_fp16.f32
and cast_bf16.f32, to check the harness's rounding against torch's.
"""
import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

STORAGE = {"fp32": torch.float32, "fp16": torch.float16, "bf16": torch.bfloat16}
COMPUTE = {"fp32": torch.float32, "fp64": torch.float64}


def load(path, rows, width):
    return torch.from_numpy(np.fromfile(path, dtype="<f4").reshape(rows, width))


def save(path, tensor):
    tensor.to(torch.float32).numpy().astype("<f4").tofile(path)


def expression(v, x, w, b, compute):
    """The variant as a user writes it in torch, computed in `compute`."""
    xc = x.to(compute)
    n = x.shape[-1]
    if v["kind"] == "layer":
        c = xc - xc.mean(-1, keepdim=True)
        var = xc.var(-1, unbiased=v["unbiased"], keepdim=True)
    else:
        c = xc
        if v["unbiased"]:
            var = xc.pow(2).sum(-1, keepdim=True) / (n - 1)
        else:
            var = xc.pow(2).mean(-1, keepdim=True)
    eps = v["eps"]
    if v["eps_place"] == "inside":
        y = c * torch.rsqrt(var + eps)
    elif v["eps_place"] == "added":
        y = c / (var.sqrt() + eps)
    elif v["eps_place"] == "clamp":
        y = c / var.sqrt().clamp(min=eps)
    else:
        y = c * torch.rsqrt(var.clamp(min=eps))
    if v["scale"]:
        s = w.to(compute)
        y = y * ((1.0 + s) if v["offset"] else s)
    if v["shift"]:
        y = y + b.to(compute)
    return y


def is_torch_layer_norm(v):
    return (v["kind"] == "layer" and not v["unbiased"] and v["eps_place"] == "inside"
            and not v["offset"] and v["scale"] == v["shift"])


def main():
    out_dir = sys.argv[1]
    torch.set_num_threads(1)
    m = json.load(open(os.path.join(out_dir, "manifest.json")))
    rows = m["rows"]
    data = {}
    for width in sorted({w for v in m["variants"] for w in v["widths"]}):
        data[width] = {name: load(os.path.join(out_dir, f"{name}_{width}.f32"),
                                  rows if name == "x" else 1, width)
                       for name in ("x", "scale", "offset", "shift")}
    for v in m["variants"]:
        sd = STORAGE[v["storage"]]
        outs = {name: [] for name in list(COMPUTE) + ["fln"]}
        for width in v["widths"]:
            d = data[width]
            x = d["x"].to(sd)
            w = (d["offset"] if v["offset"] else d["scale"]).to(sd)
            b = d["shift"].to(sd)
            for name, cd in COMPUTE.items():
                outs[name].append(expression(v, x, w, b, cd).to(sd))
            if is_torch_layer_norm(v) and sd != torch.float16:  # no CPU half kernel
                affine = v["scale"]
                outs["fln"].append(F.layer_norm(
                    x, (width,), w.reshape(-1) if affine else None,
                    b.reshape(-1) if affine else None, v["eps"]))
        for name, parts in outs.items():
            if parts:
                save(os.path.join(out_dir, f"out_{v['id']}_{name}.f32"),
                     torch.cat([p.reshape(-1) for p in parts]))
    cast_in = torch.from_numpy(np.fromfile(os.path.join(out_dir, "cast_in.f32"), dtype="<f4"))
    for name in ("fp16", "bf16"):
        save(os.path.join(out_dir, f"cast_{name}.f32"), cast_in.to(STORAGE[name]))
    print(f"torch {torch.__version__}: {len(m['variants'])} variants")


if __name__ == "__main__":
    main()
