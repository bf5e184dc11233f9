"""Writes checkpoints with the real libraries and prints what they hold.

usage: checkpoint_oracle.py OUT_DIR

Every file is written by the library that owns the format (torch.save,
numpy.savez / savez_compressed / save) or by a writer here that follows the
published layout (safetensors, its shard index, GGUF v3). It is then read
back with the library where there is one (torch.load, numpy.load), and the
names, dtypes and shapes are printed as JSON: {file: [[name, dtype, shape]]}.
CheckpointTest.cpp compares `paramlint keys --format json` against this.
"""
import collections
import json
import os
import struct
import sys

import numpy as np
import torch

from oracle_common import gguf_bytes, gguf_str, safetensors_bytes

OUT = sys.argv[1]
EXPECT = {}


def path(name):
    return os.path.join(OUT, name)


def torch_dtype(t):
    return str(t.dtype).replace("torch.", "")


def flatten(obj, prefix, out):
    """Tensors of a torch.load result under dotted paths (paramlint's rule)."""
    if isinstance(obj, torch.Tensor):
        out.append([prefix or "<root>", torch_dtype(obj), list(obj.shape)])
    elif isinstance(obj, dict):
        for k, v in obj.items():
            if isinstance(k, (str, int)) and not isinstance(k, bool):
                flatten(v, f"{prefix}.{k}" if prefix else str(k), out)
    elif isinstance(obj, (list, tuple)):
        for i, v in enumerate(obj):
            flatten(v, f"{prefix}.{i}" if prefix else str(i), out)
    return out


def save_torch(name, obj, **kw):
    torch.save(obj, path(name), **kw)
    EXPECT[name] = flatten(torch.load(path(name)), "", [])


torch.manual_seed(0)
sd = collections.OrderedDict()
sd["embed.weight"] = torch.randn(10, 8)
sd["h.0.ln_1.gamma"] = torch.ones(8)
sd["h.0.ln_1.beta"] = torch.zeros(8)
sd["h.0.attn.c_attn.weight"] = torch.randn(8, 24).half()
sd["h.0.mlp.fc.weight"] = torch.randn(16, 8).bfloat16()
sd["h.0.mlp.fc.bias"] = torch.zeros(16, dtype=torch.bfloat16)
sd["h.1.ln_1.gamma"] = torch.ones(8)
sd["h.1.ln_1.beta"] = torch.zeros(8)
sd["mask"] = torch.ones(4, 4, dtype=torch.bool)
sd["steps"] = torch.tensor(7)
sd["ids"] = torch.arange(6, dtype=torch.int32)
sd["view"] = torch.randn(6, 6)[1:4, 2:5]  # a strided view of a larger storage
save_torch("state_dict.pt", sd)

model = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.LayerNorm(3))
save_torch("module_state.pth", model.state_dict())
opt = torch.optim.Adam(model.parameters())
model(torch.randn(2, 4)).sum().backward()
opt.step()
save_torch("nested.pt", {"model": model.state_dict(), "optimizer": opt.state_dict(),
                         "epoch": 3, "args": {"lr": 0.1, "name": "run"}})
save_torch("parameter.bin", {"p": torch.nn.Parameter(torch.randn(2, 3)),
                             "list": [torch.zeros(1), torch.ones(2, 2).double()]})
save_torch("bare_tensor.pt", torch.randn(3, 2).half())
torch.save(sd, path("legacy.pt"), _use_new_zipfile_serialization=False)

# NumPy
arrays = {"w": np.random.rand(3, 4).astype(np.float32), "b": np.arange(5),
          "flag": np.array([True, False]), "half": np.zeros((2, 2, 2), np.float16),
          "u8": np.zeros(7, np.uint8), "scalar": np.float64(2.5),
          "fortran": np.asfortranarray(np.ones((2, 3), np.int16))}
np.savez(path("arrays.npz"), **arrays)
np.savez_compressed(path("compressed.npz"), **arrays)
np.save(path("single.npy"), arrays["w"])
for name in ("arrays.npz", "compressed.npz"):
    with np.load(path(name)) as z:
        EXPECT[name] = [[k, z[k].dtype.name, list(z[k].shape)] for k in z.files]
single = np.load(path("single.npy"))
EXPECT["single.npy"] = [["single", single.dtype.name, list(single.shape)]]

# safetensors, written by hand from the published layout.
def write_safetensors(name, tensors, metadata=None):
    with open(path(name), "wb") as f:
        f.write(safetensors_bytes(tensors, metadata))
    return [[k, torch_dtype(t), list(t.shape)] for k, t in tensors.items()]


st = {k: v.contiguous() for k, v in sd.items()}
EXPECT["model.safetensors"] = write_safetensors("model.safetensors", st, {"format": "pt"})

os.makedirs(path("sharded"), exist_ok=True)
keys = list(st)
shards = {"model-00001-of-00002.safetensors": keys[:5], "model-00002-of-00002.safetensors": keys[5:]}
weight_map, expect = {}, []
for shard, names in shards.items():
    expect += write_safetensors(os.path.join("sharded", shard), {k: st[k] for k in names})
    weight_map.update({k: shard for k in names})
with open(path("sharded/model.safetensors.index.json"), "w") as f:
    json.dump({"metadata": {"total_size": 123}, "weight_map": weight_map}, f)
EXPECT["sharded/model.safetensors.index.json"] = expect

# GGUF v3, written by hand from the published layout.
GGUF_ALIGN = 32


def gguf_kv(key, vtype, value):
    out = gguf_str(key) + struct.pack("<I", vtype)
    return out + gguf_value(vtype, value)


def gguf_value(vtype, value):
    if vtype == 8:
        return gguf_str(value)
    if vtype == 9:
        itype, items = value
        return struct.pack("<IQ", itype, len(items)) + b"".join(gguf_value(itype, v) for v in items)
    fmt = {0: "B", 1: "b", 2: "H", 3: "h", 4: "I", 5: "i", 6: "f", 7: "?", 10: "Q", 11: "q", 12: "d"}[vtype]
    return struct.pack("<" + fmt, value)


def write_gguf(name, tensors):
    """tensors: [(name, numpy shape, ggml type, bytes per element or block)]"""
    kvs = [gguf_kv("general.architecture", 8, "llama"),
           gguf_kv("general.name", 8, "tiny"),
           gguf_kv("llama.block_count", 4, 2),
           gguf_kv("llama.rope.freq_base", 6, 10000.0),
           gguf_kv("general.alignment", 4, GGUF_ALIGN),
           gguf_kv("tokenizer.ggml.tokens", 9, (8, ["<s>", "</s>", "a"])),
           gguf_kv("tokenizer.ggml.scores", 9, (6, [0.0, 1.0, 2.0])),
           gguf_kv("nested", 9, (9, [(4, [1, 2]), (4, [3])]))]
    entries = [(n, shape, t, b"\1" * nbytes) for n, shape, t, nbytes in tensors]
    with open(path(name), "wb") as f:
        f.write(gguf_bytes(kvs, entries, GGUF_ALIGN))


gguf_tensors = [("token_embd.weight", [10, 32], 1, 10 * 32 * 2),
                ("blk.0.attn_norm.weight", [32], 0, 32 * 4),
                ("blk.0.ffn_up.weight", [4, 64], 8, 4 * 2 * 34),
                ("blk.1.attn_q.weight", [2, 256], 12, 2 * 144)]
write_gguf("tiny.gguf", gguf_tensors)
names = {0: "float32", 1: "float16", 8: "q8_0", 12: "q4_k"}
EXPECT["tiny.gguf"] = [[n, names[t], s] for n, s, t, _ in gguf_tensors]

json.dump(EXPECT, sys.stdout, indent=1)
