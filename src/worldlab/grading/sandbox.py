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

import asyncio
import contextlib
import copy
import dataclasses
import fcntl
import functools
import importlib.util
import json
import math
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from queue import Empty
from typing import Any

from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import ensure_async, run_sync
from nbclient import NotebookClient
from nbclient.exceptions import DeadKernelError
from nbformat import NotebookNode
from nbformat.v4 import new_output
from traitlets import Instance, Unicode

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

#: ``HOME`` inside the sandbox (an in-memory file system of ``tmpfs_bytes``).
SANDBOX_HOME = "/home/student"
#: The kernel's working folder inside the sandbox: a copy of the submission folder.
SANDBOX_WORKDIR = f"{SANDBOX_HOME}/work"
#: Where :attr:`SandboxPolicy.data_dir` is mounted read-only; ``WORLDLAB_DATA`` points here.
DATA_MOUNT = "/data"
_SEED_MOUNT = "/run/sandbox/seed"
_MPL_SEED_MOUNT = "/run/sandbox/matplotlib"
_KERNEL_IPC = "/tmp/kernel-ipc"  # the kernel's sockets, in the sandbox's own /tmp
#: The uid inside the sandbox when the grader is not root (bwrap maps it to the grader's uid).
UNPRIVILEGED_SANDBOX_UID = 65534

# Why a run ended abnormally (the labels of SandboxEvent).
KERNEL_DIED = "kernel died"
CELL_TIMEOUT = "cell timed out"
INTERRUPT_IGNORED = "cell ignored the interrupt"
WALL_TIME = "notebook wall time exceeded"
MEMORY_LIMIT = "memory limit"
PROCESS_LIMIT = "process limit"
OUTPUT_LIMIT = "output limit exceeded"

BWRAP_MISSING_MESSAGE = """\
!!! STUDENT CODE CANNOT BE SANDBOXED: {problem} !!!
Without the sandbox a submission runs with the grader's own rights: it can read the solutions and
hidden tests, rewrite or delete the gradebook, and reach the network.
Install bubblewrap and grade again:
    Debian/Ubuntu: sudo apt-get install bubblewrap      Fedora: sudo dnf install bubblewrap
(the grader also uses prlimit and setpriv from util-linux, present on every Linux system).
Grading without the sandbox needs an explicit opt-out and is only safe for code you trust."""


class SandboxUnavailableError(RuntimeError):
    """bubblewrap (or a tool the sandbox needs) is missing or cannot create namespaces here."""


class SandboxStartError(RuntimeError):
    """The sandboxed kernel did not start; the message carries the sandbox's own log."""


# --------------------------------------------------------------------------------------------
# Is the sandbox available?
# --------------------------------------------------------------------------------------------


def _privileged() -> bool:
    return os.geteuid() == 0


@functools.lru_cache(maxsize=1)
def _smoke_test(bwrap: str, privileged: bool) -> str | None:
    """Run ``true`` in a minimal sandbox with the namespaces we use; None when it works."""
    argv = [bwrap, "--unshare-pid", "--unshare-net", "--unshare-ipc", "--die-with-parent"]
    if not privileged:
        argv += ["--unshare-user", "--disable-userns", "--uid", str(UNPRIVILEGED_SANDBOX_UID)]
    argv += ["--ro-bind", "/usr", "/usr"]
    for top in ("/bin", "/lib", "/lib64"):
        if os.path.islink(top):
            argv += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            argv += ["--ro-bind", top, top]
    argv += ["--proc", "/proc", "--dev", "/dev", "--", "true"]
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=20, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"bwrap could not be run: {error}"
    if done.returncode != 0:
        return f"bwrap cannot create a sandbox here: {done.stderr.strip() or done.returncode}"
    return None


def sandbox_problems() -> list[str]:
    """What stops the sandbox from working on this machine (an empty list when nothing does)."""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        return ["bubblewrap (bwrap) is not installed"]
    problems = [
        f"{tool} (util-linux) is not installed"
        for tool in ("prlimit", "setpriv" if _privileged() else None)
        if tool and shutil.which(tool) is None
    ]
    smoke = _smoke_test(bwrap, _privileged())
    if smoke:
        problems.append(smoke)
    return problems


def bubblewrap_available() -> bool:
    """True when bubblewrap is installed and can create the sandbox on this machine."""
    return not sandbox_problems()


def require_sandbox() -> None:
    """Raise :class:`SandboxUnavailableError` with a loud, actionable message if unavailable."""
    problems = sandbox_problems()
    if problems:
        raise SandboxUnavailableError(BWRAP_MISSING_MESSAGE.format(problem="; ".join(problems)))


# --------------------------------------------------------------------------------------------
# Policy
# --------------------------------------------------------------------------------------------

_SYSTEM_PATHS = (
    "/usr",
    "/bin",
    "/sbin",
    "/lib",
    "/lib32",
    "/lib64",
    "/libx32",
    "/etc/ld.so.cache",
    "/etc/ld.so.conf",
    "/etc/ld.so.conf.d",
    "/etc/localtime",
    "/etc/nsswitch.conf",
    "/etc/mime.types",
    "/etc/fonts",
)


def default_ro_paths() -> tuple[Path, ...]:
    """The running Python environment (venv and base interpreter) and the system folders."""
    prefixes = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
    real = Path(sys.executable).resolve().parent.parent  # e.g. a pyenv or conda install
    paths = [Path(p) for p in sorted(prefixes)] + [real] + [Path(p) for p in _SYSTEM_PATHS]
    return tuple(dict.fromkeys(paths))


@dataclass(frozen=True)
class SandboxPolicy:
    """What a sandboxed kernel may see and use.

    Parameters
    ----------
    ro_paths
        Host paths visible read-only at the same place (the Python environment, ``/usr`` …).
        Missing ones are skipped; a symlink (``/bin -> usr/bin``) is recreated as a symlink.
    ro_binds
        Extra read-only binds as ``(host_path, sandbox_path)`` pairs.
    data_dir
        The course data folder, mounted read-only at :data:`DATA_MOUNT`; ``WORLDLAB_DATA``
        points there.
    workdir
        The folder whose *copy* becomes the kernel's writable working folder
        (:data:`SANDBOX_WORKDIR`). Put only the submitted notebook (and files it needs) there.
        ``None``: the ``cwd`` given when the kernel starts (nbclient passes the notebook's folder).
    packages
        Importable packages installed outside the environment (an editable install such as
        ``worldlab``) whose folder is bound read-only where Python looks for it.
    deny
        Host paths that must stay invisible (course sources, solutions, submissions, gradebook):
        building the sandbox fails if a bound path contains, equals or lies inside one of them.
    env
        Extra environment variables of the kernel. The kernel's environment is otherwise built
        from scratch (``HOME``, ``PATH``, ``LANG`` …); nothing of the grader's leaks in except
        the names in ``pass_env``.
    pass_env
        Names copied from the grader's environment when set (the grading seed, OpenBLAS fixes).
    memory_bytes
        Address-space limit of each process (``RLIMIT_AS``): a larger allocation fails with
        MemoryError.
    max_processes
        Processes *and threads* of the sandbox user (``RLIMIT_NPROC``); a kernel with numpy needs
        about 10.
    cpu_seconds
        CPU time of each process (``RLIMIT_CPU``): past it the process is killed.
    file_size_bytes
        Largest file a process may write (``RLIMIT_FSIZE``).
    open_files
        Open file descriptors per process (``RLIMIT_NOFILE``).
    tmpfs_bytes
        Size of each in-memory file system: ``HOME`` (holding the working folder), ``/tmp``,
        and ``/dev/shm`` (a quarter of it).
    threads
        Threads of BLAS/OpenMP libraries (``OPENBLAS_NUM_THREADS`` …); None leaves them alone.
    uid
        When the grader is root: the unprivileged uid the kernel runs as. None leases a uid of
        its own to each kernel from ``uid_range``, so that one sandbox's processes never count
        against another's process limit. Ignored when the grader is not root (then bwrap maps
        uid 65534 inside to the grader's uid outside).
    uid_range
        ``(first, stop)`` of the uids leased when ``uid`` is None.
    seed_matplotlib_cache
        Copy the grader's matplotlib font cache into the private HOME, so a kernel importing
        matplotlib neither spends seconds rebuilding it nor prints about it on stderr.
    """

    ro_paths: tuple[Path, ...] = field(default_factory=default_ro_paths)
    ro_binds: tuple[tuple[Path, str], ...] = ()
    data_dir: Path | None = None
    workdir: Path | None = None
    packages: tuple[str, ...] = ("worldlab",)
    deny: tuple[Path, ...] = ()
    env: Mapping[str, str] = field(default_factory=dict)
    pass_env: tuple[str, ...] = (
        "WORLDLAB_GRADING_SEED",
        "OPENBLAS_CORETYPE",
        "OPENBLAS_L2_SIZE",
        "JUPYTER_PLATFORM_DIRS",
    )
    memory_bytes: int = 2 * 1024**3
    max_processes: int = 64
    cpu_seconds: int = 600
    file_size_bytes: int = 64 * 1024**2
    open_files: int = 1024
    tmpfs_bytes: int = 256 * 1024**2
    threads: int | None = 1
    uid: int | None = None
    uid_range: tuple[int, int] = (10_000_000, 10_000_512)
    seed_matplotlib_cache: bool = True

    def __post_init__(self) -> None:
        def as_path(value: Any, what: str) -> Path:
            if not isinstance(value, str | os.PathLike):
                raise TypeError(f"SandboxPolicy.{what} must be a path, got {value!r}")
            return Path(value)

        set_ = functools.partial(object.__setattr__, self)
        if isinstance(self.ro_paths, str | os.PathLike):
            raise TypeError("SandboxPolicy.ro_paths must be a sequence of paths, not one path")
        set_("ro_paths", tuple(as_path(p, "ro_paths") for p in self.ro_paths))
        binds = []
        for pair in self.ro_binds:
            if not (isinstance(pair, Sequence) and len(pair) == 2):
                raise TypeError(
                    f"SandboxPolicy.ro_binds holds (host_path, sandbox_path) pairs, got {pair!r}"
                )
            host, inside = as_path(pair[0], "ro_binds"), str(pair[1])
            if not inside.startswith("/"):
                raise ValueError(f"sandbox path of a bind must be absolute, got {inside!r}")
            binds.append((host, inside))
        set_("ro_binds", tuple(binds))
        if self.data_dir is not None:
            set_("data_dir", as_path(self.data_dir, "data_dir"))
        if self.workdir is not None:
            set_("workdir", as_path(self.workdir, "workdir"))
        set_("deny", tuple(as_path(p, "deny").resolve() for p in self.deny))
        set_("packages", tuple(self.packages))
        set_("pass_env", tuple(self.pass_env))
        if not isinstance(self.env, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in self.env.items()
        ):
            raise TypeError(f"SandboxPolicy.env must map str to str, got {self.env!r}")
        set_("env", dict(self.env))
        for name in (
            "memory_bytes",
            "max_processes",
            "cpu_seconds",
            "file_size_bytes",
            "open_files",
            "tmpfs_bytes",
        ):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise ValueError(f"SandboxPolicy.{name} must be a positive int, got {value!r}")
        if self.threads is not None and (not isinstance(self.threads, int) or self.threads < 1):
            raise ValueError(f"SandboxPolicy.threads must be None or >= 1, got {self.threads!r}")
        if self.uid is not None and (not isinstance(self.uid, int) or self.uid <= 0):
            raise ValueError(
                f"SandboxPolicy.uid must be a positive int (not root), got {self.uid!r}"
            )
        first, stop = self.uid_range
        if not (0 < first < stop):
            raise ValueError("SandboxPolicy.uid_range must be (first, stop) with 0 < first < stop")


# --------------------------------------------------------------------------------------------
# The bwrap command line
# --------------------------------------------------------------------------------------------

_SEED_SCRIPT = """set -e
mkdir -p "$HOME/work" "$HOME/.cache/matplotlib" "$HOME/.config"
if [ -d {seed} ]; then cp -R {seed}/. "$HOME/work/"; fi
if [ -d {mpl} ]; then cp {mpl}/fontlist-*.json "$HOME/.cache/matplotlib/" 2>/dev/null || true; fi
if [ "$(id -u)" = 0 ]; then chown -R {uid}:{uid} "$HOME/work" "$HOME/.cache" "$HOME/.config"; \
chown {uid}:{uid} "$HOME"; fi
cd "$HOME/work"
exec "$@"
"""


def _package_dirs(names: Sequence[str]) -> list[Path]:
    dirs = []
    for name in names:
        spec = importlib.util.find_spec(name)
        if spec is None:
            raise ValueError(f"SandboxPolicy.packages: package {name!r} is not importable")
        if spec.submodule_search_locations:
            dirs.extend(Path(p) for p in spec.submodule_search_locations)
        elif spec.origin:
            dirs.append(Path(spec.origin))
    return dirs


def _matplotlib_cache_dir() -> Path | None:
    if "matplotlib" in sys.modules:
        try:
            return Path(sys.modules["matplotlib"].get_cachedir())
        except Exception:  # pragma: no cover - matplotlib refused its cache dir
            return None
    configured = os.environ.get("MPLCONFIGDIR")
    if configured:
        return Path(configured)
    cache_home = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache_home) / "matplotlib"


def _overlaps(path: Path, other: Path) -> bool:
    return path == other or path in other.parents or other in path.parents


def _inside(path: Path, folders: Sequence[Path]) -> bool:
    return any(path == f or f in path.parents for f in folders)


def sandbox_argv(
    command: Sequence[str],
    policy: SandboxPolicy | None = None,
    *,
    workdir: str | os.PathLike | None = None,
    expose: Sequence[str | os.PathLike] = (),
    env: Mapping[str, str] | None = None,
    uid: int | None = None,
) -> list[str]:
    """The command line that runs ``command`` inside the sandbox described by ``policy``.

    Parameters
    ----------
    command
        The program and its arguments as seen inside the sandbox, e.g. the kernel's
        ``[python, "-m", "ipykernel_launcher", "-f", connection_file]``. Its interpreter must
        lie inside a read-only path.
    policy
        The sandbox; default :class:`SandboxPolicy()`.
    workdir
        Host folder copied into the working folder; overrides ``policy.workdir``.
    expose
        More host paths bound read-only at the same place (the kernel manager's connection
        folder). Nothing of the host is ever bound writable.
    env
        Variables added to the kernel's environment (after the policy's own).
    uid
        When the grader is root: the uid to run as (default ``policy.uid`` or 65534). The
        kernel manager leases one per kernel.

    Returns
    -------
    list of str: ``bwrap … -- /bin/sh -c <copy the workdir> … prlimit … [setpriv …] command``.
    """
    if isinstance(command, str) or not command:
        raise TypeError(f"command must be a non-empty list of strings, got {command!r}")
    policy = SandboxPolicy() if policy is None else policy
    if not isinstance(policy, SandboxPolicy):
        raise TypeError(f"policy must be a SandboxPolicy, got {type(policy).__name__}")
    bwrap = shutil.which("bwrap") or "bwrap"
    privileged = _privileged()
    if privileged:
        uid = uid if uid is not None else (policy.uid or UNPRIVILEGED_SANDBOX_UID)
    else:
        uid = UNPRIVILEGED_SANDBOX_UID
    workdir = Path(workdir) if workdir is not None else policy.workdir

    # (host source, sandbox destination) of every read-only bind.
    ro: list[tuple[Path, str]] = []
    symlinks: list[tuple[str, str]] = []
    for path in policy.ro_paths:
        if path.is_symlink() and path.parent == Path("/"):
            symlinks.append((os.readlink(path), str(path)))
        elif path.exists():
            ro.append((path.resolve(), str(path)))
    covered = [Path(dest) for _, dest in ro]
    for pkg_dir in _package_dirs(policy.packages):
        if not _inside(pkg_dir, covered):
            ro.append((pkg_dir.resolve(), str(pkg_dir)))
    ro.extend((host.resolve(), inside) for host, inside in policy.ro_binds)
    if policy.data_dir is not None:
        if not policy.data_dir.is_dir():
            raise ValueError(f"SandboxPolicy.data_dir {policy.data_dir} is not a folder")
        ro.append((policy.data_dir.resolve(), DATA_MOUNT))
    if workdir is not None:
        if not workdir.is_dir():
            raise ValueError(f"the working folder to copy, {workdir}, is not a folder")
        ro.append((workdir.resolve(), _SEED_MOUNT))
    if policy.seed_matplotlib_cache:
        mpl = _matplotlib_cache_dir()
        if mpl is not None and any(mpl.glob("fontlist-*.json")):
            ro.append((mpl.resolve(), _MPL_SEED_MOUNT))
    ro.extend((Path(p).resolve(), str(Path(p).resolve())) for p in expose)

    for source in [s for s, _ in ro]:
        for denied in policy.deny:
            if _overlaps(source, denied):
                raise ValueError(
                    f"the sandbox would expose {source}, which overlaps the denied path {denied}"
                )
    interpreter = Path(command[0])
    if interpreter.is_absolute():
        visible = [Path(d) for _, d in ro] + [Path(d) for _, d in symlinks]
        if not _inside(interpreter, visible) or not _inside(interpreter.resolve(), visible):
            raise ValueError(
                f"the sandbox cannot run {interpreter}: it is not inside SandboxPolicy.ro_paths"
            )

    argv = [
        bwrap,
        "--unshare-pid",
        "--unshare-net",
        "--unshare-ipc",
        "--unshare-uts",
        "--unshare-cgroup-try",
        "--hostname",
        "sandbox",
        "--die-with-parent",
        "--new-session",
    ]
    if privileged:
        for cap in ("CAP_SETUID", "CAP_SETGID", "CAP_SETPCAP", "CAP_CHOWN", "CAP_DAC_READ_SEARCH"):
            argv += ["--cap-add", cap]
    else:
        argv += ["--unshare-user", "--disable-userns", "--uid", str(uid), "--gid", str(uid)]
    size = str(policy.tmpfs_bytes)
    argv += ["--proc", "/proc", "--dev", "/dev"]
    argv += [
        "--perms",
        "1777",
        "--size",
        str(max(policy.tmpfs_bytes // 4, 1)),
        "--tmpfs",
        "/dev/shm",
    ]
    argv += ["--perms", "1777", "--size", size, "--tmpfs", "/tmp"]
    argv += ["--perms", "1777", "--size", size, "--tmpfs", SANDBOX_HOME]
    for target, link in symlinks:
        argv += ["--symlink", target, link]
    # bwrap makes missing parents of a mount point mode 0700: make them explicitly, 0755.
    # Inside the writable in-memory mounts (/tmp, HOME) such parents must be made too: a course
    # cloned under /tmp has its .venv there. Inside read-only binds they already exist.
    tmpfs_mounts = [Path(p) for p in ("/tmp", SANDBOX_HOME)]
    mounted = [Path(p) for p in ("/proc", "/dev")] + [Path(d) for _, d in ro]
    parents = {
        parent
        for dest in [Path(d) for _, d in ro]
        for parent in dest.parents
        if parent != Path("/") and parent not in tmpfs_mounts and not _inside(parent, mounted)
    }
    for parent in sorted(parents, key=lambda p: p.parts):
        argv += ["--perms", "0755", "--dir", str(parent)]
    bound: list[Path] = []
    identity: list[Path] = []  # binds that show a host folder at its own path
    for source, dest in sorted(ro, key=lambda pair: Path(pair[1]).parts):
        if Path(dest) in bound or (source == Path(dest) and _inside(source, identity)):
            continue  # already visible
        bound.append(Path(dest))
        if source == Path(dest):
            identity.append(source)
        argv += ["--ro-bind", str(source), dest]
    argv += ["--remount-ro", "/", "--chdir", "/"]

    venv_bin = str(Path(sys.prefix) / "bin")
    kernel_env = {
        "HOME": SANDBOX_HOME,
        "USER": "student",
        "LOGNAME": "student",
        "PATH": f"{venv_bin}:/usr/local/bin:/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "TMPDIR": "/tmp",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONNOUSERSITE": "1",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        "MALLOC_ARENA_MAX": "2",
    }
    if policy.threads is not None:
        for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            kernel_env[name] = str(policy.threads)
    if policy.data_dir is not None:
        kernel_env["WORLDLAB_DATA"] = DATA_MOUNT
    kernel_env.update({k: os.environ[k] for k in policy.pass_env if k in os.environ})
    kernel_env.update(policy.env)
    kernel_env.update(env or {})
    argv.append("--clearenv")
    for name, value in kernel_env.items():
        argv += ["--setenv", name, value]

    limits = [
        f"--as={policy.memory_bytes}:{policy.memory_bytes}",
        f"--nproc={policy.max_processes}:{policy.max_processes}",
        f"--cpu={policy.cpu_seconds}:{policy.cpu_seconds + 5}",
        f"--fsize={policy.file_size_bytes}:{policy.file_size_bytes}",
        f"--nofile={policy.open_files}:{policy.open_files}",
        "--core=0:0",
    ]
    script = _SEED_SCRIPT.format(seed=_SEED_MOUNT, mpl=_MPL_SEED_MOUNT, uid=uid)
    argv += ["--", "/bin/sh", "-c", script, "worldlab-sandbox", "prlimit", *limits, "--"]
    if privileged:
        argv += [
            "setpriv",
            f"--reuid={uid}",
            f"--regid={uid}",
            "--clear-groups",
            "--inh-caps=-all",
            "--bounding-set=-all",
            "--",
        ]
    return argv + list(command)


# --------------------------------------------------------------------------------------------
# Uid leases (root only): one unprivileged uid per live sandbox
# --------------------------------------------------------------------------------------------


class _UidLease:
    """An exclusive claim on one uid of a range, held with a lock file until released."""

    def __init__(self, first: int, stop: int) -> None:
        folder = Path(tempfile.gettempdir()) / "worldlab-sandbox-uids"
        folder.mkdir(mode=0o700, exist_ok=True)
        for uid in range(first, stop):
            handle = open(folder / f"{uid}.lock", "a")  # noqa: SIM115 - held until release
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                handle.close()
                continue
            self.uid, self._handle = uid, handle
            return
        raise RuntimeError(f"all sandbox uids {first}..{stop - 1} are in use")

    def release(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None


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


# --------------------------------------------------------------------------------------------
# Running a notebook
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SandboxEvent:
    """Something abnormal in a sandboxed run: ``label`` is one of the module's reason constants."""

    cell_index: int | None
    label: str
    detail: str = ""

    def __str__(self) -> str:
        where = [] if self.cell_index is None else [f"cell {self.cell_index}"]
        return f"{self.label} ({', '.join(where + ([self.detail] if self.detail else []))})"


@dataclass
class SandboxRun:
    """The executed notebook and what went wrong, if anything."""

    nb: NotebookNode
    events: list[SandboxEvent]
    seconds: float
    aborted: bool

    @property
    def reason(self) -> str | None:
        """All events, e.g. ``"cell timed out (cell 3); kernel died (cell 7, exit code 1)"``."""
        return "; ".join(dict.fromkeys(str(e) for e in self.events)) or None

    @property
    def labels(self) -> list[str]:
        return list(dict.fromkeys(e.label for e in self.events))


class _Abort(Exception):
    def __init__(self, label: str, detail: str = "") -> None:
        super().__init__(label)
        self.label, self.detail = label, detail


def _content_size(msg_type: str, content: Mapping[str, Any]) -> int:
    if msg_type == "stream":
        return len(content.get("text", ""))
    if msg_type == "error":
        return sum(len(line) for line in content.get("traceback", [])) + len(
            str(content.get("evalue", ""))
        )
    total = 0
    for value in (content.get("data") or {}).values():
        total += len(value) if isinstance(value, str) else len(json.dumps(value))
    return total


def _error_output(ename: str, evalue: str) -> NotebookNode:
    return new_output("error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


class _GuardedClient(NotebookClient):
    """nbclient with output limits, a bounded interrupt, and a sandboxed kernel."""

    def __init__(self, nb: NotebookNode, *, policy: SandboxPolicy, limits: dict, **kw: Any):
        super().__init__(nb, **kw)
        self._policy = policy
        self._limits = limits
        self.events: list[SandboxEvent] = []
        self._used = 0
        self._total_flagged = False
        self._pending: list[asyncio.Future] = []
        self.sandboxed_km: SandboxedKernelManager | None = None
        self._begin_cell(-1, False)

    def create_kernel_manager(self) -> SandboxedKernelManager:
        # Never the kernel named in the (untrusted) notebook's metadata.
        self.km = SandboxedKernelManager(
            kernel_name=self.kernel_name, policy=self._policy, config=self.config
        )
        self.sandboxed_km = self.km  # nbclient forgets its km when the start fails
        return self.km

    @contextlib.asynccontextmanager
    async def kernel_session(self):
        """Start the sandboxed kernel and its client; always kill it on the way out.

        Unlike nbclient's ``async_setup_kernel`` this installs no SIGINT/SIGTERM handlers and
        no atexit hook: the grader's Ctrl-C stays a KeyboardInterrupt (cancelling this task,
        which kills the kernel here), instead of silently ending one kernel and going on.
        """
        self.km = self.create_kernel_manager()
        try:
            await self.async_start_new_kernel()
            await self.async_start_new_kernel_client()  # on failure it cleans up itself
            yield
        finally:
            if self.km is not None:
                await self._async_cleanup_kernel()

    def _begin_cell(self, index: int, wall_bound: bool) -> None:
        self._index = index
        self._wall_bound = wall_bound
        self._cell_bytes = 0
        self._cell_flooded = False
        self._cell_markers: set[str] = set()
        self.timed_out = False

    def _event(self, label: str, detail: str = "") -> None:
        self.events.append(SandboxEvent(self._index, label, detail))

    # ---- timeouts --------------------------------------------------------------------------
    async def _async_handle_timeout(
        self, timeout: int, cell: NotebookNode | None = None
    ) -> None | dict[str, Any]:
        if cell is None or self.timed_out:
            return await super()._async_handle_timeout(timeout, cell)
        self.timed_out = True
        if self._wall_bound:
            raise _Abort(WALL_TIME, f"limit {self._limits['notebook_timeout']:g} s")
        self._event(CELL_TIMEOUT, f"limit {timeout:g} s")
        self._check_processes()
        self.km.kill_strays()  # e.g. a fork bomb's spinning children, which would starve the
        cell.outputs.append(  # kernel of the CPU it needs to answer the interrupt
            _error_output(
                "CellTimeoutError",
                f"the cell ran longer than {timeout:g} s and was interrupted by the grader",
            )
        )
        assert self.km is not None and self.kc is not None
        await ensure_async(self.km.interrupt_kernel())
        deadline = time.monotonic() + self._limits["interrupt_grace"]
        while (left := deadline - time.monotonic()) > 0:
            try:
                msg = await ensure_async(self.kc.shell_channel.get_msg(timeout=left))
            except Empty:
                break
            if msg.get("msg_type") == "execute_reply":
                return msg  # the interrupted cell's own reply (KeyboardInterrupt)
        await self._async_check_alive()
        raise _Abort(INTERRUPT_IGNORED, f"killed {self._limits['interrupt_grace']:g} s after it")

    def _check_processes(self) -> None:
        if not isinstance(self.km, SandboxedKernelManager):
            return
        limit = self._policy.max_processes
        tasks, others = self.km.sandbox_tasks(), len(self.km.sandbox_pids()[1])
        # At the limit, or half of it in extra processes (some die while a fork bomb runs).
        if (
            tasks >= limit - 1 or others >= limit // 2
        ) and PROCESS_LIMIT not in self._cell_labels():
            self._event(PROCESS_LIMIT, f"{tasks} processes and threads, limit {limit}")

    def _cell_labels(self) -> list[str]:
        return [e.label for e in self.events if e.cell_index == self._index]

    # ---- output limits ---------------------------------------------------------------------
    def _interrupt_soon(self) -> None:
        if self.km is not None:
            self._pending.append(asyncio.ensure_future(ensure_async(self.km.interrupt_kernel())))

    def clear_output(self, outs: list[NotebookNode], msg: dict[str, Any], cell_index: int) -> None:
        super().clear_output(outs, msg, cell_index)
        if not outs:  # cleared now: what it held no longer counts
            self._used -= self._cell_bytes
            self._cell_bytes = 0

    def process_message(
        self, msg: dict[str, Any], cell: NotebookNode, cell_index: int
    ) -> NotebookNode | None:
        if msg["msg_type"] == "update_display_data":
            size = _content_size("display_data", msg["content"])
            if self._used + size > self._limits["max_output_bytes"]:
                return None
        return super().process_message(msg, cell, cell_index)

    def output(
        self,
        outs: list[NotebookNode],
        msg: dict[str, Any],
        display_id: str | None,
        cell_index: int,
    ) -> NotebookNode | None:
        msg_type = msg["msg_type"]
        content = msg["content"]
        if msg_type == "error":  # always kept (it decides the grade), trimmed
            trimmed = dict(content)
            trimmed["evalue"] = str(content.get("evalue", ""))[:2000]
            trimmed["traceback"] = [line[:2000] for line in content.get("traceback", [])[-60:]]
            self._used += _content_size("error", trimmed)
            return super().output(outs, {**msg, "content": trimmed}, display_id, cell_index)
        if msg_type not in ("stream", "display_data", "execute_result"):
            return super().output(outs, msg, display_id, cell_index)
        size = _content_size(msg_type, content)
        cell_room = self._limits["max_cell_output_bytes"] - self._cell_bytes
        total_room = self._limits["max_output_bytes"] - self._used
        if size <= min(cell_room, total_room):
            self._cell_bytes += size
            self._used += size
            return super().output(outs, msg, display_id, cell_index)
        # Over a limit: flag it once, cut a flooding cell short, keep a marker of each kind.
        if size > cell_room and not self._cell_flooded:
            self._cell_flooded = True
            limit = self._limits["max_cell_output_bytes"]
            self._event(OUTPUT_LIMIT, f"cell output over {limit} bytes")
            outs.append(
                _error_output(
                    "OutputLimitError",
                    f"the cell printed more than {limit} bytes and was interrupted by the grader",
                )
            )
            self._interrupt_soon()
        elif not self._cell_flooded and size > total_room and not self._total_flagged:
            self._total_flagged = True
            limit = self._limits["max_output_bytes"]
            self._event(OUTPUT_LIMIT, f"notebook output over {limit} bytes")
        room = max(0, min(cell_room, total_room))
        note = "\n[... output truncated by the grader: too much output ...]\n"
        if msg_type == "execute_result":  # kept: a number here can be a partial grade
            plain = str((content.get("data") or {}).get("text/plain", ""))
            kept = {**content, "data": {"text/plain": plain[:1000]}, "metadata": {}}
            self._cell_bytes += len(kept["data"]["text/plain"])
            self._used += len(kept["data"]["text/plain"])
            return super().output(outs, {**msg, "content": kept}, None, cell_index)
        name = content.get("name", "stdout") if msg_type == "stream" else "stdout"
        if name in self._cell_markers:
            return None
        self._cell_markers.add(name)
        head = content.get("text", "")[:room] if msg_type == "stream" else ""
        self._cell_bytes += len(head) + len(note)
        self._used += len(head) + len(note)
        marker = {**msg, "msg_type": "stream", "content": {"name": name, "text": head + note}}
        return super().output(outs, marker, None, cell_index)


async def _cancelled_by_grader(km: SandboxedKernelManager) -> bool:
    """nbclient reports its task being cancelled (the grader's Ctrl-C) as DeadKernelError."""
    task = asyncio.current_task()
    if task is not None and getattr(task, "cancelling", lambda: 0)():
        return True
    return bool(await km.is_alive())


def _scan_errors(cell: NotebookNode) -> list[tuple[str, str]]:
    found = []
    for out in cell.get("outputs", []):
        if out.get("output_type") != "error":
            continue
        ename, evalue = out.get("ename", ""), str(out.get("evalue", ""))
        if ename == "MemoryError":
            found.append((MEMORY_LIMIT, f"{ename}: {evalue}"[:200]))
        elif (
            ename == "BlockingIOError"
            or "Resource temporarily unavailable" in evalue
            or "can't start new thread" in evalue
        ):
            found.append((PROCESS_LIMIT, f"{ename}: {evalue}"[:200]))
    return found


async def async_run_in_sandbox(
    nb: NotebookNode,
    workdir: str | os.PathLike | None,
    policy: SandboxPolicy | None = None,
    cell_timeout: float = 30,
    notebook_timeout: float = 300,
    *,
    max_output_bytes: int = 5_000_000,
    max_cell_output_bytes: int = 1_000_000,
    interrupt_grace: float = 5.0,
    startup_timeout: float = 60,
    kernel_name: str = "python3",
) -> SandboxRun:
    """Async version of :func:`run_in_sandbox`."""
    if not isinstance(nb, NotebookNode):
        raise TypeError(f"nb must be an nbformat NotebookNode, got {type(nb).__name__}")
    for name, value in (
        ("cell_timeout", cell_timeout),
        ("notebook_timeout", notebook_timeout),
        ("interrupt_grace", interrupt_grace),
        ("startup_timeout", startup_timeout),
        ("max_output_bytes", max_output_bytes),
        ("max_cell_output_bytes", max_cell_output_bytes),
    ):
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise ValueError(f"{name} must be a positive number, got {value!r}")
    require_sandbox()  # loud, before anything runs: never a silent fallback
    policy = SandboxPolicy() if policy is None else policy
    if workdir is not None:
        policy = dataclasses.replace(policy, workdir=Path(workdir))
    nb = copy.deepcopy(nb)
    limits = {
        "max_output_bytes": max_output_bytes,
        "max_cell_output_bytes": max_cell_output_bytes,
        "interrupt_grace": interrupt_grace,
        "notebook_timeout": notebook_timeout,
    }
    client = _GuardedClient(
        nb,
        policy=policy,
        limits=limits,
        kernel_name=kernel_name,
        allow_errors=True,
        interrupt_on_timeout=True,
        timeout=max(1, math.ceil(cell_timeout)),
        startup_timeout=max(1, math.ceil(startup_timeout)),
        shutdown_kernel="immediate",
    )
    client.reset_execution_trackers()
    started = time.monotonic()
    abort: _Abort | None = None
    last_index = -1
    kernel_ready = False
    try:
        async with client.kernel_session():
            kernel_ready = True
            assert client.kc is not None and client.km is not None
            info = await client.async_wait_for_reply(await ensure_async(client.kc.kernel_info()))
            if info is not None and "language_info" in info["content"]:
                nb.metadata["language_info"] = info["content"]["language_info"]
            deadline = time.monotonic() + notebook_timeout
            for index, cell in enumerate(nb.cells):
                if cell.cell_type != "code":
                    continue
                last_index = index
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    client._index = index
                    abort = _Abort(WALL_TIME, f"limit {notebook_timeout:g} s")
                    break
                wall_bound = remaining <= cell_timeout
                client.timeout = max(1, math.ceil(min(cell_timeout, remaining)))
                client._begin_cell(index, wall_bound)
                try:
                    await client.async_execute_cell(
                        cell, index, execution_count=client.code_cells_executed + 1
                    )
                except DeadKernelError:
                    if await _cancelled_by_grader(client.km):
                        raise asyncio.CancelledError() from None
                    abort = _Abort(KERNEL_DIED, client.km.exit_description())
                    break
                except _Abort as stop:
                    abort = stop
                    break
                for label, detail in _scan_errors(cell):
                    if label not in client._cell_labels():
                        client._event(label, detail)
                if (
                    client.timed_out
                    or client._cell_flooded
                    or PROCESS_LIMIT in client._cell_labels()
                ):
                    client.km.kill_strays()
            if abort is not None:  # the kernel is killed on leaving this block
                client._index = last_index
                client._check_processes()
                if abort.label == KERNEL_DIED:
                    log = client.km.sandbox_log(600).strip()
                    if "MemoryError" in log or "Cannot allocate memory" in log:
                        abort.detail += ", out of memory"
            client.set_widgets_metadata()
    except SandboxUnavailableError:
        raise
    except Exception as error:
        if not kernel_ready or isinstance(error, RuntimeError) and last_index < 0:
            km = client.sandboxed_km
            log = km.sandbox_log() if km is not None else ""
            raise SandboxStartError(
                f"the sandboxed kernel did not start: {error}\n--- sandbox log ---\n{log}"
            ) from error
        raise
    finally:
        for future in client._pending:
            future.cancel()

    if abort is not None:
        client._index = last_index
        client._event(abort.label, abort.detail)
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code" or index < last_index:
                continue
            if index == last_index:
                cell.outputs.append(
                    _error_output("GradingAborted", f"{abort.label}: the grader stopped here")
                )
            else:
                cell.outputs = [
                    _error_output("GradingAborted", f"not run: {abort.label} in an earlier cell")
                ]
                cell.execution_count = None
    return SandboxRun(
        nb=nb,
        events=client.events,
        seconds=time.monotonic() - started,
        aborted=abort is not None,
    )


def run_in_sandbox(
    nb: NotebookNode,
    workdir: str | os.PathLike | None,
    policy: SandboxPolicy | None = None,
    cell_timeout: float = 30,
    notebook_timeout: float = 300,
    **options: Any,
) -> SandboxRun:
    """Execute ``nb`` in a sandboxed kernel; the run's full record (see :func:`execute_in_sandbox`)."""
    coroutine = async_run_in_sandbox(nb, workdir, policy, cell_timeout, notebook_timeout, **options)
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        # A fresh loop per run. On Ctrl-C asyncio.run cancels the run, which kills the kernel,
        # then raises KeyboardInterrupt.
        return asyncio.run(coroutine)
    coroutine.close()  # called from a running loop (e.g. a notebook): nest via jupyter_core
    return run_sync(async_run_in_sandbox)(
        nb, workdir, policy, cell_timeout, notebook_timeout, **options
    )


def execute_in_sandbox(
    nb: NotebookNode,
    workdir: str | os.PathLike | None,
    policy: SandboxPolicy | None = None,
    cell_timeout: float = 30,
    notebook_timeout: float = 300,
    **options: Any,
) -> tuple[NotebookNode, str | None]:
    """Execute a notebook in a sandboxed kernel and say why the run was abnormal, if it was.

    Parameters
    ----------
    nb
        The notebook (not modified: a copy is executed). The kernel is always ``python3``
        (``kernel_name=`` to change), whatever the notebook's metadata says.
    workdir
        Host folder copied into the kernel's working folder (the submission's folder, holding
        the notebook as submitted; never one with restored hidden tests). None: the policy's
        ``workdir``, else an empty folder.
    policy
        The sandbox (default :class:`SandboxPolicy()`).
    cell_timeout
        Seconds per cell. A cell over it is interrupted, gets a ``CellTimeoutError`` output and
        the run goes on; if it ignores the interrupt for ``interrupt_grace`` seconds the kernel
        is killed.
    notebook_timeout
        Seconds for all cells together (after kernel start). Past it the kernel is killed.
    **options
        ``max_output_bytes`` (whole notebook, default 5 MB), ``max_cell_output_bytes`` (default
        1 MB; a cell printing more is interrupted), ``interrupt_grace`` (5 s),
        ``startup_timeout`` (60 s), ``kernel_name``.

    Returns
    -------
    (nb, reason)
        The executed notebook and None, or a short reason such as ``"cell timed out (cell 3,
        limit 30 s)"`` (cell = index in ``nb.cells``), several joined by ``"; "``
        (:func:`run_in_sandbox` gives them as :class:`SandboxEvent` objects). Labels: :data:`KERNEL_DIED`,
        :data:`CELL_TIMEOUT`, :data:`INTERRUPT_IGNORED`, :data:`WALL_TIME`,
        :data:`MEMORY_LIMIT`, :data:`PROCESS_LIMIT`, :data:`OUTPUT_LIMIT`. When a run stops
        early the outputs of the finished cells are kept, and the stopping cell and every later
        code cell get a ``GradingAborted`` error output, so a test cell that never ran scores
        0 under nbgrader's rules instead of passing for having no error.

    Raises
    ------
    SandboxUnavailableError
        bubblewrap is missing or cannot create namespaces here.
    SandboxStartError
        The kernel did not start (the message holds the sandbox's log).
    KeyboardInterrupt
        The grader was interrupted (Ctrl-C): the kernel is killed first, and nothing is blamed
        on the submission.
    """
    run = run_in_sandbox(nb, workdir, policy, cell_timeout, notebook_timeout, **options)
    return run.nb, run.reason
