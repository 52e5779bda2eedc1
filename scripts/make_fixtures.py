#!/usr/bin/env python3
"""Make the PyTorch reference fixtures the C# tests compare against.

    apt-get update && apt-get install -y python3-torch     # PyTorch 1.13 from Debian
    /usr/bin/python3 scripts/make_fixtures.py               # (re)writes tests/fixtures/torch/
    /usr/bin/python3 scripts/make_fixtures.py --check       # regenerates in a temp dir, compares byte for byte

Use the Debian interpreter (/usr/bin/python3): that is where python3-torch installs. Everything runs in
float64 with fixed seeds on one thread, so two runs give identical files. The README in the output
folder is generated too (from scripts/fixturelib/README.template.md and the fixtures' descriptions).
"""
import argparse
import filecmp
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
DEFAULT_OUT = os.path.join(REPO, "tests", "fixtures", "torch")
COMMAND = "/usr/bin/python3 scripts/make_fixtures.py"
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True

from fixturelib import attention, core_ops, recurrent  # noqa: E402
from fixturelib.common import TORCH_VERSION, setup_torch  # noqa: E402

GROUPS = [("Issue 2: core ops, modules, optimisers", core_ops.MAKERS),
          ("Issue 3: attention and the Transformer", attention.MAKERS),
          ("Issue 5: recurrent cells", recurrent.MAKERS)]


def build():
    """[(group title, [fixture, ...]), ...] — every fixture made in memory, nothing written yet."""
    setup_torch()
    return [(title, [fx for maker in makers for fx in maker()]) for title, makers in GROUPS]


def readme(groups, sizes):
    with open(os.path.join(HERE, "fixturelib", "README.template.md"), encoding="utf-8") as f:
        template = f.read()
    rows = []
    for title, fixtures in groups:
        rows += [f"\n### {title}\n", "| file | bytes | what it holds |", "|---|---:|---|"]
        rows += [f"| `{fx.file_name}` | {sizes[fx.file_name]:,} | {fx.description.replace('|', '/')} |" for fx in fixtures]
    total = sum(sizes.values())
    return (template.replace("{{COMMAND}}", COMMAND).replace("{{TORCH_VERSION}}", TORCH_VERSION)
            .replace("{{TABLE}}", "\n".join(rows).lstrip("\n"))
            .replace("{{TOTAL}}", f"{len(sizes)} files, {total:,} bytes"))


def write_all(out_dir):
    groups = build()
    os.makedirs(out_dir, exist_ok=True)
    sizes = {}
    for _, fixtures in groups:
        for fx in fixtures:
            if fx.file_name in sizes:
                raise ValueError(f"two fixtures named {fx.file_name}")
            sizes[fx.file_name] = os.path.getsize(fx.write(out_dir))
    with open(os.path.join(out_dir, "README.md"), "w", encoding="utf-8", newline="\n") as f:
        f.write(readme(groups, sizes))
    return set(sizes) | {"README.md"}


def verify_written(out_dir):
    """Read the written files back: JSON floats round-trip, and each safetensors file holds exactly the
    param.* values of the JSON fixture it belongs to (F64 = transformer_2x2, F32 = transformer_2x2_f32)."""
    import json
    import struct
    from fixturelib.safetensors_io import read_safetensors
    for st, fx_name in [("transformer_f64.safetensors", "transformer_2x2.json"),
                        ("transformer_f32.safetensors", "transformer_2x2_f32.json")]:
        with open(os.path.join(out_dir, st), "rb") as f:
            tensors = read_safetensors(f.read())
        with open(os.path.join(out_dir, fx_name), encoding="utf-8") as f:
            params = {k[len("param."):]: v for k, v in json.load(f)["tensors"].items() if k.startswith("param.")}
        if sorted(params) != list(tensors):
            raise AssertionError(f"{st}: tensor names differ from {fx_name}")
        for k, t in tensors.items():
            if list(t.shape) != params[k]["shape"]:
                raise AssertionError(f"{st}: {k} shape {list(t.shape)} vs {params[k]['shape']}")
            as_bits = lambda vals: struct.pack(f"<{len(vals)}d", *vals)
            if as_bits(t.double().reshape(-1).tolist()) != as_bits(params[k]["data"]):
                raise AssertionError(f"{st}: {k} values differ from {fx_name}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=DEFAULT_OUT, help="output folder (default tests/fixtures/torch)")
    ap.add_argument("--check", action="store_true",
                    help="regenerate into a temp folder and fail unless it matches --out byte for byte")
    args = ap.parse_args()
    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            made = write_all(tmp)
            verify_written(tmp)
            present = set(os.listdir(args.out)) if os.path.isdir(args.out) else set()
            problems = [f"missing in {args.out}: {n}" for n in sorted(made - present)]
            problems += [f"not made by the script: {n}" for n in sorted(present - made)]
            problems += [f"differs: {n}" for n in sorted(made & present)
                         if not filecmp.cmp(os.path.join(tmp, n), os.path.join(args.out, n), shallow=False)]
        for p in problems:
            print(p)
        print("fixtures up to date" if not problems else f"{len(problems)} problem(s)")
        return 1 if problems else 0
    made = write_all(args.out)
    verify_written(args.out)
    for stale in sorted(set(os.listdir(args.out)) - made):
        if stale.endswith((".json", ".safetensors")):
            os.remove(os.path.join(args.out, stale))
            print(f"removed stale {stale}")
    print(f"wrote {len(made)} files to {os.path.relpath(args.out, REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
