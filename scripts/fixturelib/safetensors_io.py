"""A hand-written safetensors writer and a strict reader (no `safetensors` package needed).

Format (https://github.com/huggingface/safetensors):
    8 bytes   N, the header length, unsigned little-endian 64-bit
    N bytes   UTF-8 JSON: {"__metadata__": {str: str}, "<name>": {"dtype": "F64"|"F32", "shape": [...],
              "data_offsets": [begin, end]}, ...}, padded with spaces so 8 + N is a multiple of 8
    rest      the tensors' bytes, little-endian, row-major; offsets are relative to the start of this
              buffer, tensors are contiguous, in name order here, with no gaps.
"""
import json
import os
import struct

import numpy as np
import torch

_DTYPES = {"F64": (torch.float64, "<f8", 8), "F32": (torch.float32, "<f4", 4)}


class BinaryFile:
    """A non-JSON fixture file (bytes) with the description the README lists."""

    def __init__(self, file_name, description, data):
        self.file_name = file_name
        self.description = description
        self.data = data

    def write(self, out_dir):
        path = os.path.join(out_dir, self.file_name)
        with open(path, "wb") as f:
            f.write(self.data)
        return path


def write_safetensors(tensors, dtype, metadata=None):
    """bytes of a safetensors file holding tensors (name -> tensor) converted to dtype ("F64"/"F32")."""
    torch_dtype, np_dtype, _ = _DTYPES[dtype]
    header = {}
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    chunks, offset = [], 0
    for name in sorted(tensors):
        arr = tensors[name].detach().to(torch_dtype).contiguous().numpy().astype(np_dtype, copy=False)
        raw = arr.tobytes(order="C")
        header[name] = {"dtype": dtype, "shape": list(arr.shape), "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=True).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(chunks)


def read_safetensors(blob):
    """name -> tensor from safetensors bytes; raises ValueError naming the tensor on any inconsistency."""
    if len(blob) < 8:
        raise ValueError(f"safetensors: file is {len(blob)} bytes, shorter than the 8-byte header length")
    (n,) = struct.unpack("<Q", blob[:8])
    if 8 + n > len(blob):
        raise ValueError(f"safetensors: header length {n} runs past the end of the {len(blob)}-byte file")
    header = json.loads(blob[8:8 + n].decode("utf-8"))
    data = blob[8 + n:]
    header.pop("__metadata__", None)
    out, expected_begin = {}, 0
    for name, info in sorted(header.items(), key=lambda kv: kv[1]["data_offsets"][0]):
        if info["dtype"] not in _DTYPES:
            raise ValueError(f"safetensors: tensor {name} has unsupported dtype {info['dtype']}")
        torch_dtype, np_dtype, size = _DTYPES[info["dtype"]]
        begin, end = info["data_offsets"]
        count = int(np.prod(info["shape"], dtype=np.int64)) if info["shape"] else 1
        if begin != expected_begin:
            raise ValueError(f"safetensors: tensor {name} starts at {begin}, expected {expected_begin} (gap or overlap)")
        if end - begin != count * size:
            raise ValueError(f"safetensors: tensor {name} shape {info['shape']} {info['dtype']} needs "
                             f"{count * size} bytes, offsets give {end - begin}")
        if end > len(data):
            raise ValueError(f"safetensors: tensor {name} ends at {end}, past the {len(data)}-byte data buffer")
        arr = np.frombuffer(data[begin:end], dtype=np_dtype).reshape(info["shape"]).astype(np_dtype.lstrip("<"))
        out[name] = torch.from_numpy(arr.copy()).to(torch_dtype)
        expected_begin = end
    if expected_begin != len(data):
        raise ValueError(f"safetensors: {len(data) - expected_begin} trailing bytes after the last tensor")
    return dict(sorted(out.items()))


def read_safetensors_metadata(blob):
    (n,) = struct.unpack("<Q", blob[:8])
    return json.loads(blob[8:8 + n].decode("utf-8")).get("__metadata__", {})


def self_test(blob):
    """The reader must reject a truncated file and a header whose shape disagrees with its offsets."""
    def rejects(bad, what):
        try:
            read_safetensors(bad)
        except ValueError as e:
            return str(e)
        raise AssertionError(f"safetensors reader accepted a {what} file")
    rejects(blob[:-4], "truncated")
    rejects(blob[:5], "5-byte")
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + n].decode("utf-8"))
    name = next(k for k in header if k != "__metadata__")
    header[name]["shape"] = header[name]["shape"] + [2]
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    message = rejects(struct.pack("<Q", len(text)) + text + blob[8 + n:], "mismatched")
    if name not in message:
        raise AssertionError(f"safetensors reader error does not name the tensor: {message}")
