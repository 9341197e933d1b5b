#!/usr/bin/python3
"""Start-up and per-cell overhead of the headless runner beside the real kernel under Jupyter, side by side.

Each round runs, in turn, a 1-cell notebook and a (1 + N)-cell notebook of trivial cells (`var vI = I;`)
  - runner:  a fresh `dotnet RnnToolkit.Runner.dll` process (it hosts the .NET Interactive C# kernel in-process);
  - jupyter: nbclient on kernel `.net-csharp` (the dotnet-interactive tool 1.0.712001), a fresh kernel each time.
"start to first cell" is the wall time of the 1-cell run (process or kernel start, first cell, save);
"per cell" is (wall(1 + N) - wall(1)) / N. Prints the median across rounds.
Usage: tools/notebooks/bench_kernel.py [--rounds 3] [--cells 80] [--runner path/to/RnnToolkit.Runner.dll]
"""
import argparse, os, statistics, subprocess, sys, tempfile, time
import nbformat
from nbclient import NotebookClient

def notebook(cells):
    nb = nbformat.v4.new_notebook()
    nb.metadata = {"kernelspec": {"name": ".net-csharp", "display_name": ".NET (C#)", "language": "C#"},
                   "language_info": {"name": "C#"}}
    nb.cells = [nbformat.v4.new_code_cell(f"var v{i} = {i};") for i in range(cells)]
    return nb

def run_runner(runner, path):
    start = time.perf_counter()
    subprocess.run(["dotnet", runner, path, path + ".out.ipynb"], check=True, capture_output=True)
    return time.perf_counter() - start

def run_jupyter(path):
    nb = nbformat.read(path, 4)
    start = time.perf_counter()
    NotebookClient(nb, kernel_name=".net-csharp", timeout=600).execute()
    nbformat.write(nb, path + ".jup.ipynb")
    return time.perf_counter() - start

def hosts(a):
    yield "runner", lambda p: run_runner(a.runner, p)
    if not a.runner_only:
        yield "jupyter", run_jupyter

def main():
    here = os.path.dirname(os.path.abspath(__file__))
    default_runner = os.path.join(here, "..", "..", "Runner", "bin", "Release", "net10.0", "RnnToolkit.Runner.dll")
    args = argparse.ArgumentParser()
    args.add_argument("--rounds", type=int, default=3)
    args.add_argument("--cells", type=int, default=80)
    args.add_argument("--runner", default=default_runner)
    args.add_argument("--runner-only", action="store_true", help="skip the Jupyter side")
    a = args.parse_args()
    if not os.path.exists(a.runner):
        sys.exit(f"error: {a.runner} not found; build it first: dotnet build Runner -c Release")
    os.environ["PATH"] += os.pathsep + os.path.expanduser("~/.dotnet/tools")
    with tempfile.TemporaryDirectory() as tmp:
        one, many = os.path.join(tmp, "one.ipynb"), os.path.join(tmp, "many.ipynb")
        nbformat.write(notebook(1), one)
        nbformat.write(notebook(1 + a.cells), many)
        figures = {name: ([], []) for name, _ in hosts(a)}
        for _ in range(a.rounds):
            for name, run in hosts(a):
                first, total = run(one), run(many)
                figures[name][0].append(first)
                figures[name][1].append((total - first) / a.cells * 1000)
    print(f"start to first cell and per trivial cell, {a.cells} cells, median of {a.rounds} rounds (side by side)")
    print(f"{'host':<40} {'start to first cell s':>22} {'per cell ms':>12}")
    labels = {"runner": "runner (kernel in-process)", "jupyter": "Jupyter + dotnet-interactive 1.0.712001"}
    for name, (first, per_cell) in figures.items():
        print(f"{labels[name]:<40} {statistics.median(first):>22.2f} {statistics.median(per_cell):>12.1f}")

if __name__ == "__main__":
    main()
