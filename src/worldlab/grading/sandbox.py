"""Run an untrusted student notebook in a kernel sandboxed with bubblewrap.

A submission is code written by someone else that the grader runs on the instructor's machine.
Run plainly, it can read the solutions and hidden tests, rewrite or delete the gradebook and use
the network. This module starts the notebook's ipykernel inside a bubblewrap (``bwrap``) sandbox:

* **What the kernel sees** (:class:`SandboxPolicy`): the Python environment and the system folders
  it needs, read-only; the course data read-only at :data:`DATA_MOUNT` (``WORLDLAB_DATA`` points
  there); a private working folder that starts as a copy of the submission folder and is the
  kernel's cwd; a private ``HOME`` and ``/tmp``. Those three are size-limited in-memory file
  systems that vanish with the kernel, so nothing the kernel writes outlives the run. Nothing
  else of the host is there: not ``/work``, not ``/root``, not the course sources, solutions,
  other submissions or the gradebook.
* **What it cannot do**: no network (own network namespace, loopback only), own PID/IPC/UTS
  namespaces, a new session (no terminal injection), no capabilities, ``no_new_privs``. As root
  the kernel runs under a real unprivileged uid of its own (leased per kernel from
  :attr:`SandboxPolicy.uid_range`), so file permissions apply on top of the mount isolation and
  ``RLIMIT_NPROC`` is enforced per sandbox (it is never enforced for uid 0).
* **Limits**: address space, processes (threads count), CPU seconds, file size, open files (with
  ``prlimit``); per-cell timeout, notebook wall time and output size (in :func:`execute_in_sandbox`).

The kernel talks to the grader over jupyter's ``ipc`` transport, since a kernel in its own
network namespace cannot reach the grader's TCP loopback: it binds Unix sockets in its own
``/tmp`` and the grader reaches them through the sandbox's root directory, so no host folder is
writable from inside. Killing the kernel kills its whole PID namespace, so nothing it spawned
survives.

When the grader is not root, bwrap creates a user namespace instead (uid 65534 inside, the
grader's uid outside): the same mounts and limits apply, ``RLIMIT_NPROC`` is counted per
namespace (Linux >= 5.14), and there is no second uid, so file permissions do not add to the
mount isolation.

Use it from nbclient or nbconvert with ``kernel_manager_class = SandboxedKernelManager`` (and
``SandboxedKernelManager.policy`` in the config; for nbgrader's ``Execute`` see the class), or
call :func:`execute_in_sandbox`, which also enforces the notebook-level limits (wall time,
output size, a cell that ignores the interrupt) and reports why a run ended abnormally.
"""

from __future__ import annotations

from worldlab.grading.guarded_client import (
    CELL_TIMEOUT,
    INTERRUPT_IGNORED,
    KERNEL_DIED,
    MEMORY_LIMIT,
    OUTPUT_LIMIT,
    PROCESS_LIMIT,
    WALL_TIME,
    SandboxEvent,
    SandboxRun,
    async_run_in_sandbox,
    execute_in_sandbox,
    run_in_sandbox,
)
from worldlab.grading.sandbox_kernel import (  # noqa: F401 - _describe_exit for the tests
    SandboxedKernelManager,
    _describe_exit,
)
from worldlab.grading.sandbox_policy import (
    BWRAP_MISSING_MESSAGE,
    DATA_MOUNT,
    SANDBOX_HOME,
    SANDBOX_WORKDIR,
    SandboxPolicy,
    SandboxStartError,
    SandboxUnavailableError,
    bubblewrap_available,
    default_ro_paths,
    require_sandbox,
    sandbox_argv,
    sandbox_problems,
    shutil,  # noqa: F401 - the tests patch shutil.which through this module
)

__all__ = [
    "BWRAP_MISSING_MESSAGE",
    "CELL_TIMEOUT",
    "DATA_MOUNT",
    "INTERRUPT_IGNORED",
    "KERNEL_DIED",
    "MEMORY_LIMIT",
    "OUTPUT_LIMIT",
    "PROCESS_LIMIT",
    "SANDBOX_HOME",
    "SANDBOX_WORKDIR",
    "WALL_TIME",
    "SandboxEvent",
    "SandboxPolicy",
    "SandboxRun",
    "SandboxStartError",
    "SandboxUnavailableError",
    "SandboxedKernelManager",
    "async_run_in_sandbox",
    "bubblewrap_available",
    "default_ro_paths",
    "execute_in_sandbox",
    "require_sandbox",
    "run_in_sandbox",
    "sandbox_argv",
    "sandbox_problems",
]
