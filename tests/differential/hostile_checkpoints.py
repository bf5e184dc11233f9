"""Writes broken and hostile checkpoint files for CheckpointTest.cpp.

usage: hostile_checkpoints.py OUT_DIR GOOD_DIR

GOOD_DIR holds the files checkpoint_oracle.py wrote; some hostile files are
cut or patched copies of them. Prints JSON {file: substring}: paramlint keys
must exit 2 on each file with an error naming it and containing the
substring. Files whose substring is "" must be read successfully (large
declared data that a header-only reader never touches).
"""
import io
import json
import os
import pickle
import struct
import sys
import zipfile
import zlib

OUT, GOOD = sys.argv[1], sys.argv[2]
EXPECT = {}


def put(name, data, expect):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)
    EXPECT[name] = expect


def good(name):
    with open(os.path.join(GOOD, name), "rb") as f:
        return f.read()


def safetensors(header, data=b""):
    h = header if isinstance(header, bytes) else json.dumps(header).encode()
    return struct.pack("<Q", len(h)) + h + data


# --- safetensors
st = good("model.safetensors")
put("st_truncated.safetensors", st[:-10], "past the end of the data")
put("st_header_huge.safetensors", struct.pack("<Q", 1 << 40) + b"{}", "exceeds the limit")
put("st_header_past_end.safetensors", struct.pack("<Q", 1000) + b'{"a": 1}', "larger than the file")
put("st_overlap.safetensors", safetensors(
    {"a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]},
     "b": {"dtype": "F32", "shape": [4], "data_offsets": [8, 24]}}, b"\0" * 24), "overlap")
put("st_out_of_range.safetensors", safetensors(
    {"a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}}, b"\0" * 8), "past the end")
put("st_size_mismatch.safetensors", safetensors(
    {"a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 8]}}, b"\0" * 8), "needs 16 bytes")
put("st_negative.safetensors", safetensors(
    {"a": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 8]}}, b"\0" * 8), "non-negative")
put("st_deep.safetensors", safetensors(b'{"a": ' + b"[" * 200000 + b"]" * 200000 + b"}"), "nests deeper")
put("st_wide.safetensors", safetensors(b'{"a": [' + b"0," * 9_000_000 + b"0]}"), "more than")
put("st_bad_json.safetensors", safetensors(b"{not json"), "not valid JSON")
os.makedirs(os.path.join(OUT, "idx"), exist_ok=True)
put("idx/escape.index.json", json.dumps({"weight_map": {"a": "../model.safetensors"}}).encode(),
    "not a file beside the index")
put("idx/missing.index.json", json.dumps({"weight_map": {"a": "nowhere.safetensors"}}).encode(),
    "nowhere.safetensors")
put("idx/wrong_shard.index.json", json.dumps({"weight_map": {"zzz": "shard.safetensors"}}).encode(),
    "has no such tensor")
put("idx/shard.safetensors", st, None)
del EXPECT["idx/shard.safetensors"]


# --- torch zips
def torch_zip(pkl, storages=None, archive="archive"):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        z.writestr(f"{archive}/data.pkl", pkl)
        for key, data in (storages or {}).items():
            z.writestr(f"{archive}/data/{key}", data)
        z.writestr(f"{archive}/version", "3\n")
    return buf.getvalue()


class Reduce:
    def __init__(self, fn, args):
        self.fn, self.args = fn, args

    def __reduce__(self):
        return (self.fn, self.args)


PWNED = os.path.join(OUT, "pwned")
put("pickle_os_system.pt", torch_zip(pickle.dumps(
    {"w": Reduce(os.system, ("touch " + PWNED,))}, protocol=2)), "system`")
put("pickle_eval.pt", torch_zip(pickle.dumps(Reduce(eval, ("1+1",)), protocol=4)), "builtins.eval")
put("pickle_user_class.pt", torch_zip(b"\x80\x02c__main__\nModel\nq\x00)\x81q\x01."), "__main__.Model")
put("pickle_deep.pt", torch_zip(b"\x80\x02" + b"]" * 100000 + b"a" * 99999 + b"."), "deeper than")
bomb = b"\x80\x02]q\x00"
for i in range(1, 62):
    bomb += b"](h" + bytes([i - 1]) + b"h" + bytes([i - 1]) + b"eq" + bytes([i]) + b"00h" + bytes([i])
put("pickle_shared_bomb.pt", torch_zip(bomb + b"."), "visit more than")
put("pickle_truncated.pt", torch_zip(b"\x80\x02}q\x00(X\x05\x00\x00\x00abc"), "truncated pickle")
put("pickle_text_opcode.pt", torch_zip(b"I12\n."), "unsupported pickle opcode")
put("pickle_stack_underflow.pt", torch_zip(b"\x80\x02s."), "empty stack")
put("pickle_memo_missing.pt", torch_zip(b"\x80\x02h\x07."), "memo")

sd = zipfile.ZipFile(os.path.join(GOOD, "state_dict.pt"))


def rewrite(skip=None, shrink=None):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        for info in sd.infolist():
            if info.filename == skip:
                continue
            data = sd.read(info.filename)
            if info.filename == shrink:
                data = data[:4]
            z.writestr(info.filename, data)
    return buf.getvalue()


put("torch_missing_storage.pt", rewrite(skip="state_dict/data/0"), "is not in the archive")
put("torch_short_storage.pt", rewrite(shrink="state_dict/data/0"), "holds 4 bytes")
whole = good("state_dict.pt")
put("torch_truncated.pt", whole[: len(whole) // 2], "zip")
put("legacy.pt", good("legacy.pt"), "unsupported legacy format")


def patch_sizes(data, member, size):
    """Sets the declared uncompressed size of member in both headers."""
    name = member.encode()
    i = data.find(b"PK\x03\x04" + data[4:4])
    out = bytearray(data)
    pos = 0
    while True:
        pos = out.find(b"PK\x01\x02", pos)
        if pos < 0:
            break
        nlen = struct.unpack_from("<H", out, pos + 28)[0]
        if bytes(out[pos + 46:pos + 46 + nlen]) == name:
            struct.pack_into("<I", out, pos + 24, size)
            local = struct.unpack_from("<I", out, pos + 42)[0]
            struct.pack_into("<I", out, local + 22, size)
        pos += 4
    return bytes(out)


put("zip_pkl_declares_huge.pt",
    patch_sizes(torch_zip(pickle.dumps({}, protocol=2)), "archive/data.pkl", 0xFFFFFFF0), "")
EXPECT["zip_pkl_declares_huge.pt"] = "data.pkl"


def npy_header(shape, descr="<f8"):
    h = repr({"descr": descr, "fortran_order": False, "shape": shape}).encode()
    h += b" " * (-(len(h) + 11) % 64) + b"\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(h)) + h


npz = io.BytesIO()
with zipfile.ZipFile(npz, "w", zipfile.ZIP_STORED) as z:
    z.writestr("x.npy", npy_header((10 ** 12,)) + b"\0" * 64)
put("npz_declares_huge.npz", patch_sizes(npz.getvalue(), "x.npy", 0xFFFFFFF0), "declares")

# A real zip bomb: 256 MiB of zeros deflated to a few hundred KiB. The
# header is valid, so the file lists fine; the reader must not inflate it.
bomb_path = os.path.join(OUT, "npz_zip_bomb.npz")
with zipfile.ZipFile(bomb_path, "w", zipfile.ZIP_DEFLATED) as z:
    with z.open("big.npy", "w", force_zip64=True) as f:
        f.write(npy_header((1 << 25,)))
        chunk = b"\0" * (1 << 24)
        for _ in range(16):
            f.write(chunk)
EXPECT["npz_zip_bomb.npz"] = ""

# --- GGUF
gg = good("tiny.gguf")
put("gguf_truncated.gguf", gg[:100], "more than the file holds")
put("gguf_v1.gguf", b"GGUF" + struct.pack("<IQQ", 1, 0, 0), "version 1")
put("gguf_many_tensors.gguf", b"GGUF" + struct.pack("<IQQ", 3, 1 << 60, 0), "tensors")
put("gguf_many_kv.gguf", b"GGUF" + struct.pack("<IQQ", 3, 0, 1 << 60), "metadata entries")
put("gguf_array_bomb.gguf", b"GGUF" + struct.pack("<IQQ", 3, 0, 1) + struct.pack("<Q", 1) + b"k" +
    struct.pack("<IIQ", 9, 8, 1 << 40) + b"\0" * 64, "elements but only")
put("gguf_string_bomb.gguf", b"GGUF" + struct.pack("<IQQ", 3, 0, 1) + struct.pack("<Q", 1) + b"k" +
    struct.pack("<IQ", 8, 1 << 50) + b"\0" * 64, "truncated GGUF")
nested = b"".join(struct.pack("<IQ", 9, 1) for _ in range(1000))
put("gguf_array_deep.gguf", b"GGUF" + struct.pack("<IQQ", 3, 0, 1) + struct.pack("<Q", 1) + b"k" +
    struct.pack("<I", 9) + nested + b"\0" * 64, "nest deeper")
one = (struct.pack("<Q", 1) + b"t" + struct.pack("<IQ", 1, 1 << 20) + struct.pack("<IQ", 0, 0))
put("gguf_tensor_past_end.gguf", b"GGUF" + struct.pack("<IQQ", 3, 1, 0) + one + b"\0" * 64,
    "past the end")

# --- npy and others
npy = good("single.npy")
put("npy_truncated.npy", npy[:-5], "truncated")
put("npy_bad_header.npy", b"\x93NUMPY\x01\x00" + struct.pack("<H", 10) + b"not a dict", "dict literal")
put("npy_header_huge.npy", b"\x93NUMPY\x02\x00" + struct.pack("<I", 1 << 30) + b"{", "exceeds the limit")
put("empty.pt", b"", "empty file")
put("garbage.bin", b"\x01\x02\x03 nothing here", "unrecognised checkpoint format")

json.dump(EXPECT, sys.stdout, indent=1)
