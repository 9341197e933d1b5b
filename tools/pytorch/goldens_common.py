"""Helpers shared by the golden-file generators in tools/pytorch.

Imported as ``goldens_common`` by make_goldens.py, make_cell_goldens.py and
make_attention_goldens.py. Those are run as scripts
(``/usr/bin/python3 tools/pytorch/<script>.py``), so Python puts this directory
first on sys.path and the import works from any working directory.

What the three generators share (see tools/pytorch/README.md):

  * float32 on the CPU, one thread, deterministic algorithms;
  * each case seeded from the script's base seed + crc32 of the case name;
  * a tensor is written as {"shape": [...], "data": [flat row-major floats]}
    (None / null when absent), every value being the Python float (double)
    holding the exact float32 value, so parsing it as float or as
    double-then-cast gives back the float32 bit-for-bit;
  * the file is {"generator": {...}, "cases": [...]} with one case per line;
  * the command line is just ``[--out PATH]``.
"""

import argparse
import json
import os
import sys
import zlib

import torch

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
GOLDENS_DIR = os.path.join(REPO_ROOT, "Tests", "RnnToolkit.Tests", "Goldens")


def tensor_json(t):
    """{"shape": [...], "data": [flat row-major floats]} or None."""
    if t is None:
        return None
    t = t.detach().to(torch.float32).contiguous()
    return {"shape": list(t.shape), "data": [float(v) for v in t.reshape(-1).tolist()]}


def scalar_json(t):
    """A one-element tensor (e.g. the loss) as the float holding its float32 value."""
    return float(t.detach().to(torch.float32).item())


def seed_for(base_seed, name):
    """Seeds torch's global RNG from base_seed and the crc32 of the case name."""
    torch.manual_seed((base_seed + zlib.crc32(name.encode("utf-8"))) % (2 ** 31))


def uniform(*shape, lo=-1.0, hi=1.0):
    """A new float32 tensor of the given shape drawn from uniform(lo, hi)."""
    return torch.empty(*shape, dtype=torch.float32).uniform_(lo, hi)


def init_params(module, lo=-0.5, hi=0.5):
    """Redraws every parameter of module, in named_parameters() order, from uniform(lo, hi)."""
    with torch.no_grad():
        for _, p in module.named_parameters():
            p.uniform_(lo, hi)


def write_goldens(doc, path):
    """Writes doc as compact JSON, one case per line, and reports the size on stderr."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    text = json.dumps(doc, separators=(",", ":"), allow_nan=False)
    # One case per line keeps diffs readable without bloating the file.
    text = text.replace(',"cases":[{', ',\n"cases":[\n{').replace('},{"name"', '},\n{"name"')
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
        f.write("\n")
    print("wrote %s: %d cases, %d bytes" % (path, len(doc["cases"]), os.path.getsize(path)), file=sys.stderr)


def run(docstring, script, base_seed, out_name, generator, all_cases):
    """The generators' main(): parses ``[--out PATH]`` and writes the golden file.

    docstring: the script's __doc__ (its first line is the --help description);
    script: the script's path from the repository root (recorded with the command);
    base_seed: the script's fixed seed; out_name: default file name in GOLDENS_DIR;
    generator: extra "generator" fields after the common ones ("sizes", "loss", ...);
    all_cases: called once torch is seeded and set up, returns the list of cases.
    """
    ap = argparse.ArgumentParser(description=docstring.split("\n")[0])
    ap.add_argument("--out", default=os.path.join(GOLDENS_DIR, out_name),
                    help="output JSON path (default: %(default)s)")
    args = ap.parse_args()

    torch.manual_seed(base_seed)
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)

    gen = {
        "script": script,
        "command": "/usr/bin/python3 " + script,
        "torch": torch.__version__,
        "python": sys.version.split()[0],
        "seed": base_seed,
        "dtype": "float32",
    }
    gen.update(generator)
    doc = {"generator": gen, "cases": all_cases()}
    write_goldens(doc, args.out)
