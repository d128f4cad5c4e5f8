"""The grading sandbox: small notebooks, each an attack or a normal submission, run through it.

The end-to-end tests need bubblewrap (``apt-get install bubblewrap``); without it they are
skipped with the reason, and the tests of the command line and of the loud refusal still run.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from traitlets.config import Config

from worldlab.grading import sandbox
from worldlab.grading.sandbox import (
    CELL_TIMEOUT,
    INTERRUPT_IGNORED,
    KERNEL_DIED,
    MEMORY_LIMIT,
    OUTPUT_LIMIT,
    PROCESS_LIMIT,
    WALL_TIME,
    SandboxedKernelManager,
    SandboxPolicy,
    SandboxStartError,
    SandboxUnavailableError,
    execute_in_sandbox,
    run_in_sandbox,
    sandbox_argv,
)

PROBLEMS = sandbox.sandbox_problems()
needs_bwrap = pytest.mark.skipif(
    bool(PROBLEMS), reason=f"no sandbox on this machine: {'; '.join(PROBLEMS)}"
)

# Short limits keep the suite fast; the interrupt grace is what a stubborn cell costs on top.
FAST = {"cell_timeout": 2, "notebook_timeout": 60, "interrupt_grace": 3}


def notebook(*sources: str) -> nbformat.NotebookNode:
    cells = [new_markdown_cell("# A submission")] + [new_code_cell(s) for s in sources]
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    return nb


def texts(cell) -> str:
    """Everything a cell showed: streams, results and errors, as one string."""
    parts = []
    for out in cell.outputs:
        if out.output_type == "stream":
            parts.append(out.text)
        elif out.output_type == "error":
            parts.append(f"{out.ename}: {out.evalue}")
        else:
            parts.append(str(out.get("data", {}).get("text/plain", "")))
    return "".join(parts)


def errors(cell) -> list[str]:
    return [out.ename for out in cell.outputs if out.output_type == "error"]


def leftover_sandbox_processes(policy: SandboxPolicy) -> list[int]:
    """Host processes still running under a sandbox uid (as root) after a run."""
    first, stop = policy.uid_range
    found = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                if first <= entry.stat().st_uid < stop:
                    found.append(int(entry.name))
            except OSError:
                pass
    return found


@pytest.fixture
def secrets(tmp_path):
    """A fake course folder with solutions and a gradebook, and a submission folder."""
    course = tmp_path / "course"
    (course / "solutions").mkdir(parents=True)
    (course / "solutions" / "answer.txt").write_text("the hidden answer is 42")
    gradebook = course / "grading" / "gradebook.db"
    gradebook.parent.mkdir()
    gradebook.write_text("grades")
    data = tmp_path / "data"
    data.mkdir()
    (data / "claims.csv").write_text("id,claim\nC01,text\n")
    work = tmp_path / "submission"
    work.mkdir()
    (work / "lesson.ipynb").write_text("{}")
    (work / "helper.txt").write_text("a file the student submitted")
    policy = SandboxPolicy(data_dir=data, deny=(course,))
    return {"course": course, "gradebook": gradebook, "data": data, "work": work, "policy": policy}


# --------------------------------------------------------------------------------------------
# Without bwrap: the command line, the policy, the loud refusal
# --------------------------------------------------------------------------------------------


def test_argv_isolates_and_limits(secrets):
    argv = sandbox_argv(
        [sys.executable, "-c", "pass"], secrets["policy"], workdir=secrets["work"], uid=12345
    )
    joined = " ".join(argv)
    for flag in ("--unshare-net", "--unshare-pid", "--die-with-parent", "--new-session"):
        assert flag in argv, f"{flag} missing from the bwrap command line"
    assert "--clearenv" in argv
    assert "--nproc=64:64" in joined and "--as=" in joined and "--cpu=" in joined
    sources = [argv[i + 1] for i, a in enumerate(argv) if a in ("--bind", "--ro-bind")]
    assert not any(str(secrets["course"]) in s for s in sources), "the course folder is bound"
    writable = [argv[i + 1] for i, a in enumerate(argv) if a == "--bind"]
    assert writable == [], f"nothing of the host should be writable, got {writable}"
    assert argv.index("--tmpfs") < argv.index("--ro-bind"), "tmpfs mounts must come first"
    if os.geteuid() == 0:
        assert "--reuid=12345" in argv, "as root the kernel must drop to an unprivileged uid"
    else:
        assert "--unshare-user" in argv


def test_argv_refuses_to_expose_a_denied_path(secrets):
    exposing = SandboxPolicy(
        ro_binds=((secrets["course"] / "solutions", "/x"),), deny=(secrets["course"],)
    )
    with pytest.raises(ValueError, match="denied"):
        sandbox_argv([sys.executable], exposing)
    with pytest.raises(ValueError, match="denied"):
        sandbox_argv([sys.executable], secrets["policy"], workdir=secrets["course"])


def test_argv_refuses_an_interpreter_outside_the_sandbox(tmp_path):
    with pytest.raises(ValueError, match="not inside"):
        sandbox_argv([str(tmp_path / "python")], SandboxPolicy())


@pytest.mark.parametrize(
    ("field", "value"),
    [("memory_bytes", 0), ("max_processes", -1), ("cpu_seconds", 1.5), ("threads", 0), ("uid", 0)],
)
def test_policy_rejects_bad_limits(field, value):
    with pytest.raises(ValueError, match=field):
        SandboxPolicy(**{field: value})


def test_policy_rejects_bad_types():
    with pytest.raises(TypeError, match="ro_binds"):
        SandboxPolicy(ro_binds=("/data",))
    with pytest.raises(TypeError, match="env"):
        SandboxPolicy(env={"A": 1})
    with pytest.raises(ValueError, match="absolute"):
        SandboxPolicy(ro_binds=(("/usr", "relative"),))


def test_missing_bwrap_is_loud_and_never_falls_back(monkeypatch):
    monkeypatch.setattr(sandbox.shutil, "which", lambda name: None)
    assert sandbox.bubblewrap_available() is False
    with pytest.raises(SandboxUnavailableError, match="apt-get install bubblewrap") as info:
        execute_in_sandbox(notebook("print(1)"), None, SandboxPolicy())
    assert "CANNOT BE SANDBOXED" in str(info.value)
    assert "opt-out" in str(info.value)


def test_exit_descriptions():
    assert sandbox._describe_exit(3) == "exit code 3"
    assert sandbox._describe_exit(137) == "killed by SIGKILL"
    assert "CPU time limit" in sandbox._describe_exit(128 + 24)


# --------------------------------------------------------------------------------------------
# End to end: a normal submission, and what the kernel cannot see or do
# --------------------------------------------------------------------------------------------


@needs_bwrap
def test_normal_notebook_computes_and_cannot_reach_secrets(secrets, tmp_path):
    course, gradebook = secrets["course"], secrets["gradebook"]
    repo = Path(sandbox.__file__).resolve().parents[3]
    probes = [
        str(course / "solutions" / "answer.txt"),
        str(gradebook),
        str(repo / "pyproject.toml"),
        str(repo / "nbgrader_config.py"),
        "/work/shared/THREAD.md",
        "/work/main/course/README.md",
        str(Path.home() / ".bash_history"),
        "/etc/shadow",
    ]
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    server.settimeout(0.2)
    port = server.getsockname()[1]
    nb = notebook(
        "import numpy as np\nx = np.arange(10)\nprint('sum', int(x.sum()), 'mean', float(x.mean()))",
        "import os\nprint('cwd', os.getcwd(), sorted(os.listdir('.')))\nprint('uid', os.getuid())",
        # Reading anything outside the sandbox fails as if it did not exist.
        f"for path in {probes!r}:\n"
        "    try:\n"
        "        open(path).read()\n"
        "        print('READ', path)\n"
        "    except OSError as error:\n"
        "        print('blocked', type(error).__name__)",
        # Course data is there, read-only.
        "from worldlab.paths import data_file\nprint('data', data_file('claims.csv').read_text().splitlines()[1])\n"
        "try:\n    open(data_file('claims.csv'), 'a').write('x')\nexcept OSError as e:\n    print('data read-only', e.errno)",
        # Writes: where it may write vanishes with the sandbox; nothing of the host is writable.
        "import sys, pathlib\n"
        "conn = pathlib.Path([a for a in sys.argv if a.endswith('.json')][0])\n"
        "for where in ['/tmp/escape.txt', os.path.expanduser('~/escape.txt'), 'escape.txt']:\n"
        "    open(where, 'w').write('x')\n"
        "print('runtime', conn.parent)\n"
        "targets = ['/usr/escape.txt', '/escape.txt', str(conn.parent / 'escape.txt'), "
        f"{str(tmp_path / 'escape.txt')!r}]\n"
        "for where in targets:\n"
        "    try:\n        open(where, 'w').write('x'); print('WROTE', where)\n"
        "    except OSError as e:\n        print('no write', e.errno)",
        # The network: the grader's loopback server cannot be reached.
        "import socket\ns = socket.socket()\ns.settimeout(2)\ntry:\n"
        f"    s.connect(('127.0.0.1', {port})); print('CONNECTED')\n"
        "except OSError as e:\n    print('net blocked', type(e).__name__)",
    )
    try:
        out, reason = execute_in_sandbox(nb, secrets["work"], secrets["policy"], 20, 60)
        with pytest.raises(TimeoutError):
            server.accept()  # nothing ever connected to the grader's port
    finally:
        server.close()
    assert reason is None, reason
    cells = out.cells
    assert "sum 45 mean 4.5" in texts(cells[1])
    assert "['helper.txt', 'lesson.ipynb']" in texts(cells[2]), texts(cells[2])
    assert "cwd /home/student/work" in texts(cells[2])
    if os.geteuid() == 0:
        assert "uid 0" not in texts(cells[2]), "the kernel must not run as root"
    assert texts(cells[3]).count("blocked") == len(probes), texts(cells[3])
    assert "READ" not in texts(cells[3])
    assert "data C01,text" in texts(cells[4]) and "data read-only" in texts(cells[4])
    assert "WROTE" not in texts(cells[5]) and texts(cells[5]).count("no write") == 4
    runtime = texts(cells[5]).split("runtime ")[1].split()[0]
    assert not Path(runtime).exists(), "the kernel's connection folder must be removed"
    assert not (tmp_path / "escape.txt").exists()
    assert not Path("/tmp/escape.txt").exists()
    assert sorted(p.name for p in secrets["work"].iterdir()) == ["helper.txt", "lesson.ipynb"]
    assert "net blocked" in texts(cells[6]), texts(cells[6])
    assert gradebook.read_text() == "grades"


@needs_bwrap
def test_works_as_kernel_manager_class_for_nbclient(secrets):
    config = Config()
    config.SandboxedKernelManager.policy = secrets["policy"]
    nb = notebook("import os, socket\nprint(socket.gethostname(), os.environ['HOME'])")
    client = NotebookClient(
        nb,
        kernel_manager_class=SandboxedKernelManager,
        config=config,
        timeout=20,
        resources={"metadata": {"path": str(secrets["work"])}},
    )
    client.execute()
    assert "sandbox /home/student" in texts(nb.cells[1])


# --------------------------------------------------------------------------------------------
# End to end: attacks cost only their own submission
# --------------------------------------------------------------------------------------------


@needs_bwrap
def test_infinite_loop_is_cut_and_later_cells_run():
    run = run_in_sandbox(
        notebook("x = 1", "while True:\n    pass", "print('after', x)"), None, **FAST
    )
    assert run.labels == [CELL_TIMEOUT], run.reason
    assert "CellTimeoutError" in errors(run.nb.cells[2])
    assert "after 1" in texts(run.nb.cells[3]), "the cell after the loop must still run"


@needs_bwrap
def test_loop_swallowing_keyboardinterrupt_is_stopped():
    swallow = "import time\nwhile True:\n    try:\n        time.sleep(0.05)\n    except KeyboardInterrupt:\n        pass"
    limits = {**FAST, "interrupt_grace": 1.5}
    run = run_in_sandbox(notebook("print('first')", swallow, "print('never')"), None, **limits)
    assert INTERRUPT_IGNORED in run.labels, run.reason
    assert run.aborted
    assert "first" in texts(run.nb.cells[1]), "outputs of finished cells are kept"
    # A test cell that never ran must not pass for having no error.
    assert errors(run.nb.cells[3]) == ["GradingAborted"]


@needs_bwrap
def test_fork_bomb_is_contained_and_reported_and_spares_a_parallel_submission():
    policy = SandboxPolicy(uid_range=(10_100_000, 10_100_100))  # uids no other grader uses
    bomb = notebook("import os\nwhile True:\n    os.fork()", "print('after')")
    honest = notebook(
        "import time, numpy as np\ntime.sleep(2.5)  # while the bomb goes off",
        "import subprocess, threading\n"
        "t = threading.Thread(target=print, args=('thread',))\nt.start(); t.join()\n"
        "print(subprocess.run(['echo', 'child'], capture_output=True, text=True).stdout)",
    )
    with ThreadPoolExecutor(2) as pool:  # graded at the same time, as the parallel grader does
        bombing = pool.submit(run_in_sandbox, bomb, None, policy, **FAST)
        sparing = pool.submit(run_in_sandbox, honest, None, policy, 10, 60)
        bombed, spared = bombing.result(), sparing.result()
    assert PROCESS_LIMIT in bombed.labels, bombed.reason
    assert "after" in texts(bombed.nb.cells[2]), "the kernel must survive its own fork bomb"
    assert spared.reason is None, spared.reason
    assert texts(spared.nb.cells[2]) == "thread\nchild\n\n"
    if os.geteuid() == 0:
        assert leftover_sandbox_processes(policy) == []


@needs_bwrap
def test_memory_hog_is_contained_and_reported():
    policy = SandboxPolicy(memory_bytes=768 * 1024**2)
    hog = "blocks = []\nwhile True:\n    blocks.append(bytearray(10**7))"
    run = run_in_sandbox(
        notebook("big = bytearray(4 * 1024**3)", hog, "del blocks\nprint('after')"),
        None,
        policy,
        cell_timeout=10,
        notebook_timeout=60,
    )
    assert run.labels == [MEMORY_LIMIT], run.reason
    assert errors(run.nb.cells[1]) == ["MemoryError"] and errors(run.nb.cells[2]) == ["MemoryError"]
    assert "after" in texts(run.nb.cells[3])


@needs_bwrap
def test_os_exit_is_kernel_died_with_earlier_outputs_kept():
    run = run_in_sandbox(
        notebook("print('before')", "import os\nos._exit(3)", "print('never')"), None, **FAST
    )
    assert run.labels == [KERNEL_DIED], run.reason
    assert "exit code 3" in run.reason
    assert texts(run.nb.cells[1]) == "before\n"
    assert errors(run.nb.cells[3]) == ["GradingAborted"]


@needs_bwrap
def test_output_flood_is_truncated_and_reported():
    run = run_in_sandbox(
        notebook(
            "while True:\n    print('x' * 1000)",
            "import sys\nprint('oops', file=sys.stderr)",
            "print('after')",
        ),
        None,
        max_cell_output_bytes=50_000,
        max_output_bytes=200_000,
        **FAST,
    )
    assert OUTPUT_LIMIT in run.labels, run.reason
    flood = run.nb.cells[1]
    assert sum(len(o.get("text", "")) for o in flood.outputs) < 60_000
    assert "OutputLimitError" in errors(flood)
    assert "truncated by the grader" in texts(flood)
    # stderr in a later cell still shows (nbgrader scores a test cell with stderr 0).
    assert any(o.get("name") == "stderr" for o in run.nb.cells[2].outputs)
    assert "after" in texts(run.nb.cells[3])


@needs_bwrap
def test_notebook_wall_time_stops_the_kernel_and_keeps_finished_cells():
    cells = [f"import time\ntime.sleep(0.8)\nprint('done {i}')" for i in range(8)]
    run = run_in_sandbox(notebook(*cells), None, cell_timeout=5, notebook_timeout=3)
    assert run.labels == [WALL_TIME], run.reason
    assert texts(run.nb.cells[1]) == "done 0\n" and texts(run.nb.cells[2]) == "done 1\n"
    assert errors(run.nb.cells[-1]) == ["GradingAborted"], "a cell after the stop must score 0"
    assert run.seconds < 10


@needs_bwrap
def test_a_kernel_that_cannot_start_raises_with_the_sandbox_log(tmp_path):
    (tmp_path / "big.bin").write_bytes(b"x" * 200_000)  # more than the sandbox's HOME holds
    with pytest.raises(SandboxStartError, match="No space left"):
        execute_in_sandbox(notebook("print(1)"), tmp_path, SandboxPolicy(tmpfs_bytes=100_000))


@needs_bwrap
def test_graders_ctrl_c_is_a_keyboardinterrupt_and_kills_the_kernel(sigint_as_in_a_terminal):
    policy = SandboxPolicy(uid_range=(10_100_100, 10_100_200))
    timer = threading.Timer(2.5, signal.raise_signal, args=(signal.SIGINT,))
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            run_in_sandbox(notebook("import time\ntime.sleep(30)"), None, policy, 60, 60)
    finally:
        timer.cancel()
    if os.geteuid() == 0:
        assert leftover_sandbox_processes(policy) == []


@needs_bwrap
def test_a_folder_nested_in_tmp_is_readable_by_the_sandbox_user(tmp_path):
    """A course cloned under /tmp keeps its .venv there (CI does): every parent of a bound
    folder must be traversable by the kernel's unprivileged user, tmpfs or not."""
    nested = tmp_path / "clone" / ".venv"
    nested.mkdir(parents=True)
    (nested / "pyvenv.cfg").write_text("home = x\n")
    policy = SandboxPolicy(ro_binds=((nested, str(nested)),))
    argv = sandbox_argv(["/bin/cat", str(nested / "pyvenv.cfg")], policy)
    result = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    assert result.stdout == "home = x\n", result.stderr
