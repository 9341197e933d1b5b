#!/usr/bin/python3
"""Start-up and per-cell overhead of the headless runner beside the real kernel under Jupyter, side by side.

Each round runs, in turn, a 1-cell notebook and a (1 + N)-cell notebook of trivial cells (`var vI = I;`)
  - runner:  a fresh `dotnet RnnToolkit.Runner.dll` process (it hosts the .NET Interactive C# kernel in-process);
  - jupyter: nbclient on kernel `.net-csharp` (the dotnet-interactive tool 1.0.712001), a fresh kernel each time.
"start to first cell" is the wall time of the 1-cell run (process or kernel start, first cell, save);
"per cell" is (wall(1 + N) - wall(1)) / N. Prints the median across rounds and the range (lowest-highest round), and
for the runner also the same figures in CPU time (user + system of the process), which a loaded machine disturbs less.
--baseline-runner adds a second runner build (e.g. one of main) to the alternation, to compare two builds side by side.
Usage: tools/notebooks/bench_kernel.py [--rounds 3] [--cells 80] [--runner path/to/RnnToolkit.Runner.dll]
                                       [--baseline-runner path/to/other/RnnToolkit.Runner.dll] [--runner-only]
"""
import argparse, os, resource, statistics, subprocess, sys, tempfile, time
import nbformat
from nbclient import NotebookClient

def notebook(cells):
    nb = nbformat.v4.new_notebook()
    nb.metadata = {"kernelspec": {"name": ".net-csharp", "display_name": ".NET (C#)", "language": "C#"},
                   "language_info": {"name": "C#"}}
    nb.cells = [nbformat.v4.new_code_cell(f"var v{i} = {i};") for i in range(cells)]
    return nb

CPU = {}  # runner -> path -> CPU seconds (user + system) of each run: the load disturbs them much less than wall times

def run_runner(runner, path):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(["dotnet", runner, path, path + ".out.ipynb"], check=True, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    CPU.setdefault(runner, {}).setdefault(os.path.basename(path), []).append(cpu)
    return wall

def run_jupyter(path):
    nb = nbformat.read(path, 4)
    start = time.perf_counter()
    NotebookClient(nb, kernel_name=".net-csharp", timeout=600).execute()
    nbformat.write(nb, path + ".jup.ipynb")
    return time.perf_counter() - start

def hosts(a):
    yield "runner", lambda p: run_runner(a.runner, p)
    if a.baseline_runner:
        yield "baseline", lambda p: run_runner(a.baseline_runner, p)
    if not a.runner_only:
        yield "jupyter", run_jupyter

def main():
    here = os.path.dirname(os.path.abspath(__file__))
    default_runner = os.path.join(here, "..", "..", "Runner", "bin", "Release", "net10.0", "RnnToolkit.Runner.dll")
    args = argparse.ArgumentParser()
    args.add_argument("--rounds", type=int, default=3)
    args.add_argument("--cells", type=int, default=80)
    args.add_argument("--runner", default=default_runner)
    args.add_argument("--baseline-runner", help="another runner build to alternate with --runner")
    args.add_argument("--runner-only", action="store_true", help="skip the Jupyter side")
    a = args.parse_args()
    for runner in filter(None, [a.runner, a.baseline_runner]):
        if not os.path.exists(runner):
            sys.exit(f"error: {runner} not found; build it first: dotnet build Runner -c Release")
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
    load = os.getloadavg()
    print(f"start to first cell and per trivial cell, {a.cells} cells, median of {a.rounds} rounds (side by side), "
          f"range = lowest-highest round; load average at the end {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    print(f"{'host':<40} {'start to first cell s':>22} {'range':>11} {'per cell ms':>12} {'range':>11}")
    labels = {"runner": "runner (kernel in-process)", "baseline": "runner, baseline build",
              "jupyter": "Jupyter + dotnet-interactive 1.0.712001"}
    runners = {"runner": a.runner, "baseline": a.baseline_runner}
    rows = []
    for name, (first, per_cell) in figures.items():
        rows.append((labels[name], first, per_cell))
        if name in runners:
            one, many = CPU[runners[name]]["one.ipynb"], CPU[runners[name]]["many.ipynb"]
            rows.append(("  the same in CPU time (user + system)", one, [(m - o) / a.cells * 1000 for o, m in zip(one, many)]))
    for label, first, per_cell in rows:
        print(f"{label:<40} {statistics.median(first):>22.2f} {min(first):>5.2f}-{max(first):<5.2f} "
              f"{statistics.median(per_cell):>12.1f} {min(per_cell):>5.1f}-{max(per_cell):<5.1f}")

if __name__ == "__main__":
    main()
