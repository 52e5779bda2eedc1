"""The fixture file format and the small helpers every fixture maker shares.

A fixture is one JSON file:

    {"name": "...", "torch_version": "1.13...", "config": {...},
     "tensors": {"key": {"dtype": "float64", "shape": [d0, d1, ...], "data": [row-major values]}, ...}}

Keys: "param.<state_dict name>", "grad.<state_dict name>", "input.<name>", "output.<name>",
"grad_input.<name>". Masks are written as 0/1 with dtype "bool" (1 = masked / padding / not allowed).
Floats are written with Python's repr, which round-trips float64 exactly.
"""
import json
import os
import zlib

import torch

#: Every fixture records this, so a test can say which PyTorch made the numbers.
TORCH_VERSION = torch.__version__


def setup_torch():
    """float64 everywhere, one thread (same reduction order every run), no autocast."""
    torch.set_default_dtype(torch.float64)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)


def seed_for(name):
    """A fixed seed per fixture, derived from its name, so fixtures do not depend on each other's order."""
    seed = zlib.crc32(name.encode("utf-8"))
    torch.manual_seed(seed)
    return seed


def randn(*shape, scale=1.0):
    """A float64 standard normal tensor (from the global generator seeded by seed_for)."""
    return torch.randn(*shape, dtype=torch.float64) * scale


def leaf(t):
    """A detached copy of t that requires grad (an input we want the gradient of)."""
    return t.detach().clone().requires_grad_(True)


def causal_mask(t):
    """(t, t) bool, True above the diagonal: position i may not look at j > i."""
    return torch.triu(torch.ones(t, t, dtype=torch.bool), diagonal=1)


def padding_mask(lengths, t):
    """(batch, t) bool, True where position >= length (padding)."""
    return torch.arange(t).unsqueeze(0) >= torch.tensor(lengths).unsqueeze(1)


def perturb_params(module, bias_scale=0.2, norm_scale=0.2):
    """Make default-initialised constants non-trivial so tests can catch swapped or missing terms.

    PyTorch initialises LayerNorm to weight 1 / bias 0 and MultiheadAttention's biases to 0; a
    test against those would not notice a missing bias. Every parameter whose name contains
    "bias" becomes bias_scale * N(0, 1); every LayerNorm weight becomes 1 + norm_scale * N(0, 1).
    Order is named_parameters() order, so it is deterministic.
    """
    norm_weights = {id(m.weight) for m in module.modules()
                    if isinstance(m, torch.nn.LayerNorm) and m.weight is not None}
    with torch.no_grad():
        for name, p in module.named_parameters():
            if id(p) in norm_weights:
                p.copy_(1.0 + norm_scale * torch.randn(p.shape))
            elif "bias" in name.split(".")[-1]:
                p.copy_(bias_scale * torch.randn(p.shape))


def _encode(t):
    t = torch.as_tensor(t).detach()
    if t.dtype == torch.bool:
        dtype, data = "bool", [int(v) for v in t.reshape(-1).tolist()]
    elif t.dtype in (torch.int64, torch.int32, torch.int16, torch.int8, torch.uint8):
        dtype, data = "int64", [int(v) for v in t.reshape(-1).tolist()]
    elif t.dtype in (torch.float64, torch.float32):
        dtype, data = "float64", [float(v) for v in t.double().reshape(-1).tolist()]
    else:
        raise TypeError(f"unsupported dtype {t.dtype}")
    return {"dtype": dtype, "shape": list(t.shape), "data": data}


class Fixture:
    """Collects config and named tensors, then writes one JSON file (one tensor per line)."""

    def __init__(self, name, description, config=None):
        self.name = name
        self.description = description
        self.config = dict(config or {})
        self.tensors = {}

    def add(self, key, tensor):
        if key in self.tensors:
            raise KeyError(f"{self.name}: tensor {key} added twice")
        self.tensors[key] = _encode(tensor)
        return tensor

    def add_params(self, module, prefix="param."):
        for name, p in module.state_dict(keep_vars=True).items():
            self.add(prefix + name, p)

    def add_grads(self, module, prefix="grad."):
        for name, p in module.named_parameters():
            if p.grad is None:
                raise ValueError(f"{self.name}: parameter {name} has no gradient")
            self.add(prefix + name, p.grad)

    def add_io(self, inputs, outputs, grads_of=(), module=None):
        """input.<k> for each input, output.<k> for each output, grad_input.<k> (the .grad of the input
        leaves named in grads_of) and, given a module, grad.<name> for all its parameters."""
        for k, v in inputs.items():
            self.add("input." + k, v)
        for k, v in outputs.items():
            self.add("output." + k, v)
        for k in grads_of:
            self.add("grad_input." + k, inputs[k].grad)
        if module is not None:
            self.add_grads(module)

    @property
    def file_name(self):
        return self.name + ".json"

    def to_json(self):
        dump = lambda v: json.dumps(v, allow_nan=False, ensure_ascii=False)
        lines = ["{",
                 f'  "name": {dump(self.name)},',
                 f'  "description": {dump(self.description)},',
                 f'  "torch_version": {dump(TORCH_VERSION)},',
                 f'  "config": {dump(self.config)},',
                 '  "tensors": {']
        items = list(self.tensors.items())
        for i, (key, value) in enumerate(items):
            comma = "," if i + 1 < len(items) else ""
            lines.append(f"    {dump(key)}: {dump(value)}{comma}")
        lines += ["  }", "}", ""]
        return "\n".join(lines)

    def write(self, out_dir):
        path = os.path.join(out_dir, self.file_name)
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write(self.to_json())
        return path


def assert_close(name, a, b, tol=1e-12):
    """Self-check of the generator: our hand formula against PyTorch (fails loudly, never silently)."""
    a, b = torch.as_tensor(a).double(), torch.as_tensor(b).double()
    if a.shape != b.shape:
        raise AssertionError(f"{name}: shapes {tuple(a.shape)} vs {tuple(b.shape)}")
    err = (a - b).abs().max().item() if a.numel() else 0.0
    if not err <= tol:
        raise AssertionError(f"{name}: max |difference| {err} > {tol}")
