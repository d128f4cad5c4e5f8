"""What the grading sandbox costs: kernel start-up and a small notebook, plain vs sandboxed.

    python benchmarks/sandbox_overhead.py [REPEATS]

Prints the median (and min/max) seconds over REPEATS runs (default 7) of:
- bare python: ``python -c pass``, to show the fixed cost of creating the sandbox;
- kernel start: start the kernel, wait until it answers ``kernel_info``, shut it down;
- small notebook: the same 4-cell notebook (imports numpy, computes, prints) executed with plain
  nbclient and with ``execute_in_sandbox``.
Plain and sandboxed runs alternate, so a busy machine slows both alike.
"""

from __future__ import annotations

import asyncio
import statistics
import subprocess
import sys
import tempfile
import time

from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_notebook

from worldlab.grading.sandbox import (
    SandboxedKernelManager,
    SandboxPolicy,
    execute_in_sandbox,
    sandbox_argv,
    sandbox_problems,
)

CELLS = [
    "import numpy as np",
    "x = np.random.default_rng(0).normal(size=(200, 200))\ny = x @ x.T",
    "print(float(y.trace()))",
    "assert y.shape == (200, 200)",
]


def bare_python(sandboxed: bool) -> float:
    command = [sys.executable, "-c", "pass"]
    argv = sandbox_argv(command, SandboxPolicy()) if sandboxed else command
    start = time.perf_counter()
    subprocess.run(argv, check=True)
    return time.perf_counter() - start


async def kernel_start(manager_class: type, **traits) -> float:
    """Seconds to start a kernel, get its kernel_info reply, and shut it down."""
    start = time.perf_counter()
    km = manager_class(kernel_name="python3", **traits)
    await km.start_kernel(stderr=subprocess.DEVNULL)  # not the plain kernel's TCP warning
    kc = km.client()
    kc.start_channels()
    await kc.wait_for_ready(timeout=60)
    kc.stop_channels()
    await km.shutdown_kernel(now=True)
    return time.perf_counter() - start


def notebook_run(sandboxed: bool, workdir: str) -> float:
    nb = new_notebook(cells=[new_code_cell(c) for c in CELLS])
    start = time.perf_counter()
    if sandboxed:
        _, reason = execute_in_sandbox(nb, workdir, SandboxPolicy(), 30, 120)
        assert reason is None, reason
    else:
        client = NotebookClient(nb, timeout=30, kernel_name="python3", shutdown_kernel="immediate")
        client.execute(cwd=workdir, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def row(name: str, plain: list[float], boxed: list[float]) -> str:
    p, b = statistics.median(plain), statistics.median(boxed)
    return (
        f"{name:<16} {p:7.3f} ({min(plain):.3f}-{max(plain):.3f})   "
        f"{b:7.3f} ({min(boxed):.3f}-{max(boxed):.3f})   {b - p:+7.3f}  x{b / p:.2f}"
    )


def main(argv: list[str]) -> int:
    problems = sandbox_problems()
    if problems:
        print("no sandbox here:", "; ".join(problems))
        return 1
    repeats = int(argv[0]) if argv else 7
    policy = SandboxPolicy()
    workdir = tempfile.mkdtemp(prefix="sandbox-bench-")
    # Warm-up: file caches, the bwrap check, matplotlib's font cache.
    asyncio.run(kernel_start(AsyncKernelManager))
    asyncio.run(kernel_start(SandboxedKernelManager, policy=policy))
    bare_plain, bare_boxed, start_plain, start_boxed, nb_plain, nb_boxed = [], [], [], [], [], []
    for _ in range(repeats):
        bare_plain.append(bare_python(False))
        bare_boxed.append(bare_python(True))
        start_plain.append(asyncio.run(kernel_start(AsyncKernelManager)))
        start_boxed.append(asyncio.run(kernel_start(SandboxedKernelManager, policy=policy)))
        nb_plain.append(notebook_run(False, workdir))
        nb_boxed.append(notebook_run(True, workdir))
    print(f"seconds, median (min-max) of {repeats} runs; plain vs sandboxed")
    print(f"{'':<16} {'plain':>22}   {'sandboxed':>22}   {'extra':>7}  ratio")
    print(row("bare python", bare_plain, bare_boxed))
    print(row("kernel start", start_plain, start_boxed))
    print(row("small notebook", nb_plain, nb_boxed))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
