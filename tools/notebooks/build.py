#!/usr/bin/env python3
"""Builds the .ipynb notebooks from their .dib sources (Polyglot Notebooks' own text format).

    python3 tools/notebooks/build.py            # notebooks/src/*.dib -> notebooks/*.ipynb -> notebooks/apps/*.cs
    python3 tools/notebooks/build.py --check    # exit 1 if any .ipynb is out of date
    python3 tools/notebooks/build.py --no-apps  # only the .ipynb

After the notebooks, the runner exports them as .NET file-based apps into notebooks/apps
(`dotnet run --project Runner -c Release -- export notebooks --to app notebooks/apps`; Tests/Runner.Tests
checks they are current). A code cell tagged `local-feed` only adds the local package feed to the kernel: the
apps get it from notebooks/apps/NuGet.config instead.

A source is a .dib file: cells start with a line `#!markdown` or `#!csharp`. A C# cell whose first
line is `// tags: a, b` gets those Jupyter tags (e.g. `parameters`). Output: nbformat 4.5 with the
metadata Polyglot Notebooks writes (kernelspec .net-csharp, polyglot_notebook kernelInfo, per-cell
kernelName), indent 1, sorted keys, non-ASCII kept, no outputs. A committed notebook whose cells equal its
source's keeps the outputs that tools/notebooks/attach_outputs.py gave it (scripts/update-notebooks.sh runs both),
and so does one whose code cells are unchanged (a markdown edit); --check compares the cells only. Only the standard library is used.
"""
import hashlib
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SRC = os.path.join(ROOT, "notebooks", "src")
OUT = os.path.join(ROOT, "notebooks")

NOTEBOOK_METADATA = {
    "kernelspec": {"display_name": ".NET (C#)", "language": "C#", "name": ".net-csharp"},
    "language_info": {"name": "C#"},
    "polyglot_notebook": {"kernelInfo": {"defaultKernelName": "csharp", "items": [{"aliases": [], "name": "csharp"}]}},
}


def cells_of(text):
    cells, kind, lines = [], None, []

    def flush():
        if kind is None:
            return
        while lines and not lines[-1].strip():
            lines.pop()
        while lines and not lines[0].strip():
            lines.pop(0)
        if lines:
            cells.append((kind, list(lines)))

    for line in text.splitlines():
        if line.strip() in ("#!markdown", "#!csharp", "#!c#"):
            flush()
            kind, lines = ("markdown" if line.strip() == "#!markdown" else "code"), []
        elif kind is None:
            if line.strip():
                raise SystemExit("text before the first #!markdown / #!csharp line")
        else:
            lines.append(line)
    flush()
    return cells


def cell_id(name, index, kind, source):
    return hashlib.sha1(f"{name}/{index}/{kind}/{source}".encode()).hexdigest()[:12]


def build(name, text):
    cells = []
    for index, (kind, lines) in enumerate(cells_of(text)):
        source = "\n".join(lines)
        src_list = [l + "\n" for l in lines[:-1]] + [lines[-1]]
        if kind == "markdown":
            cells.append({"cell_type": "markdown", "id": cell_id(name, index, kind, source), "metadata": {}, "source": src_list})
            continue
        metadata = {"dotnet_interactive": {"language": "csharp"}, "polyglot_notebook": {"kernelName": "csharp"}}
        if lines[0].startswith("// tags:"):
            metadata["tags"] = [t.strip() for t in lines[0][len("// tags:"):].split(",") if t.strip()]
        cells.append({"cell_type": "code", "execution_count": None, "id": cell_id(name, index, kind, source),
                      "metadata": metadata, "outputs": [], "source": src_list})
    nb = {"cells": cells, "metadata": NOTEBOOK_METADATA, "nbformat": 4, "nbformat_minor": 5}
    return json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def without_outputs(text):
    """A notebook's text as build() writes it: code cells with no outputs and no execution count."""
    try:
        nb = json.loads(text)
    except json.JSONDecodeError:       # e.g. merge-conflict markers: rebuilt from the source
        return None
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            cell["outputs"], cell["execution_count"] = [], None
    return json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def with_outputs_of(current, text):
    """The built notebook with the outputs of the current one when only markdown changed: the code cells, in order,
    are the same, so a run of the new notebook would give the same outputs. Otherwise the built one, without outputs."""
    try:
        old = json.loads(current)
    except json.JSONDecodeError:
        return text
    new = json.loads(text)
    old_code = [c for c in old.get("cells", []) if c.get("cell_type") == "code"]
    new_code = [c for c in new["cells"] if c["cell_type"] == "code"]
    if [c.get("source") for c in old_code] != [c["source"] for c in new_code]:
        return text
    for o, n in zip(old_code, new_code):
        n["outputs"], n["execution_count"] = o.get("outputs", []), o.get("execution_count")
    return json.dumps(new, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def main():
    check = "--check" in sys.argv[1:]
    stale = []
    for f in sorted(os.listdir(SRC)):
        if not f.endswith(".dib"):
            continue
        name = f[:-4]
        with open(os.path.join(SRC, f), encoding="utf-8") as fh:
            text = build(name, fh.read())
        target = os.path.join(OUT, name + ".ipynb")
        current = open(target, encoding="utf-8").read() if os.path.exists(target) else None
        if current is not None and without_outputs(current) == text:
            continue
        if current is not None and not check:
            text = with_outputs_of(current, text)
        if check:
            stale.append(target)
            continue
        tmp = target + ".tmp"
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, target)
        print("wrote", os.path.relpath(target, ROOT))
    if stale:
        print("out of date (run python3 tools/notebooks/build.py):", *stale, sep="\n  ")
        sys.exit(1)
    if not check and "--no-apps" not in sys.argv[1:]:
        export = ["dotnet", "run", "--project", os.path.join(ROOT, "Runner"), "-c", "Release", "--",
                  "export", OUT, "--to", "app", os.path.join(OUT, "apps")]
        sys.exit(subprocess.run(export, cwd=ROOT).returncode)


if __name__ == "__main__":
    main()
