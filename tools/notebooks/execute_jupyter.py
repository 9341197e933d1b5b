#!/usr/bin/python3
"""Executes notebooks on a real Jupyter kernel with nbclient, as papermill and Binder do.

    /usr/bin/python3 tools/notebooks/execute_jupyter.py OUT_DIR NOTEBOOK.ipynb [...]
        [--kernel .net-csharp] [--timeout SECONDS_PER_CELL]

Each notebook runs unmodified, in its own folder (the kernel's working directory), on the kernelspec
given (default .net-csharp, registered by scripts/install-kernel.sh). The executed notebook is written
to OUT_DIR under the same name (a temporary file, then a rename); what the kernel process itself prints
(its host's log) goes to OUT_DIR/NAME.kernel.log. Prints one line per notebook with PASS/FAIL and
seconds; on a failure it prints the failing cell's ename, evalue and traceback.
Exit code 0 when every notebook passes, 1 otherwise. Uses Debian's python3-nbclient and python3-nbformat.
"""
import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError


class Client(NotebookClient):
    """Remembers the kernel's process group. The .net-csharp kernelspec runs `dotnet interactive`, which starts
    the tool's own process as a child; that child can outlive nbclient's shutdown and still hold the HTTP port
    the next kernel then picks (2048 of --http-port-range 2048-3000): "address already in use", kernel died."""
    pgid = None

    async def async_start_new_kernel(self, **kwargs):
        await super().async_start_new_kernel(**kwargs)
        self.pgid = getattr(self.km.provisioner, "pgid", None)


def group_alive(pgid):
    try:
        os.killpg(pgid, 0)
        return True
    except ProcessLookupError:
        return False


def wait_for_group_exit(pgid, seconds=30):
    """Waits until no process of the kernel's group is left; SIGKILLs the group after `seconds`."""
    if not pgid:
        return
    deadline = time.monotonic() + seconds
    while group_alive(pgid) and time.monotonic() < deadline:
        time.sleep(0.2)
    if group_alive(pgid):
        print(f"kernel process group {pgid} still running after {seconds} s: killing it", flush=True)
        os.killpg(pgid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while group_alive(pgid) and time.monotonic() < deadline:   # (an unreaped zombie would stay)
            time.sleep(0.2)


def first_error(nb):
    """The first error output of the executed notebook, with its cell index, or None."""
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                return index, output
    return None


def write_atomic(nb, path):
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".executing-", suffix=".ipynb", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            nbformat.write(nb, f)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def execute(path, out_dir, kernel, timeout):
    """Runs one notebook; returns (passed, seconds, message)."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:                 # as papermill and "Restart & Run All" do: only this run's outputs (the
        if cell.cell_type == "code":      # committed notebooks carry outputs; cells after a failure must not keep them)
            cell.outputs, cell.execution_count = [], None
    client = Client(nb, kernel_name=kernel, timeout=timeout,
                    resources={"metadata": {"path": os.path.dirname(os.path.abspath(path))}})
    start = time.monotonic()
    message = None
    log = os.path.join(out_dir, os.path.splitext(os.path.basename(path))[0] + ".kernel.log")
    try:
        with open(log, "w", encoding="utf-8") as f:
            client.execute(stdout=f, stderr=subprocess.STDOUT)   # passed on to the kernel's Popen
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as e:
        message = f"{type(e).__name__}: {e} (kernel log: {log})"
    finally:
        wait_for_group_exit(client.pgid)
    seconds = time.monotonic() - start
    write_atomic(nb, os.path.join(out_dir, os.path.basename(path)))
    error = first_error(nb)
    if error is not None:
        index, output = error
        traceback = "\n".join(output.get("traceback", []))
        message = (f"cell {index} failed: {output.get('ename')}: {output.get('evalue')}\n{traceback}"
                   + (f"\n{message}" if message and "CellExecutionError" not in message else ""))
    return message is None, seconds, message


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir")
    parser.add_argument("notebooks", nargs="+")
    parser.add_argument("--kernel", default=".net-csharp")
    parser.add_argument("--timeout", type=int, default=900, help="seconds one cell may take")
    args = parser.parse_args()
    # The .net-csharp kernelspec starts `dotnet interactive`, a global tool found through PATH.
    tools = os.path.expanduser("~/.dotnet/tools")
    if tools not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = os.environ.get("PATH", "") + os.pathsep + tools
    os.makedirs(args.out_dir, exist_ok=True)
    failed = 0
    for path in args.notebooks:
        passed, seconds, message = execute(path, args.out_dir, args.kernel, args.timeout)
        print(f"{'PASS' if passed else 'FAIL'} {os.path.basename(path)} {seconds:.1f} s", flush=True)
        if not passed:
            failed += 1
            print(message, flush=True)
    print(f"{len(args.notebooks) - failed} passed, {failed} failed", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
