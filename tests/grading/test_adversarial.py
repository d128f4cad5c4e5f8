"""Untrusted code, graded end to end by `worldlab grade` in the sandbox.

One submission per attack; every one of them answers both exercises correctly (6 points) unless
its attack *succeeded*, in which case it deliberately answers wrong. So a score of 6 proves the
attack failed, and the gradebook is checked to be intact afterwards.
"""

import base64
import html
import json
import re
import shutil
import socket
import textwrap
import threading

import nbformat
import numpy as np
import pytest
from course_helpers import HEADER, REFLECTION, run_nbgrader
from grading_helpers import (
    LESSON,
    REPO,
    TWO_EXERCISES,
    answered,
    course_gradebook,
    index_of,
    instructor,
    make_graded_course,
    release,
    submit,
    totals,
    worldlab,
)

from worldlab.grading.integrity import REDACTED
from worldlab.testing import DEFAULT_GRADING_SEED

pytestmark = pytest.mark.skipif(shutil.which("bwrap") is None, reason="bubblewrap not installed")


def _with_cell(root, code, before="double", answers=None):
    nb = answered(root, answers=answers)
    nb.cells.insert(index_of(nb, before), nbformat.v4.new_code_cell(textwrap.dedent(code)))
    return nb


def _guarded_double(condition_code: str) -> dict:
    """An answer that is right only if the attack in ``condition_code`` set LEAKED to False."""
    return {"double": condition_code + "\n\ndef double(x):\n    return 0 if LEAKED else 2 * x\n"}


# ---------------------------------------------------------------------------------------------
# Attacks on the tests themselves (issue 19). Each attacks `double` (left unsolved) and solves
# `triple`: a stub scores 0 on double, so an attack that fails scores exactly 3.
# ---------------------------------------------------------------------------------------------

STUB = "def double(x):\n    raise NotImplementedError\n"
FAKE_PASS_HOOK = textwrap.dedent(
    """
    from IPython import get_ipython
    from IPython.display import clear_output

    def _fake_pass(result):
        if result.error_in_exec is not None:
            clear_output()
            print("All tests passed.")

    get_ipython().events.register("post_run_cell", _fake_pass)
    """
)
SECRET_SEED = "90210417"
_PUBLIC = np.random.default_rng([DEFAULT_GRADING_SEED, 1]).integers(-1000, 1000, size=5)

#: name -> (answer for double, extra cell before double (code, nbgrader metadata), last cell,
#: the text of the line the scanner must flag, or None).
ATTACKS = {
    "hook_locked": (
        STUB,
        (FAKE_PASS_HOOK, {"locked": True, "solution": False, "grade": False}),
        None,
        "events.register",
    ),
    "hook_b64": (
        STUB,
        (
            f"exec(__import__('base64').b64decode({base64.b64encode(FAKE_PASS_HOOK.encode())!r}).decode())",
            None,
        ),
        None,
        "b64decode",
    ),
    "frame": (
        'import sys\n\ndef double(x):\n    return sys._getframe(1).f_globals["expected"]\n',
        None,
        None,
        "_getframe",
    ),
    "history": (STUB, None, "print('\\n'.join(_ih))", "_ih"),
    "environ": (
        STUB,
        ("print(open('/proc/self/environ', 'rb').read().replace(b'\\0', b'\\n').decode())", None),
        None,
        "/proc/self/environ",
    ),
    "rng_swap": (
        "import importlib\nimport numpy as np\n"
        "setattr(importlib.import_module('worldlab.' + 'testing'), 'grading_' + 'rng',\n"
        f"        lambda stream=0: np.random.default_rng([{DEFAULT_GRADING_SEED}, stream]))\n"
        f"_SEEN = {{v: 2 * v for v in {[int(v) for v in _PUBLIC]}}}\n\n"
        "def double(x):\n    return _SEEN[x]\n",
        None,
        None,
        "importlib",
    ),
    "kit_call": (
        "import worldlab.testing as kit\n\ndef double(x):\n    return kit.no_such_helper(x)\n",
        None,
        None,
        "import worldlab.testing as kit",
    ),
    # Of our own, in the same families.
    "transformer": (
        STUB,
        ("get_ipython().input_transformers_post.append(lambda lines: ['pass\\n'])", None),
        None,
        "input_transformers",
    ),
    "custom_exc": (
        STUB,
        ("get_ipython().set_custom_exc((BaseException,), lambda *args, **kwargs: None)", None),
        None,
        "set_custom_exc",
    ),
    "fake_reply": (
        STUB,
        (
            textwrap.dedent(
                """
                import inspect as _inspect
                _kernel = get_ipython().kernel
                _real = _kernel.do_execute

                async def _always_ok(*args, **kwargs):
                    reply = _real(*args, **kwargs)
                    if _inspect.isawaitable(reply):
                        reply = await reply
                    reply["status"] = "ok"
                    return reply

                _kernel.do_execute = _always_ok
                get_ipython().showtraceback = lambda *args, **kwargs: None
                """
            ),
            None,
        ),
        None,
        "_inspect",
    ),
    "forged_channel": (
        "import worldlab.checking as channel\n"
        "_real = channel.serve_call\n"
        '_forged = \'{"ok": true, "value": {"__pickle__": "gASVAAAAAAAAAAB9lC4="}}\'\n'
        "channel.serve_call = lambda request, namespace=None: (\n"
        "    _forged if 'double' in request else _real(request, namespace)\n"
        ")\n\n"
        "def double(x):\n    return x * 3\n",
        None,
        None,
        "import worldlab.checking as channel",
    ),
    "gc_hunt": (
        "import gc\n\ndef double(x):\n"
        "    for obj in gc.get_objects():\n"
        "        if isinstance(obj, dict) and 'expected' in obj:\n"
        "            return obj['expected']\n"
        "    return None\n",
        None,
        None,
        "import gc",
    ),
}


def attack_submission(root, name: str, lesson: str):
    answer, before, last, _ = ATTACKS[name]
    nb = answered(root, lesson, answers={"double": answer})
    if before is not None:
        code, meta = before
        cell = nbformat.v4.new_code_cell(textwrap.dedent(code))
        if meta:
            cell.metadata["nbgrader"] = meta
        nb.cells.insert(index_of(nb, "double"), cell)
    if last is not None:
        nb.cells.append(nbformat.v4.new_code_cell(last))
    return nb


def edited_points(root, lesson: str):
    """Both exercises right; the points of every graded cell in the metadata set to 100."""
    nb = answered(root, lesson)
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade"):
            meta["points"] = 100
    return nb


def hidden_test_lines(root, lesson: str) -> list[str]:
    """The hidden blocks' lines (the ones worth hiding: long, not in the student's notebook)."""
    from worldlab.grading.integrity import hidden_lines

    return list(hidden_lines(instructor(root, lesson), release(root, lesson)))


def feedback_html(root, lesson: str, student: str) -> str:
    run_nbgrader(root, "generate_feedback", lesson, "--student", student, "--force")
    page = root / "grading" / "feedback" / student / lesson / f"{lesson}.html"
    return html.unescape(page.read_text())


@pytest.fixture(scope="module")
def attacked(tmp_path_factory):
    root = make_graded_course(tmp_path_factory.mktemp("attack"))
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    port = server.getsockname()[1]
    threading.Thread(target=lambda: [server.accept() for _ in range(8)], daemon=True).start()

    secret_files = [
        root / "course" / LESSON / f"{LESSON}.ipynb",
        root / "course" / LESSON / f"{LESSON}.md",
        root / "grading" / "gradebook.db",
        root / "grading" / "submitted" / "honest" / LESSON / f"{LESSON}.ipynb",
    ]
    submit(root, "honest", answered(root))
    assert worldlab(root, "grade", LESSON).returncode == 0  # a grade to protect
    reads = "\n".join(
        f"try:\n    open({str(p)!r}, 'rb').read(1)\n    LEAKED = True\nexcept OSError:\n    pass"
        for p in secret_files
    )
    submit(root, "snoop", answered(root, answers=_guarded_double("LEAKED = False\n" + reads)))
    db = root / "grading" / "gradebook.db"
    vandal = f"""
        import os, sqlite3
        LEAKED = False
        try:
            sqlite3.connect({str(db)!r}).execute("update grade set auto_score = 999")
            LEAKED = True
        except Exception:
            pass
        try:
            os.remove({str(db)!r})
            LEAKED = True
        except OSError:
            pass
        """
    submit(root, "vandal", answered(root, answers=_guarded_double(textwrap.dedent(vandal))))
    network = f"""
        import socket
        LEAKED = False
        try:
            socket.create_connection(("127.0.0.1", {port}), timeout=2)
            LEAKED = True
        except OSError:
            pass
        """
    submit(root, "netcat", answered(root, answers=_guarded_double(textwrap.dedent(network))))
    submit(
        root,
        "forker",
        _with_cell(
            root,
            """
        import os, time
        children = 0
        try:
            for _ in range(5000):
                if os.fork() == 0:
                    time.sleep(120)
                    os._exit(0)
                children += 1
        except OSError as error:
            print("fork refused after", children, "children:", error)
        """,
        ),
    )
    submit(root, "hog", _with_cell(root, "hog = bytearray(64 * 1024**3)"))
    submit(
        root,
        "deaf",
        _with_cell(
            root,
            """
        import time
        while True:
            try:
                time.sleep(0.05)
            except KeyboardInterrupt:
                pass
        """,
            before="triple",
        ),
    )
    submit(root, "flood", _with_cell(root, "print('x' * (50 * 1024**2))"))
    submit(
        root,
        "patcher",
        _with_cell(
            root,
            """
        import numpy as np
        np.allclose = lambda *args, **kwargs: True
        """,
        ),
    )
    submit(
        root,
        "seedreader",
        _with_cell(
            root,
            """
        import os
        seed = os.environ.get("WORLDLAB_GRADING_SEED")
        """,
        ),
    )
    for name in ATTACKS:
        submit(root, name, attack_submission(root, name, LESSON))
    submit(root, "points", edited_points(root, LESSON))
    submit(root, "reset_wrapped", _with_cell(root, RESET_WRAPPED, answers={"double": STUB}))
    submit(root, "reset_targeted", _with_cell(root, RESET_TARGETED, answers={"double": STUB}))
    result = worldlab(
        root,
        "grade",
        LESSON,
        "--cell-timeout",
        "6",
        "--notebook-timeout",
        "60",
        "--memory-mb",
        "1024",
        env={"WORLDLAB_GRADING_SEED": SECRET_SEED},
    )
    server.close()
    assert result.returncode == 0, result.stdout + result.stderr
    runs = json.loads((root / "grading" / "runs" / f"{LESSON}.json").read_text())
    return root, runs, result


def test_attacks_that_fail_leave_full_marks(attacked):
    root, _, _ = attacked
    scores = totals(root)
    for student in (
        "honest",
        "snoop",
        "vandal",
        "netcat",
        "forker",
        "hog",
        "flood",
        "patcher",
        "seedreader",
    ):
        assert scores[student] == 6.0, f"{student}: {scores[student]}"


def test_a_kernel_that_ignores_interrupts_keeps_what_it_earned(attacked):
    root, runs, _ = attacked
    assert totals(root)["deaf"] == 3.0
    assert runs["deaf"]["reason"]


def test_the_gradebook_is_intact(attacked):
    root, _, _ = attacked
    with course_gradebook(root) as gb:
        students = {s.student.id for s in gb.assignment_submissions(LESSON)}
        worst = max(
            (g.auto_score or 0)
            for s in gb.assignment_submissions(LESSON)
            for g in s.notebooks[0].grades
        )
    assert len(students) == 13 + len(ATTACKS) and worst <= 2


@pytest.mark.parametrize(
    ("student", "signal"),
    [
        ("patcher", "patches numpy's comparisons"),
        ("seedreader", "reads the grading seed"),
        ("snoop", "reads the notebook or other files"),
        ("forker", "kills its own kernel"),
    ],
)
def test_tampering_is_flagged_with_its_line(attacked, student, signal):
    _, runs, _ = attacked
    assert any(signal in hit for hit in runs[student]["tamper"]), runs[student]["tamper"]
    assert any("line" in hit for hit in runs[student]["tamper"])


@pytest.mark.parametrize("student", ["flood", "deaf"])
def test_resource_abuse_is_flagged_with_a_reason(attacked, student):
    _, runs, _ = attacked
    assert runs[student]["reason"], f"{student} should carry a reason: {runs[student]}"


def test_a_fork_bomb_hits_the_process_limit(attacked):
    root, runs, _ = attacked
    nb = nbformat.read(
        root / "grading" / "autograded" / "forker" / LESSON / f"{LESSON}.ipynb", as_version=4
    )
    printed = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
    assert "fork refused after" in printed
    refused_after = int(printed.split("fork refused after")[1].split()[0])
    assert refused_after < 100, "the process limit (64) must stop the bomb early"
    assert runs["forker"]["tamper"], "forking is flagged for a human"


# ---------------------------------------------------------------------------------------------
# B: tests that share the kernel (this lesson's hidden tests are plain asserts, as in any
# nbgrader assignment that is not a course lesson).
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("student", sorted(ATTACKS))
def test_in_kernel_attacks_are_flagged_with_their_line(attacked, student):
    _, runs, _ = attacked
    line = ATTACKS[student][3]
    hits = [hit for hit in runs[student]["tamper"] if line in hit and ", line " in hit]
    assert hits, f"{student}: no flag naming {line!r}: {runs[student]['tamper']}"


@pytest.mark.parametrize(
    "student", ["hook_locked", "hook_b64", "transformer", "custom_exc", "fake_reply"]
)
def test_faked_passes_fail_in_the_shared_kernel_too(attacked, student):
    root, runs, _ = attacked
    assert totals(root)[student] == 3.0, runs[student]
    assert runs[student]["reason"], "restoring IPython's execution is flagged"


def test_points_come_from_the_release(attacked):
    root, runs, _ = attacked
    assert runs["points"]["max_score"] == runs["honest"]["max_score"] == 8.0
    assert runs["points"]["score"] == 6.0 and totals(root)["points"] == 6.0


def test_the_seed_is_neither_in_the_kernel_nor_in_any_output(attacked):
    root, _, _ = attacked
    nb = nbformat.read(
        root / "grading" / "autograded" / "environ" / LESSON / f"{LESSON}.ipynb", as_version=4
    )
    printed = json.dumps([c.get("outputs", []) for c in nb.cells])
    assert "HOME=/home/student" in printed  # the attack did read the environment
    assert "WORLDLAB_GRADING_SEED" not in printed and SECRET_SEED not in printed


def test_printed_history_never_shows_hidden_tests_in_the_feedback(attacked):
    root, runs, _ = attacked
    lines = hidden_test_lines(root, LESSON)
    assert lines, "the lesson has hidden-test lines to protect"
    page = feedback_html(root, LESSON, "history")
    assert REDACTED in page and "import numpy as np" in page  # the history was printed
    assert not [line for line in lines if line in page]
    assert "hidden-test text in the output" in runs["history"]["reason"]


# ---------------------------------------------------------------------------------------------
# A: a course lesson whose hidden tests are @hidden_test checks, run outside the kernel.
# ---------------------------------------------------------------------------------------------

CHECKED = "02-checked"
CHECKED_LESSON = TWO_EXERCISES.replace(
    textwrap.dedent(
        """\
        from worldlab.testing import grading_rng

        values = grading_rng(stream=1).integers(-1000, 1000, size=5)
        for v in values:
            assert double(int(v)) == 2 * int(v), f"double({v}) should be {2 * v}"
        """
    ),
    textwrap.dedent(
        """\
        from worldlab.checking import hidden_test


        @hidden_test(globals(), stream=1)
        def check_double(student, rng):
            for v in rng.integers(-1000, 1000, size=5):
                expected = 2 * int(v)
                got = student.double(int(v))
                assert got == expected, "double is wrong on a number you have not tried"
        """
    ),
).replace(
    "assert triple(-7) == -21\nassert triple(0.5) == 1.5\n",
    textwrap.dedent(
        """\
        from worldlab.checking import hidden_test


        @hidden_test(globals(), stream=2)
        def check_triple(student, rng):
            assert student.triple(-7) == -21, "triple(-7) should be -21"
            assert student.triple(0.5) == 1.5, "triple(0.5) should be 1.5"
        """
    ),
)


def _code_cell(lesson_id: str, first_line: str) -> str:
    """The ``{code-cell}`` block of a real lesson's source whose code starts with ``first_line``."""
    source = (REPO / "course" / lesson_id / f"{lesson_id}.md").read_text()
    blocks = re.findall(r"^```\{code-cell\} ipython3\n.*?^```$", source, flags=re.M | re.S)
    (block,) = [b for b in blocks if b.split("\n", 2)[1].startswith(first_line)]
    return block


#: Lessons 06 and 08's experiment checks, taken from their sources: the answer cells and the
#: hidden-test cells of dyna_q_update, explore_action (06) and reservoir_add (08); 10 points.
FORGED = "03-experiments"
EXPERIMENTS_LESSON = (
    HEADER
    + "\n# Lesson 03 — Experiments of lessons 06 and 08\n\n```{code-cell} ipython3\nimport numpy as np\n```\n\n"
    + "\n\n".join(
        _code_cell(lesson, line)
        for lesson, line in [
            ("06-acting-and-planning", "def dyna_q_update("),
            ("06-acting-and-planning", ":test: dyna_q_update_hidden"),
            ("06-acting-and-planning", "def explore_action("),
            ("06-acting-and-planning", ":test: explore_action_hidden"),
            ("08-continual-learning", "def reservoir_add("),
            ("08-continual-learning", ":test: reservoir_add_hidden"),
        ]
    )
    + "\n"
    + REFLECTION
)
#: Family 2: answers that do not solve the exercises (a stub Dyna-Q step, a random-walk explorer,
#: a reservoir that always evicts, so keeps recent items), and the kit runners the checks ask the
#: kernel for replaced by ones that send back what a good answer would (walks of a rule that
#: tries new moves first, uniform buffers).
FORGED_RUNNERS = textwrap.dedent(
    """
    import numpy as np
    import worldlab.continual as continual
    import worldlab.planning as planning
    from worldlab.planning import model_based

    _real_actions = model_based.exploration_actions


    def _expert(state, tried, rng):
        untried = np.flatnonzero(~tried[state])
        return int(rng.choice(untried)) if untried.size else int(rng.integers(4))


    def _actions(choose, n_steps, seed, start=None):
        return _real_actions(_expert, n_steps, seed, start)


    def _buffers(reservoir, length, capacity, seeds):
        return [
            [int(i) for i in np.random.default_rng(s).choice(length, capacity, replace=False)]
            for s in seeds
        ]


    planning.exploration_actions = model_based.exploration_actions = _actions
    continual.reservoir_buffers = continual.finetuning.reservoir_buffers = _buffers
    """
)
FORGER_ANSWERS = {
    "explore_action": "def explore_action(state, tried, rng):\n    return int(rng.integers(4))\n",
    "reservoir_add": (
        "def reservoir_add(buffer, n_seen, item, capacity, rng):\n"
        "    if n_seen < capacity:\n        buffer.append(item)\n"
        "    else:\n        buffer[int(rng.integers(capacity))] = item\n"
        "    return n_seen + 1\n"
    ),
}


def _forger(root):
    stub = next(
        c.source
        for c in release(root, FORGED).cells
        if c.metadata.get("nbgrader", {}).get("grade_id") == "dyna_q_update"
    )
    nb = answered(root, FORGED, answers={**FORGER_ANSWERS, "dyna_q_update": stub})
    nb.cells.insert(index_of(nb, "dyna_q_update"), nbformat.v4.new_code_cell(FORGED_RUNNERS))
    return nb


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    assert CHECKED_LESSON.count("@hidden_test") == 2
    root = make_graded_course(
        tmp_path_factory.mktemp("checked"),
        {CHECKED: CHECKED_LESSON, FORGED: EXPERIMENTS_LESSON},
    )
    for student, nb in (
        ("honest", answered(root, FORGED)),
        ("stub", release(root, FORGED)),
        ("forger", _forger(root)),
    ):
        submit(root, student, nb, lesson=FORGED)
    experiments = worldlab(root, "grade", FORGED, env={"WORLDLAB_GRADING_SEED": SECRET_SEED})
    assert experiments.returncode == 0, experiments.stdout + experiments.stderr
    submit(root, "honest", answered(root, CHECKED), lesson=CHECKED)
    submit(root, "stub", release(root, CHECKED), lesson=CHECKED)
    submit(root, "slow", answered(root, CHECKED, answers={"double": SLOW}), lesson=CHECKED)
    plotter = answered(root, CHECKED)
    plotter.cells.insert(index_of(plotter, "double"), nbformat.v4.new_code_cell(PLOT))
    plotter.cells.append(nbformat.v4.new_code_cell("plt.plot([3, 1, 2])"))
    submit(root, "plotter", plotter, lesson=CHECKED)
    for name in ATTACKS:
        submit(root, name, attack_submission(root, name, CHECKED), lesson=CHECKED)
    submit(root, "points", edited_points(root, CHECKED), lesson=CHECKED)
    for name, (answer, before, last) in TRUST_ATTACKS.items():
        written = MARKDOWN_SCRIPT if name == "script" else "My reflection."
        nb = answered(root, CHECKED, answers={"double": answer}, reflection=written)
        if before:
            nb.cells.insert(index_of(nb, "double"), nbformat.v4.new_code_cell(before))
        if last:
            nb.cells.append(nbformat.v4.new_code_cell(last))
        submit(root, name, nb, lesson=CHECKED)
    result = worldlab(
        root,
        "grade",
        CHECKED,
        "--cell-timeout",
        "5",
        env={"WORLDLAB_GRADING_SEED": SECRET_SEED},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    runs = json.loads((root / "grading" / "runs" / f"{CHECKED}.json").read_text())
    return root, runs


def _forged(value_json: str) -> str:
    """A stub whose every reply to ``double`` is a success carrying the JSON text that the
    kernel expression ``value_json`` builds, sent raw on the channel."""
    return (
        "import worldlab.checking as channel\n"
        "_real = channel.serve_call\n"
        f"""_FORGED = '{{"__dict__": [["ok", true], ["value", ' + {value_json} + ']]}}'\n"""
        "channel.serve_call = lambda request, namespace=None: (\n"
        "    _FORGED if 'double' in request else _real(request, namespace)\n"
        ")\n\n" + STUB
    )


_HIDDEN_HOOK = FAKE_PASS_HOOK.encode().hex()
#: Issue 22's families, against the trusted side. name -> (answer for double, a cell before it,
#: a last cell). Each solves triple; unless said otherwise it leaves double unsolved (a stub
#: scores 3 here), or forges double's replies to the checker.
TRUST_ATTACKS = {
    # 1: a lone surrogate in an error message reaches the check's failure message.
    "surrogate": ("def double(x):\n    raise ValueError('\\ud800 no')\n", None, None),
    # 1: a kernel message built to break our code: that student is a grading error.
    "raw_message": (
        STUB,
        "k = get_ipython().kernel\n"
        "k.session.send(k.iopub_socket, 'display_data', content={'data': ['x'], 'metadata': {}},"
        " parent=k.get_parent('shell'))",
        None,
    ),
    # 3: a '#' inside a string hid the rest of the line from the scanner.
    "hash_in_string": (
        STUB,
        f'_ = "#"; exec(bytes.fromhex("{_HIDDEN_HOOK}").decode())',
        None,
    ),
    # 3 (ours): exec reached through globals() and a computed getattr, no name on the line.
    "spelt_exec": (
        STUB,
        "_b = globals()['__buil' + 'tins__']\n"
        "_run = _b['ex' + 'ec'] if isinstance(_b, dict) else getattr(_b, 'ex' + 'ec')\n"
        f"_run(bytearray({list(FAKE_PASS_HOOK.encode())}).decode())",
        None,
    ),
    # 5: a correct double that records the hidden inputs, printed into the feedback (twice).
    "recorder": (
        "SEEN = []\n\ndef double(x):\n    SEEN.append(x)\n    return 2 * x\n",
        None,
        "print('SEEN', SEEN)",
    ),
    "recorder_too": (
        "SEEN = []\n\ndef double(x):\n    SEEN.append(x)\n    return 2 * x\n",
        None,
        "print('SEEN', SEEN)",
    ),
    # 6: replies the trusted side must not build: a hash-flooding set, 3 million values, a
    # DataFrame of 20,000 columns.
    "hash_flood": (
        _forged(
            "'{\"__set__\": [' + ','.join(str(i * (2**61 - 1)) for i in range(1, 30001)) + ']}'"
        ),
        None,
        None,
    ),
    "huge_list": (_forged("'[' + ','.join(['1'] * 3_000_000) + ']'"), None, None),
    "wide_frame": (
        _forged(
            "'{\"__dataframe__\": {\"columns\": [' + ','.join(map(str, range(20_000)))"
            ' + \'], "data": [], "index": {"labels": [], "name": null}}}\''
        ),
        None,
        None,
    ),
    # 6: calls that each stay under the cell limit (5 s) but not together: the checks count.
    "slow_calls": (
        "import time\n\ndef double(x):\n    time.sleep(2)\n    return 2 * x\n",
        None,
        None,
    ),
    # 7: a script in an output, for the instructor's browser (both exercises solved).
    "script": (
        "def double(x):\n    return 2 * x\n",
        "from IPython.display import HTML, display\n"
        "display(HTML('<b>bold</b><script>alert(\"owned\")</script>'))",
        None,
    ),
}


#: Family 4: the grader's reset, found in sys.modules by its name, answers "nothing restored"
#: and an AST transformer survives every reset. ``{which}`` picks the asserts it removes.
_RESET_WRAPPED = textwrap.dedent(
    """
    import ast
    import sys


    class _Pass(ast.NodeTransformer):
        def visit_Assert(self, node):
            return ast.Pass() if {which} else node


    get_ipython().ast_transformers.append(_Pass())
    for _name, _module in list(sys.modules.items()):
        if _name.startswith("_worldlab_reset_"):
            _module.reset = lambda: "reset: "
    """
)
#: Every assert goes (a cell that must fail passes: the canary sees it).
RESET_WRAPPED = _RESET_WRAPPED.format(which="True")
#: Only the asserts that call double go (the canary, which carries the test's asserts, loses its
#: own too: caught).
RESET_TARGETED = _RESET_WRAPPED.format(which="'double' in ast.unparse(node)")
#: Only the asserts shaped exactly like the test's (``double(…) == …``) go: the canary's own
#: (``17 == … and (double(…) == …)``) stays, so only the trusted run of the test can see it.
RESET_SPARES_CANARY = _RESET_WRAPPED.format(
    which="isinstance(node.test, ast.Compare) and 'double' in ast.unparse(node.test.left)"
)
#: The same wrapped reset, with an input transformer that keeps every cell the kernel is sent
#: (the canary's included), printed at the end: no hidden check may be among them.
SPY = (
    RESET_TARGETED
    + "\n_CELLS = []\nget_ipython().input_transformers_post.append("
    + "lambda lines: _CELLS.append(''.join(lines)) or lines)\n"
)
TRUST_ATTACKS["spy"] = (STUB, SPY, "print('CELLS', _CELLS)")
TRUST_ATTACKS["reset_wrapped"] = (STUB, RESET_WRAPPED, None)
TRUST_ATTACKS["reset_targeted"] = (STUB, RESET_TARGETED, None)
TRUST_ATTACKS["reset_spares_canary"] = (STUB, RESET_SPARES_CANARY, None)

#: 7 (markdown): a written answer with a script and an event handler.
MARKDOWN_SCRIPT = 'My answer. <script>alert("md")</script><img src=x onerror=alert("md2")>'

#: An honest student's figure: matplotlib registers IPython hooks of its own, which are kept.
PLOT = "import matplotlib.pyplot as plt\n\nplt.plot([1, 2, 3])"
#: A double that is right on the visible test and loops forever on anything else.
SLOW = "def double(x):\n    while x != 2:\n        pass\n    return 4\n"


def test_checks_judge_from_outside_the_kernel(checked):
    root, runs = checked
    scores = totals(root, CHECKED)
    assert scores["honest"] == 6.0 and scores["stub"] == 0.0
    assert scores["points"] == 6.0 and runs["points"]["max_score"] == 8.0
    assert scores["slow"] == 4.0, runs["slow"]  # visible test passed, the hidden call timed out
    printed = json.dumps(_outputs(root, "slow"))
    assert "did not return within" in printed or "ran longer than its limit" in printed


def _outputs(root, student, lesson=CHECKED):
    path = root / "grading" / "autograded" / student / lesson / f"{lesson}.ipynb"
    return [c.get("outputs", []) for c in nbformat.read(path, as_version=4).cells]


def test_honest_figures_are_kept_and_not_flagged(checked):
    root, runs = checked
    assert totals(root, CHECKED)["plotter"] == 6.0
    assert not runs["plotter"]["reason"] and not runs["plotter"]["tamper"], runs["plotter"]
    figures = [
        o for outs in _outputs(root, "plotter") for o in outs if "image/png" in o.get("data", {})
    ]
    assert len(figures) == 2, "both figures, the one after the tests too"


@pytest.mark.parametrize("student", sorted(ATTACKS))
def test_attacks_on_checked_lessons_score_what_a_stub_scores(checked, student):
    root, runs = checked
    assert totals(root, CHECKED)[student] == 3.0, runs[student]


def test_a_failing_check_shows_only_its_message(checked):
    root, _ = checked
    nb = nbformat.read(
        root / "grading" / "autograded" / "frame" / CHECKED / f"{CHECKED}.ipynb", as_version=4
    )
    (cell,) = [
        c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "double_hidden"
    ]
    (error,) = [o for o in cell.outputs if o.output_type == "error"]
    assert "KeyError" in error.evalue and error.traceback == [f"{error.ename}: {error.evalue}"]
    assert "### BEGIN HIDDEN TESTS" in cell.source  # the autograded notebook keeps the test


def test_hidden_checks_never_reach_the_kernel(checked):
    root, _ = checked
    lines = hidden_test_lines(root, CHECKED)
    nb = nbformat.read(
        root / "grading" / "autograded" / "history" / CHECKED / f"{CHECKED}.ipynb", as_version=4
    )
    printed = json.dumps([c.get("outputs", []) for c in nb.cells])
    assert "_ih" in printed and "assert double(2) == 4" in printed  # the history was printed
    assert "hidden_test" not in printed and "check_double" not in printed
    page = feedback_html(root, CHECKED, "history")
    assert not [line for line in lines if line in page]


# ---------------------------------------------------------------------------------------------
# Issue 22: the trusted side survives any one student (in the same class as honest and stub).
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "student",
    ["surrogate", "hash_in_string", "spelt_exec", "hash_flood", "huge_list", "wide_frame"],
)
def test_trust_attacks_score_what_a_stub_scores(checked, student):
    root, runs = checked
    assert runs[student]["status"] == "graded", runs[student]
    assert totals(root, CHECKED)[student] == 3.0, runs[student]


@pytest.mark.parametrize(
    ("student", "words"),
    [
        ("hash_flood", "share one hash more than 8 times"),
        ("huge_list", "values is over the limit of 1,000,000"),
        ("wide_frame", "20,000 columns is over the limit"),
    ],
)
def test_hostile_replies_are_refused_before_they_are_built(checked, student, words):
    root, _ = checked
    assert words in json.dumps(_outputs(root, student)), _outputs(root, student)


def test_one_student_cannot_cost_the_class_its_grades(checked):
    root, runs = checked
    scores = totals(root, CHECKED)
    assert scores["honest"] == 6.0 and scores["stub"] == 0.0
    assert set(scores) == set(runs), "every submission is in the gradebook and the run record"
    assert all(runs[s]["status"] == "graded" for s in runs if s != "raw_message")


def test_a_reply_that_breaks_our_code_is_that_students_grading_error(checked):
    root, runs = checked
    outcome = runs["raw_message"]
    assert outcome["status"] == "error" and "the grader failed" in outcome["reason"]
    with course_gradebook(root) as gb:
        submission = gb.find_submission_notebook(CHECKED, CHECKED, "raw_message")
        assert all(g.auto_score is None for g in submission.grades), "no score, a human looks"
        assert submission.flagged


def test_the_lone_surrogate_reaches_the_notebook_as_a_replacement_character(checked):
    root, _ = checked
    printed = json.dumps(_outputs(root, "surrogate"), ensure_ascii=False)
    assert "\ufffd no" in printed


@pytest.mark.parametrize(
    ("student", "words"), [("hash_in_string", "fromhex"), ("spelt_exec", "globals()")]
)
def test_hidden_dynamic_execution_is_flagged_with_its_line(checked, student, words):
    _, runs = checked
    hits = [hit for hit in runs[student]["tamper"] if words in hit and ", line " in hit]
    assert any("runs code dynamically" in hit for hit in hits), runs[student]["tamper"]


def _seen(root, student):
    printed = "".join(o.get("text", "") for outs in _outputs(root, student) for o in outs)
    return [int(v) for v in printed.split("SEEN [")[1].split("]")[0].split(",")]


def test_recorded_hidden_inputs_say_nothing_about_another_student(checked):
    root, runs = checked
    assert totals(root, CHECKED)["recorder"] == 6.0
    mine, theirs = _seen(root, "recorder"), _seen(root, "recorder_too")
    # The visible test, in the kernel and again from the grader; then the 5 hidden inputs.
    assert len(mine) == len(theirs) == 7 and mine[:2] == theirs[:2] == [2, 2]
    assert mine[2:] != theirs[2:]
    from_secret = np.random.default_rng([int(SECRET_SEED), 1]).integers(-1000, 1000, size=5)
    assert mine[2:] != [int(v) for v in from_secret] and mine[2:] != [int(v) for v in _PUBLIC]


def test_a_test_cells_clock_counts_its_checks(checked):
    root, runs = checked
    assert totals(root, CHECKED)["slow_calls"] == 4.0  # visible test passed, hidden timed out
    assert "ran longer than its limit of 5 s" in json.dumps(_outputs(root, "slow_calls"))


def test_student_scripts_reach_neither_notebook_nor_feedback(checked):
    root, runs = checked
    assert totals(root, CHECKED)["script"] == 6.0
    printed = json.dumps(_outputs(root, "script"))
    assert "<b>bold</b>" in printed and "<script" not in printed  # escaped: shown as text
    run_nbgrader(root, "generate_feedback", CHECKED, "--student", "script", "--force")
    page = (root / "grading" / "feedback" / "script" / CHECKED / f"{CHECKED}.html").read_text()
    assert "alert(" in page and not re.search(r"<script[^>]*>\s*alert\(", page)
    markdown = "".join(
        c.source
        for c in nbformat.read(
            root / "grading" / "autograded" / "script" / CHECKED / f"{CHECKED}.ipynb", as_version=4
        ).cells
        if c.cell_type == "markdown"
    )
    assert "My answer." in markdown and "<script" not in markdown and "onerror" not in markdown
    assert not re.search(r"<script[^>]*>\s*alert\(\"md\"\)", page) and "onerror" not in page


def test_forged_experiment_runners_score_what_a_stub_scores(checked):
    """Family 2: the kit in the kernel sends back a good explorer's walks and uniform buffers."""
    root, _ = checked
    assert totals(root, FORGED) == {"honest": 10.0, "stub": 0.0, "forger": 0.0}
    printed = json.dumps(_outputs(root, "forger", FORGED))
    assert "the walk is not your rule's" in printed  # lesson 06's claim, replayed here
    assert "replayed with your function ends in" in printed  # lesson 08's claim, replayed here


@pytest.mark.parametrize("student", ["reset_wrapped", "reset_targeted", "reset_spares_canary"])
def test_a_wrapped_reset_gains_no_visible_point(checked, student):
    """Family 4 on a course lesson: visible tests are judged outside the kernel too."""
    root, runs = checked
    assert totals(root, CHECKED)[student] <= 3.0, runs[student]
    nb = nbformat.read(
        root / "grading" / "autograded" / student / CHECKED / f"{CHECKED}.ipynb", as_version=4
    )
    (cell,) = [
        c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "double_visible"
    ]
    assert any(o.output_type == "error" for o in cell.outputs), "the faked visible test fails"


def test_a_transformer_that_spares_the_canary_is_caught_by_the_trusted_visible_run(checked):
    root, runs = checked
    student = "reset_spares_canary"
    assert totals(root, CHECKED)[student] == 3.0, runs[student]
    assert "must fail" not in (runs[student]["reason"] or ""), "the canary did not see it"
    assert "not written yet" in json.dumps(_outputs(root, student))
    assert "failed when the grader ran it" in (runs[student]["reason"] or ""), runs[student]


def test_a_targeted_transformer_is_caught_by_the_canary_too(checked):
    root, runs = checked
    assert totals(root, CHECKED)["reset_targeted"] == 3.0, runs["reset_targeted"]
    assert "must fail" in (runs["reset_targeted"]["reason"] or ""), runs["reset_targeted"]


def test_no_hidden_check_reaches_a_kernel_that_keeps_every_cell(checked):
    root, runs = checked
    printed = json.dumps(_outputs(root, "spy"))
    assert "CELLS" in printed and "canary-" in printed  # the spy kept the canaries
    assert "check_double" not in printed and "hidden_test" not in printed
    assert totals(root, CHECKED)["spy"] == 3.0, runs["spy"]


@pytest.mark.parametrize("student", ["reset_wrapped", "reset_targeted"])
def test_a_wrapped_reset_in_a_shared_kernel_fails_its_tests_and_is_flagged(attacked, student):
    """Family 4 on an assignment whose tests share the kernel: the canary fails, flagged — also
    when the transformer drops only the asserts that call the student's function (the canary
    carries the test's assertions, so it loses its own)."""
    root, runs, _ = attacked
    assert totals(root)[student] <= 3.0, runs[student]
    assert "must fail" in runs[student]["reason"], runs[student]
    hits = [h for h in runs[student]["tamper"] if "_worldlab_reset_" in h and ", line " in h]
    assert hits, runs[student]["tamper"]
