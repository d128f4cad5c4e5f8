"""Where a sandboxed kernel runs: is bubblewrap usable here, the policy, the bwrap command line.

:class:`SandboxPolicy` says what a kernel may see and use; :func:`sandbox_argv` turns it into the
``bwrap … prlimit … [setpriv …]`` command line; :class:`_UidLease` gives each kernel its own
unprivileged uid when the grader is root. See :mod:`worldlab.grading.sandbox` for the whole
picture.
"""

from __future__ import annotations

import fcntl
import functools
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from worldlab.testing import GRADING_SEED_ENV

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
        Names copied from the grader's environment when set (OpenBLAS fixes). The grading seed
        (``WORLDLAB_GRADING_SEED``) is never passed, whatever these say.
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
    package_roots: list[str] = []  # where the grader found them: the kernel looks there first
    for pkg_dir in _package_dirs(policy.packages):
        if not _inside(pkg_dir, covered):
            ro.append((pkg_dir.resolve(), str(pkg_dir)))
            package_roots.append(str(pkg_dir.parent))
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
    if package_roots:  # the same code as the grader's (a checkout on PYTHONPATH, a worktree)
        kernel_env["PYTHONPATH"] = ":".join(dict.fromkeys(package_roots))
    kernel_env.update({k: os.environ[k] for k in policy.pass_env if k in os.environ})
    kernel_env.update(policy.env)
    kernel_env.update(env or {})
    kernel_env.pop(GRADING_SEED_ENV, None)  # the secret seed never enters the sandbox
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
