#!/usr/bin/env python3
"""Copies the outputs of executed notebooks into the committed ones, so GitHub and nbviewer show them.

    python3 tools/notebooks/attach_outputs.py <executed folder>

For each notebooks/<name>.ipynb, reads <executed folder>/<name>.ipynb (written by the runner from that same
notebook) and copies each code cell's `outputs` and `execution_count`, matched by cell id; everything else of the
committed notebook (sources, metadata, ids) stays as tools/notebooks/build.py wrote it, so run-dependent metadata
(papermill timings) does not churn the history. Refuses a run that failed or does not match the sources: an
executed notebook with an error output, a cell that did not run, or a different cell list. Uses nbformat to read,
validate and write (atomically: a temporary file, then a rename).
"""
import os
import sys

import nbformat

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NOTEBOOKS = os.path.join(ROOT, "notebooks")


def attach(committed_path, executed_path):
    committed = nbformat.read(committed_path, as_version=4)
    executed = nbformat.read(executed_path, as_version=4)
    ran = {c.get("id"): c for c in executed.cells if c.cell_type == "code"}
    code = [c for c in committed.cells if c.cell_type == "code"]
    if [c.get("id") for c in code] != list(ran):
        raise SystemExit(f"{executed_path}: its code cells are not those of {committed_path} (run it from the current sources)")
    for cell in code:
        run = ran[cell.get("id")]
        if run.source != cell.source:
            raise SystemExit(f"{executed_path}: cell {cell.get('id')} has other source than {committed_path}")
        if run.execution_count is None:
            raise SystemExit(f"{executed_path}: cell {cell.get('id')} did not run")
        if any(o.output_type == "error" for o in run.outputs):
            raise SystemExit(f"{executed_path}: cell {cell.get('id')} failed")
        cell.outputs = run.outputs
        cell.execution_count = run.execution_count
    nbformat.validate(committed)
    tmp = committed_path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(nbformat.writes(committed, version=4))
    os.replace(tmp, committed_path)


def main():
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    executed = sys.argv[1]
    names = sorted(f for f in os.listdir(NOTEBOOKS) if f.endswith(".ipynb"))
    missing = [n for n in names if not os.path.exists(os.path.join(executed, n))]
    if missing:
        raise SystemExit(f"{executed} lacks executed copies of: {', '.join(missing)}")
    for n in names:
        attach(os.path.join(NOTEBOOKS, n), os.path.join(executed, n))
        print("outputs attached:", os.path.join("notebooks", n))


if __name__ == "__main__":
    main()
