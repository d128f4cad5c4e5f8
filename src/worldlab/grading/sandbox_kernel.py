"""The jupyter kernel manager that starts kernels inside the bubblewrap sandbox.

See :class:`SandboxedKernelManager`; the policy and command line are in
:mod:`worldlab.grading.sandbox_policy`.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import tempfile
import time
from pathlib import Path
from typing import Any

from jupyter_client.manager import AsyncKernelManager
from traitlets import Instance, Unicode

from worldlab.grading.sandbox_policy import (
    _KERNEL_IPC,
    UNPRIVILEGED_SANDBOX_UID,
    SandboxPolicy,
    _privileged,
    _UidLease,
    require_sandbox,
    sandbox_argv,
)

# --------------------------------------------------------------------------------------------
# The kernel manager
# --------------------------------------------------------------------------------------------


def _describe_exit(returncode: int | None) -> str:
    if returncode is None:
        return "exit status unknown"
    if returncode >= 128 or returncode < 0:
        number = returncode - 128 if returncode >= 128 else -returncode
        try:
            name = signal.Signals(number).name
        except ValueError:
            name = f"signal {number}"
        causes = {
            "SIGXCPU": " (CPU time limit)",
            "SIGXFSZ": " (file size limit)",
            "SIGKILL": "",
            "SIGSEGV": " (crash)",
            "SIGABRT": " (abort, often out of memory)",
            "SIGBUS": " (crash)",
        }
        return f"killed by {name}{causes.get(name, '')}"
    return f"exit code {returncode}"


class SandboxedKernelManager(AsyncKernelManager):
    """A jupyter kernel manager whose kernels run inside the bubblewrap sandbox.

    Drop-in for nbclient and nbconvert::

        c.ExecutePreprocessor.kernel_manager_class = SandboxedKernelManager
        c.SandboxedKernelManager.policy = SandboxPolicy(data_dir=..., deny=(...))

    nbgrader 0.9.6's ``Execute`` ignores ``kernel_manager_class`` from the config (its
    ``__init__`` passes ``AsyncKernelManager`` as a keyword): subclass it and pass
    ``kernel_manager_class=SandboxedKernelManager`` to ``super().__init__`` instead.

    Each kernel gets a private host folder (``/tmp/wl-sbx-*``, removed at cleanup) holding its
    connection file and ``sandbox.log``, bound *read-only* into the sandbox, and (as root) an
    unprivileged uid of its own. The kernel binds its ``ipc`` sockets in the sandbox's own
    ``/tmp``; the grader reaches them through the sandbox's root directory, held open as a file
    descriptor (``/proc/<grader>/fd/<n>/tmp/kernel-ipc-*``), so no host folder is ever writable
    by the kernel. Interrupts go over the control channel (SIGINT to bwrap would kill the
    sandbox); killing the kernel kills its whole PID namespace. A restart starts a new sandbox
    from the same working-folder copy.

    Alone, the manager bounds what a kernel can reach and use, not how long it runs: nbclient
    with ``interrupt_on_timeout`` and no ``error_on_timeout`` re-interrupts a cell that ignores
    KeyboardInterrupt forever. nbgrader's settings (``error_on_timeout`` and
    ``raise_on_iopub_timeout``) end such a run with CellTimeoutError after the timeout plus
    about 7 s, and the sandbox is then killed; :func:`execute_in_sandbox` also keeps the outputs.
    """

    policy = Instance(
        SandboxPolicy, allow_none=True, help="The sandbox (default SandboxPolicy())."
    ).tag(config=True)
    workdir = Unicode(
        "",
        help="Host folder copied into the kernel's working folder (default: policy.workdir, "
        "else the cwd passed to start_kernel).",
    ).tag(config=True)

    _sbx_runtime: Path | None = None
    _sbx_lease: _UidLease | None = None
    _sbx_uid: int = UNPRIVILEGED_SANDBOX_UID
    _sbx_workdir: Path | None = None
    _sbx_returncode: int | None = None
    _sbx_root_fd: int | None = None
    _sbx_last_log: str = ""

    @property
    def sandbox_policy(self) -> SandboxPolicy:
        return self.policy if self.policy is not None else SandboxPolicy()

    @property
    def runtime_dir(self) -> Path | None:
        """The private folder of the connection file, sockets and ``sandbox.log``."""
        return self._sbx_runtime

    async def _async_pre_start_kernel(self, **kw: Any) -> tuple[list[str], dict[str, Any]]:
        require_sandbox()
        policy = self.sandbox_policy
        cwd = kw.pop("cwd", None)
        if self._sbx_runtime is None:  # first start (a restart keeps everything)
            if self.workdir:
                self._sbx_workdir = Path(self.workdir)
            elif policy.workdir is not None:
                self._sbx_workdir = policy.workdir
            elif cwd:
                self._sbx_workdir = Path(cwd)
            runtime = Path(tempfile.mkdtemp(prefix="wl-sbx-"))
            self._sbx_runtime = runtime
            runtime.chmod(0o711)  # the kernel may open its connection file, not list the folder
            if _privileged():
                if policy.uid is not None:
                    self._sbx_uid = policy.uid
                else:
                    self._sbx_lease = _UidLease(*policy.uid_range)
                    self._sbx_uid = self._sbx_lease.uid
            self.transport = "ipc"
            self.connection_file = str(runtime / "kernel.json")
        self._close_root_fd()
        self.ip = _KERNEL_IPC  # as the kernel sees it; the grader's path is set after launch
        kw["cwd"] = str(self._sbx_runtime)
        return await super()._async_pre_start_kernel(**kw)

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
        assert self._sbx_runtime is not None
        policy = self.sandbox_policy
        grader_env = kw.pop("env", None) or {}
        spec_env = dict(self.kernel_spec.env) if self.kernel_spec else {}
        kernel_env = {k: grader_env[k] for k in spec_env if k in grader_env}
        if _privileged():
            os.chown(self.connection_file, self._sbx_uid, self._sbx_uid)
        argv = sandbox_argv(
            kernel_cmd,
            policy,
            workdir=self._sbx_workdir,
            expose=[self._sbx_runtime],
            env=kernel_env,
            uid=self._sbx_uid,
        )
        self._sbx_returncode = None
        with open(self._sbx_runtime / "sandbox.log", "ab") as log:
            kw.update(
                env={"PATH": os.environ.get("PATH", os.defpath)},
                stdout=log,
                stderr=log,
                cwd=str(self._sbx_runtime),
            )
            await super()._async_launch_kernel(argv, **kw)
        root = await self._open_sandbox_root()
        if root is not None:
            self._sbx_root_fd = root
            self.ip = f"/proc/{os.getpid()}/fd/{root}{_KERNEL_IPC}"

    async def _open_sandbox_root(self, timeout: float = 30.0) -> int | None:
        """A descriptor of the sandbox's root directory, once bwrap has set it up."""
        process = getattr(self.provisioner, "process", None)
        outer = getattr(self.provisioner, "pid", None)
        deadline = time.monotonic() + timeout
        while process is not None and process.poll() is None and time.monotonic() < deadline:
            children = _children_map()
            inits = children.get(outer, [])  # bwrap -> bwrap as pid 1 (after pivot_root) ->
            commands = children.get(inits[0], []) if inits else []  # the command
            if commands:
                try:
                    return os.open(f"/proc/{commands[0]}/root", os.O_PATH | os.O_DIRECTORY)
                except OSError:
                    pass  # it is exiting; poll() will tell
            await asyncio.sleep(0.005)
        return None

    def _close_root_fd(self) -> None:
        if self._sbx_root_fd is not None:
            os.close(self._sbx_root_fd)
            self._sbx_root_fd = None

    async def _async_interrupt_kernel(self) -> None:
        # SIGINT to bwrap would kill the sandbox: interrupt with a control message instead.
        if self.has_kernel:
            msg = self.session.msg("interrupt_request", content={})
            self._connect_control_socket()
            self.session.send(self._control_socket, msg)
        else:
            await super()._async_interrupt_kernel()

    # AsyncKernelManager's public names are bound to the base class's functions: re-point them.
    interrupt_kernel = _async_interrupt_kernel

    async def _async_is_alive(self) -> bool:
        alive = await super()._async_is_alive()
        if not alive and self.provisioner is not None:
            process = getattr(self.provisioner, "process", None)
            if process is not None and process.returncode is not None:
                self._sbx_returncode = process.returncode
        return alive

    is_alive = _async_is_alive

    def exit_description(self) -> str:
        """How the sandboxed kernel ended, e.g. ``"exit code 1"`` or ``"killed by SIGKILL"``."""
        process = getattr(self.provisioner, "process", None)
        if process is not None and process.poll() is not None:
            self._sbx_returncode = process.returncode
        return _describe_exit(self._sbx_returncode)

    def sandbox_log(self, limit: int = 4000) -> str:
        """The end of what bwrap and the kernel wrote to their stdout/stderr."""
        if self._sbx_runtime is None:
            return self._sbx_last_log[-limit:]
        try:
            data = (self._sbx_runtime / "sandbox.log").read_bytes()
        except OSError:
            return ""
        return data[-limit:].decode("utf-8", "replace")

    def sandbox_pids(self) -> tuple[int | None, list[int]]:
        """Host pids of the kernel and of every other process in its sandbox (if running)."""
        outer = getattr(self.provisioner, "pid", None)
        if outer is None or not self.has_kernel:
            return None, []
        children = _children_map()
        inits = children.get(outer, [])  # bwrap outside -> bwrap as pid 1 inside -> kernel
        members = _descendants(inits[0], children) if inits else []
        kernels = children.get(inits[0], []) if inits else []
        kernel = min(kernels) if kernels else None
        return kernel, [pid for pid in members if pid != kernel]

    def sandbox_tasks(self) -> int:
        """Processes and threads in the sandbox (what ``RLIMIT_NPROC`` counts)."""
        kernel, others = self.sandbox_pids()
        total = 0
        for pid in ([kernel] if kernel else []) + others:
            try:
                with open(f"/proc/{pid}/status") as handle:
                    total += next(
                        int(line.split()[1]) for line in handle if line.startswith("Threads:")
                    )
            except (OSError, StopIteration, ValueError):
                pass
        return total

    def kill_strays(self) -> int:
        """Kill every process of the sandbox but the kernel; returns how many were killed."""
        killed = 0
        for _ in range(50):  # a fork bomb may fork while we kill
            kernel, strays = self.sandbox_pids()
            if kernel is None or not strays:
                break
            for pid in strays:
                try:
                    os.kill(pid, signal.SIGKILL)
                    killed += 1
                except ProcessLookupError:
                    pass
            time.sleep(0.01)
        return killed

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        try:
            await super()._async_cleanup_resources(restart=restart)
        finally:
            if not restart:
                self._release_sandbox()

    cleanup_resources = _async_cleanup_resources

    def _release_sandbox(self) -> None:
        self._close_root_fd()
        if self._sbx_runtime is not None:
            self._sbx_last_log = self.sandbox_log(20_000)
            shutil.rmtree(self._sbx_runtime, ignore_errors=True)
            self._sbx_runtime = None
        if self._sbx_lease is not None:
            _wait_for_uid_to_empty(self._sbx_lease.uid)
            self._sbx_lease.release()
            self._sbx_lease = None

    def __del__(self) -> None:
        try:
            self._release_sandbox()
        finally:
            super().__del__()


def _wait_for_uid_to_empty(uid: int, timeout: float = 2.0) -> None:
    """Wait until the killed sandbox's processes are gone, so its uid starts clean next time."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        alive = False
        for entry in os.scandir("/proc"):
            try:
                if entry.name.isdigit() and entry.stat().st_uid == uid:
                    alive = True
                    break
            except OSError:
                continue
        if not alive:
            return
        time.sleep(0.02)


def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(b")") + 2 :].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    return children


def _descendants(pid: int, children: dict[int, list[int]] | None = None) -> list[int]:
    children = _children_map() if children is None else children
    found, todo = [], list(children.get(pid, []))
    while todo:
        child = todo.pop()
        found.append(child)
        todo.extend(children.get(child, []))
    return found
