"""Writes big sparse checkpoints for bench/CheckpointBench.cpp.

usage: make_sparse_checkpoints.py OUT_DIR TENSORS ROWS COLS

Writes OUT_DIR/model.safetensors and OUT_DIR/model.pt, each holding TENSORS
float32 tensors of shape [ROWS, COLS] named like a Llama state dict. The
tensor data are holes (sparse files): a 10 GiB checkpoint takes no disk.

The safetensors file is its JSON header followed by a truncate. The torch
file is the zip layout torch.save writes (`model/data.pkl`, one stored
member `model/data/<i>` per storage, `model/version`), built by hand with
zip64 records so each storage member can be a hole; data.pkl is pickled
with torch's own classes and persistent ids, so it is what torch.save would
write for such a state dict. CRCs are those of the zero bytes the holes
read as, so torch.load accepts the file (small sizes are checked by the
test run; the big one is never loaded).
"""
import collections
import io
import json
import os
import pickle
import struct
import sys
import zlib

import torch

OUT, N, ROWS, COLS = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
NAMES = ["input_layernorm.weight", "self_attn.q_proj.weight", "self_attn.k_proj.weight",
         "self_attn.v_proj.weight", "self_attn.o_proj.weight", "post_attention_layernorm.weight",
         "mlp.gate_proj.weight", "mlp.up_proj.weight", "mlp.down_proj.weight", "mlp.extra.weight"]
KEYS = [f"model.layers.{i // len(NAMES)}.{NAMES[i % len(NAMES)]}" for i in range(N)]
NBYTES = ROWS * COLS * 4
os.makedirs(OUT, exist_ok=True)

# --- safetensors
header = {k: {"dtype": "F32", "shape": [ROWS, COLS], "data_offsets": [i * NBYTES, (i + 1) * NBYTES]}
          for i, k in enumerate(KEYS)}
h = json.dumps(header).encode()
h += b" " * (-len(h) % 8)
with open(os.path.join(OUT, "model.safetensors"), "wb") as f:
    f.write(struct.pack("<Q", len(h)) + h)
    f.truncate(8 + len(h) + N * NBYTES)


# --- torch zip
class FakeStorage:
    def __init__(self, key):
        self.key = key


class FakeTensor:
    def __init__(self, key):
        self.storage = FakeStorage(key)

    def __reduce_ex__(self, proto):
        return (torch._utils._rebuild_tensor_v2,
                (self.storage, 0, (ROWS, COLS), (COLS, 1), False, collections.OrderedDict()))


class Pickler(pickle.Pickler):
    def persistent_id(self, obj):
        if isinstance(obj, FakeStorage):
            return ("storage", torch.FloatStorage, obj.key, "cpu", ROWS * COLS)
        return None


buf = io.BytesIO()
Pickler(buf, protocol=2).dump(collections.OrderedDict((k, FakeTensor(str(i))) for i, k in enumerate(KEYS)))
pkl = buf.getvalue()


def zero_crc(n):
    crc, chunk = 0, b"\0" * (1 << 20)
    while n:
        step = min(n, len(chunk))
        crc = zlib.crc32(chunk[:step], crc)
        n -= step
    return crc


ZERO_CRC = zero_crc(NBYTES)
entries = []  # (name, offset, size, crc)
with open(os.path.join(OUT, "model.pt"), "wb") as f:
    def member(name, size, crc, data=None):
        off = f.tell()
        nm = name.encode()
        extra = struct.pack("<HHQQ", 1, 16, size, size)
        f.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 45, 0, 0, 0, 0, crc,
                            0xFFFFFFFF, 0xFFFFFFFF, len(nm), len(extra)) + nm + extra)
        if data is not None:
            f.write(data)
        else:
            f.seek(size, os.SEEK_CUR)  # a hole
        entries.append((nm, off, size, crc))

    member("model/data.pkl", len(pkl), zlib.crc32(pkl), pkl)
    for i in range(N):
        member(f"model/data/{i}", NBYTES, ZERO_CRC)
    member("model/version", 2, zlib.crc32(b"3\n"), b"3\n")
    cd_start = f.tell()
    for nm, off, size, crc in entries:
        extra = struct.pack("<HHQQQ", 1, 24, size, size, off)
        f.write(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 45, 45, 0, 0, 0, 0, crc,
                            0xFFFFFFFF, 0xFFFFFFFF, len(nm), len(extra), 0, 0, 0, 0,
                            0xFFFFFFFF) + nm + extra)
    cd_end = f.tell()
    f.write(struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, len(entries), len(entries),
                        cd_end - cd_start, cd_start))
    f.write(struct.pack("<IIQI", 0x07064B50, 0, cd_end, 1))
    f.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0))
