"""Writes the same norm weights in every checkpoint format verify reads, and
prints their exact bits.

usage: tensor_values_oracle.py OUT_DIR

The tensors are the book GPT's norm parameters (2 blocks; `scale`/`shift`,
width 64), seeded random values, in float32, float16 and bfloat16. Each
dtype is written as a safetensors file (the reference: its layout is
written here from the published spec), a `torch.save` zip (some tensors
are views: one at a storage offset, one strided), a wrapped `torch.save`
(`{"model": state_dict}`), numpy `savez` and `savez_compressed` (float32 in
both byte orders and Fortran order; numpy has no bfloat16) and a GGUF v3
file (F32 / F16 / BF16). `quant.gguf` holds one q8_0 tensor.

Printed as JSON:
  {"files": {file: {"dtype": d, "tensors": {key: [bits, ...]}}},
   "groups": {dtype: [reference, other files...]}}
where bits are the element's raw IEEE bits (uint32 for float32, uint16 for
float16/bfloat16) as torch holds them after torch.load / numpy.load.
"""
import collections
import json
import os
import struct
import sys

import numpy as np
import torch

from oracle_common import gguf_bytes, gguf_str, safetensors_bytes, tensor_bytes

OUT = sys.argv[1]
WIDTH = 64
PATHS = ["trf_blocks.0.norm1", "trf_blocks.0.norm2", "trf_blocks.1.norm1",
         "trf_blocks.1.norm2", "final_norm"]
FILES = {}
GROUPS = collections.defaultdict(list)


def path(name):
    return os.path.join(OUT, name)


def bits(t):
    """A float tensor's raw element bits as Python ints."""
    t = t.contiguous().reshape(-1)
    if t.dtype == torch.float32:
        return t.view(torch.int32).numpy().astype(np.uint32).tolist()
    return t.view(torch.int16).numpy().astype(np.uint16).tolist()


def record(name, dtype, loaded):
    """Records what the library reads back from file `name`."""
    FILES[name] = {"dtype": dtype, "tensors": {k: bits(v) for k, v in loaded.items()}}
    GROUPS[dtype].append(name)


def state_dict(dtype):
    g = torch.Generator().manual_seed(7)
    sd = collections.OrderedDict()
    for p in PATHS:
        sd[p + ".scale"] = (1 + 0.1 * torch.randn(WIDTH, generator=g)).to(dtype)
        sd[p + ".shift"] = (0.1 * torch.randn(WIDTH, generator=g)).to(dtype)
    return sd


GGML_TYPES = {torch.float32: 0, torch.float16: 1, torch.bfloat16: 30}


def write_safetensors(name, sd):
    with open(path(name), "wb") as f:
        f.write(safetensors_bytes(sd))


def write_gguf(name, entries, align=32):
    """entries: [(name, shape, ggml type, data bytes)], GGUF v3."""
    kvs = [gguf_str("general.architecture") + struct.pack("<I", 8) + gguf_str("gpt2"),
           gguf_str("general.alignment") + struct.pack("<II", 4, align)]
    with open(path(name), "wb") as f:
        f.write(gguf_bytes(kvs, entries, align))


def q8_0(values):
    """ggml q8_0 blocks of 32: an fp16 scale and 32 int8."""
    out = b""
    for i in range(0, len(values), 32):
        block = values[i:i + 32]
        d = max(abs(float(v)) for v in block) / 127 or 1.0
        out += struct.pack("<e", d) + bytes((int(round(float(v) / d)) & 0xFF) for v in block)
    return out


for dtype, tag in ((torch.float32, "f32"), (torch.float16, "f16"), (torch.bfloat16, "bf16")):
    dname = str(dtype).replace("torch.", "")
    sd = state_dict(dtype)

    ref = f"{tag}.safetensors"
    write_safetensors(ref, sd)
    record(ref, dname, sd)

    # torch.save: one tensor a view at a storage offset, one a strided view.
    saved = collections.OrderedDict(sd)
    big = torch.zeros(3, WIDTH, dtype=dtype)
    big[2] = sd["final_norm.scale"]
    saved["final_norm.scale"] = big[2]
    wide = torch.zeros(WIDTH, 5, dtype=dtype)
    wide[:, 3] = sd["trf_blocks.1.norm2.shift"]
    saved["trf_blocks.1.norm2.shift"] = wide[:, 3]
    assert saved["trf_blocks.1.norm2.shift"].stride() == (5,)
    torch.save(saved, path(f"{tag}.pt"))
    record(f"{tag}.pt", dname, torch.load(path(f"{tag}.pt")))
    torch.save({"model": sd, "epoch": 3}, path(f"{tag}.wrapped.pt"))
    record(f"{tag}.wrapped.pt", dname, torch.load(path(f"{tag}.wrapped.pt"))["model"])

    if dtype != torch.bfloat16:
        arrays = {k: v.numpy() for k, v in sd.items()}
        if dtype == torch.float32:
            arrays["trf_blocks.0.norm1.scale"] = arrays["trf_blocks.0.norm1.scale"].astype(">f4")
        np.savez(path(f"{tag}.npz"), **arrays)
        np.savez_compressed(path(f"{tag}.compressed.npz"), **arrays)
        for name in (f"{tag}.npz", f"{tag}.compressed.npz"):
            with np.load(path(name)) as z:
                record(name, dname, {k: torch.from_numpy(z[k].astype(z[k].dtype.newbyteorder("<")))
                                     for k in z.files})

    write_gguf(f"{tag}.gguf", [(k, list(v.shape), GGML_TYPES[dtype], tensor_bytes(v)) for k, v in sd.items()])
    # No library reads GGUF here: its bytes are the tensors' own.
    record(f"{tag}.gguf", dname, sd)

# A 2-D float32 array in Fortran order and a strided torch view of a matrix:
# the reader must gather them into row-major order.
m = torch.arange(12, dtype=torch.float32).reshape(3, 4) / 7
np.savez(path("layout.npz"), fortran=np.asfortranarray(m.numpy()))
torch.save({"t": m.t(), "sliced": m[1:, ::2]}, path("layout.pt"))
FILES["layout.npz"] = {"dtype": "float32", "tensors": {"fortran": bits(m)}}
FILES["layout.pt"] = {"dtype": "float32",
                      "tensors": {"t": bits(m.t()), "sliced": bits(m[1:, ::2])}}

# One quantised tensor among float ones.
sd = state_dict(torch.float32)
entries = []
for k, v in sd.items():
    if k == "trf_blocks.0.norm2.scale":
        entries.append((k, [WIDTH], 8, q8_0(v.tolist())))
    else:
        entries.append((k, [WIDTH], 0, tensor_bytes(v)))
write_gguf("quant.gguf", entries)

json.dump({"files": FILES, "groups": GROUPS}, sys.stdout)
