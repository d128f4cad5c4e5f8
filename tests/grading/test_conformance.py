"""`worldlab grade` is a drop-in for `nbgrader autograde`: both run on the same submissions.

Two courses, each graded twice (plain ``nbgrader autograde`` in one copy, ``worldlab grade`` in
another), once per module:

* nbgrader's own documentation example (``nbgrader/docs/source/user_guide/``, copied from the
  installed package, never vendored): ``ps1`` with two notebooks, a picture beside them, a task
  cell, manually graded answers, two students with nbgrader's ``timestamp.txt``;
* an assignment made here from small nbformat notebooks: two notebooks, one of which reads a data
  file released beside it, a read-only intro, a demo cell between an answer and its test, a task
  cell, a manually graded answer, a late submission under nbgrader's "zero" late-penalty plugin,
  a student's own copy of the data file (overwritten by the instructor's, as nbgrader does), a
  student's extra file (kept), and a student who submitted only one of the two notebooks.

Every per-cell score, manual-grading mark and late penalty must be equal; the autograded
notebooks must have the same cells in the same order with the same outputs, validate against
nbformat's schema, and ``nbgrader generate_feedback`` must work on them with no error line.
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from course_helpers import REPO, run_nbgrader, run_worldlab, subprocess_env
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

pytestmark = pytest.mark.skipif(
    shutil.which("bwrap") is None,
    reason="the safe grader needs bubblewrap (apt-get install bubblewrap)",
)

COURSE_ID = "predicting-the-world"


def _example() -> Path:
    import nbgrader

    return Path(nbgrader.__file__).parent / "docs" / "source" / "user_guide"


def _new_course(root: Path, config_lines: str = "") -> Path:
    (root / "course").mkdir(parents=True)
    (root / "grading" / "submitted").mkdir(parents=True)
    config = (REPO / "nbgrader_config.py").read_text() + config_lines
    (root / "nbgrader_config.py").write_text(config)
    return root


def error_lines(result: subprocess.CompletedProcess) -> list[str]:
    """Lines of an nbgrader run that report an error or an invalid notebook."""
    text = result.stdout + result.stderr
    return [
        line
        for line in text.splitlines()
        if "ERROR" in line or "invalid" in line.lower() or "Traceback" in line
    ]


def gradebook_cells(root: Path, assignment: str) -> dict:
    """``(student, notebook, cell) -> (auto_score, needs_manual_grade, max_score)``, plus each
    submission's late penalty under ``(student, "late penalty", "")``."""
    from worldlab.grading.gradebook import open_gradebook

    found = {}
    with open_gradebook(f"sqlite:///{root / 'grading' / 'gradebook.db'}", COURSE_ID) as gb:
        for submission in gb.assignment_submissions(assignment):
            student = submission.student.id
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    found[(student, notebook.name, grade.name)] = (
                        grade.auto_score,
                        grade.needs_manual_grade,
                        grade.max_score,
                    )
            found[(student, "late penalty", "")] = submission.late_submission_penalty or 0.0
    return found


def _outputs(cell) -> list:
    """What a reader sees of a cell's outputs (tracebacks reduced to the error's name)."""
    seen = []
    for output in cell.get("outputs", []):
        if output.output_type == "stream":
            seen.append(("stream", output.name, output.text))
        elif output.output_type == "error":
            seen.append(("error", output.ename, output.evalue))
        else:
            seen.append((output.output_type, output.get("data", {}).get("text/plain")))
    return seen


def autograded_view(path: Path) -> list[tuple]:
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)  # raises if the notebook breaks nbformat's schema
    return [
        (c.cell_type, c.source, c.get("execution_count"), _outputs(c), "outputs" in c)
        for c in nb.cells
    ]


def autograded_files(root: Path) -> dict[str, bytes | None]:
    """Every file of ``autograded/``: bytes for other files, None for notebooks."""
    folder = root / "grading" / "autograded"
    return {
        str(p.relative_to(folder)): None if p.suffix == ".ipynb" else p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.startswith(".")
    }


def grade_both(plain: Path, ours: Path, assignment: str, generate: bool = True) -> dict:
    """Plain nbgrader in ``plain``, worldlab in ``ours`` (which adds the assignment to the
    gradebook itself when needed); feedback generated from ours."""
    if generate:
        run_nbgrader(plain, "generate_assignment", assignment, "--force")
    run_nbgrader(plain, "autograde", assignment)
    graded = run_worldlab(ours, "grade", assignment)
    assert graded.returncode == 0, graded.stdout + graded.stderr
    return {
        "plain": plain,
        "ours": ours,
        "console": graded.stdout,
        "our_feedback": run_nbgrader(ours, "generate_feedback", assignment),
    }


# --------------------------------------------------------------------------------------------
# nbgrader's documentation example
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def example(tmp_path_factory) -> dict:
    roots = []
    for name in ("plain", "ours"):
        root = _new_course(tmp_path_factory.mktemp(name) / "repo")
        shutil.copytree(_example() / "source" / "ps1", root / "course" / "ps1")
        for student in ("bitdiddle", "hacker"):
            shutil.copytree(
                _example() / "submitted" / student, root / "grading" / "submitted" / student
            )
        roots.append(root)
    return grade_both(*roots, "ps1")


def test_example_per_cell_scores_and_manual_marks_equal_nbgrader(example):
    plain = gradebook_cells(example["plain"], "ps1")
    ours = gradebook_cells(example["ours"], "ps1")
    assert len(plain) == 2 * (7 + 2 + 1)  # 7 graded cells in problem1, 2 in problem2, penalty
    table = "\n".join(f"{key}: nbgrader {plain[key]}  worldlab {ours.get(key)}" for key in plain)
    print(table)
    assert ours == plain, table
    # the task cell and the edited manually graded code answer wait for a human, as in nbgrader
    assert ours[("hacker", "problem1", "cell-938593c4a215c6cc")] == (None, True, 4.0)
    assert ours[("hacker", "problem1", "sum_of_squares_application")] == (None, True, 2.0)


def test_example_autograded_notebooks_equal_nbgrader_and_are_valid(example):
    for student in ("bitdiddle", "hacker"):
        for notebook in ("problem1", "problem2"):
            relative = Path("grading", "autograded", student, "ps1", f"{notebook}.ipynb")
            ours = autograded_view(example["ours"] / relative)
            assert ours == autograded_view(example["plain"] / relative), relative
            assert all(has_outputs == (kind == "code") for kind, *_, has_outputs in ours)
    assert autograded_files(example["ours"]) == autograded_files(example["plain"])


def test_example_feedback_shows_the_picture_and_logs_no_error(example):
    assert error_lines(example["our_feedback"]) == []
    for student in ("bitdiddle", "hacker"):
        folder = example["ours"] / "grading" / "feedback" / student / "ps1"
        assert (folder / "jupyter.png").read_bytes() == (
            _example() / "source" / "ps1" / "jupyter.png"
        ).read_bytes()
        assert 'src="jupyter.png"' in (folder / "problem1.html").read_text()


def test_example_autograded_notebooks_open_in_the_formgrader(example, caplog):
    """The formgrader's own page renderer (its HTMLExporter template) on every notebook."""
    from nbconvert.exporters import HTMLExporter
    from nbgrader.server_extensions.formgrader import handlers
    from traitlets.config import Config

    config = Config()
    config.HTMLExporter.template_name = "formgrade"
    config.HTMLExporter.extra_template_basedirs = [handlers.template_path]
    exporter = HTMLExporter(config=config)
    for path in sorted((example["ours"] / "grading" / "autograded").rglob("*.ipynb")):
        resources = {
            "assignment_id": "ps1",
            "notebook_id": path.stem,
            "submission_id": "x",
            "index": 0,
            "total": 2,
            "base_url": "",
            "student": path.parents[1].name,
            "last_name": None,
            "first_name": None,
            "notebook_path": str(path),
        }
        page, _ = exporter.from_filename(str(path), resources=resources)
        nb = nbformat.read(path, as_version=4)
        meta = [c.metadata.get("nbgrader", {}) for c in nb.cells]
        boxes = [m["grade_id"] for m in meta if m.get("grade") or m.get("task")]
        assert boxes and all(f'id="{gid}"' in page for gid in boxes), path  # score boxes
    problems = [r.getMessage() for r in caplog.records if r.levelname in ("WARNING", "ERROR")]
    assert not [m for m in problems if "invalid" in m.lower()], problems


def test_collecting_a_two_notebook_assignment_keeps_one_file_per_notebook(tmp_path):
    import zipfile

    from worldlab.grading.collect import collect_zip

    archive = tmp_path / "download.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("kim_1_2_problem1.ipynb", "{}")
        zipped.writestr("kim_1_3_problem2.ipynb", "{}")
        zipped.writestr("kim_1_4_jupyter.png", b"png")
    result = collect_zip(archive, "ps1", tmp_path / "submitted", notebooks=("problem1", "problem2"))
    folder = tmp_path / "submitted" / "kim" / "ps1"
    assert sorted(p.name for p in folder.iterdir()) == [
        "jupyter.png",
        "problem1.ipynb",
        "problem2.ipynb",
        "timestamp.txt",
    ]
    assert not result.superseded and not result.unmatched and not result.not_notebooks


def test_example_totals_agree_everywhere(example):
    ours = example["ours"]
    expected = {"bitdiddle": 1.5, "hacker": 3.0}
    runs = json.loads((ours / "grading" / "runs" / "ps1.json").read_text())
    assert {s: runs[s]["score"] for s in expected} == expected
    assert {runs[s]["max_score"] for s in expected} == {13.0}
    for student, score in expected.items():
        assert f"{student}: graded {score:g}/13 automatic points" in example["console"]
    assert run_worldlab(ours, "export", "ps1").returncode == 0
    with open(ours / "grading" / "exports" / "ps1-grades.csv") as handle:
        rows = {row["student"]: row for row in csv.DictReader(handle)}
    assert {s: float(rows[s]["score"]) for s in expected} == expected
    assert {float(rows[s]["max_score"]) for s in expected} == {13.0}
    assert run_worldlab(ours, "report", "ps1").returncode == 0
    report = ours / "grading" / "reports" / "ps1"
    with open(report / "exercises.csv") as handle:
        tests = {row["cell"] for row in csv.DictReader(handle)}
    with open(report / "manual.csv") as handle:
        manual = {row["cell"]: row["kind"] for row in csv.DictReader(handle)}
    assert tests == {
        "correct_squares",
        "squares_invalid_input",
        "correct_sum_of_squares",
        "sum_of_squares_uses_squares",
    }
    assert manual == {
        "sum_of_squares_equation": "manual",
        "sum_of_squares_application": "manual",
        "cell-938593c4a215c6cc": "task",
        "part-a": "manual",
        "part-b": "manual",
    }


# --------------------------------------------------------------------------------------------
# An assignment of our own: what the example does not cover
# --------------------------------------------------------------------------------------------

ASSIGNMENT = "hw_2-data"  # not NN-slug: any id nbgrader accepts
DUE = "2026-01-02 12:00:00 UTC"
LATE_ZERO = '\nc.LateSubmissionPlugin.penalty_method = "zero"\n'


def _meta(grade_id: str, **flags) -> dict:
    meta = {"grade": False, "solution": False, "locked": False, "schema_version": 3}
    return {"nbgrader": meta | flags | {"grade_id": grade_id}}


def _analysis() -> nbformat.NotebookNode:
    return new_notebook(
        cells=[
            new_markdown_cell("# Totals\n\nRead-only intro.", metadata=_meta("intro", locked=True)),
            new_code_cell(
                "def total(name='numbers.csv'):\n    ### BEGIN SOLUTION\n"
                "    return sum(int(x) for x in open(name).read().split())\n    ### END SOLUTION",
                metadata=_meta("total", solution=True),
            ),
            new_code_cell("print('demo:', total())"),
            new_code_cell(
                "assert total() == 10, 'the numbers beside the notebook add up to 10'",
                metadata=_meta("total_test", grade=True, locked=True, points=2),
            ),
            new_markdown_cell(
                "Plot the numbers and describe them.",
                metadata=_meta("describe", locked=True, task=True, points=1),
            ),
        ],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}},
    )


def _extra() -> nbformat.NotebookNode:
    return new_notebook(
        cells=[
            new_code_cell(
                "def half(x):\n    ### BEGIN SOLUTION\n    return x / 2\n    ### END SOLUTION",
                metadata=_meta("half", solution=True),
            ),
            new_code_cell(
                "assert half(4) == 2",
                metadata=_meta("half_test", grade=True, locked=True, points=1),
            ),
            new_markdown_cell(
                "Why halve?", metadata=_meta("why", grade=True, solution=True, points=1)
            ),
        ],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}},
    )


def _answered(release: Path, answers: dict[str, str]) -> nbformat.NotebookNode:
    nb = nbformat.read(release, as_version=4)
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in answers:
            cell.source = answers[gid]
    return nb


ANSWERS = {
    "total": "def total(name='numbers.csv'):\n    return sum(map(int, open(name).read().split()))",
    "half": "def half(x):\n    return x / 2",
    "why": "To share.",
}

#: student -> (timestamp, notebooks submitted, their own files)
CLASS = {
    "ada": ("2026-01-01 10:00:00.000000 UTC", ("analysis", "extra"), {"notes.txt": b"mine"}),
    "bob": ("2026-01-05 10:00:00.000000 UTC", ("analysis", "extra"), {"numbers.csv": b"100"}),
    "cy": ("2026-01-01 11:00:00.000000 UTC", ("analysis",), {}),
}


@pytest.fixture(scope="module")
def own(tmp_path_factory) -> dict:
    plain = _new_course(tmp_path_factory.mktemp("own-plain") / "repo", LATE_ZERO)
    source = plain / "course" / ASSIGNMENT
    source.mkdir()
    nbformat.write(_analysis(), source / "analysis.ipynb")
    nbformat.write(_extra(), source / "extra.ipynb")
    (source / "numbers.csv").write_text("1 2 3 4\n")
    run_nbgrader(plain, "db", "assignment", "add", ASSIGNMENT, f"--duedate={DUE}")
    run_nbgrader(plain, "generate_assignment", ASSIGNMENT, "--force")
    release = plain / "notebooks" / ASSIGNMENT
    for student, (stamp, notebooks, files) in CLASS.items():
        folder = plain / "grading" / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        for notebook in notebooks:
            nb = _answered(release / f"{notebook}.ipynb", ANSWERS)
            nbformat.write(nb, folder / f"{notebook}.ipynb")
        for filename, data in files.items():
            (folder / filename).write_bytes(data)
        (folder / "timestamp.txt").write_text(stamp + "\n")
    ours = tmp_path_factory.mktemp("own-ours") / "repo"
    shutil.copytree(plain, ours)  # the same release, due date and submissions
    return grade_both(plain, ours, ASSIGNMENT, generate=False)


def test_own_assignment_scores_penalties_and_marks_equal_nbgrader(own):
    plain = gradebook_cells(own["plain"], ASSIGNMENT)
    ours = gradebook_cells(own["ours"], ASSIGNMENT)
    assert ours == plain
    # the data file beside the notebook was read (bob's own copy was replaced, as in nbgrader)
    assert ours[("ada", "analysis", "total_test")] == (2.0, False, 2.0)
    assert ours[("bob", "analysis", "total_test")] == (2.0, False, 2.0)
    assert ours[("ada", "analysis", "describe")] == (None, True, 1.0)  # a task waits for a human
    assert ours[("bob", "late penalty", "")] == 3.0  # late: the "zero" plugin takes it all
    assert ours[("ada", "late penalty", "")] == 0.0
    # cy submitted one notebook: 0 and nothing to review for the other, graded on the first
    assert ours[("cy", "extra", "half_test")] == (0.0, False, 1.0)
    assert ours[("cy", "extra", "why")] == (0.0, False, 1.0)
    assert ours[("cy", "analysis", "total_test")] == (2.0, False, 2.0)


def test_own_autograded_folders_equal_nbgrader(own):
    for student, (_, notebooks, _) in CLASS.items():
        for notebook in notebooks:
            relative = Path("grading", "autograded", student, ASSIGNMENT, f"{notebook}.ipynb")
            ours = autograded_view(own["ours"] / relative)
            assert ours == autograded_view(own["plain"] / relative), relative
    # a read-only intro stays first; the demo cell stays between the answer and its test
    first = autograded_view(own["ours"] / "grading/autograded/ada" / ASSIGNMENT / "analysis.ipynb")
    assert first[0][1].startswith("# Totals") and first[2][3] == [
        ("stream", "stdout", "demo: 10\n")
    ]
    files = autograded_files(own["ours"])
    assert files == autograded_files(own["plain"])
    assert files[f"ada/{ASSIGNMENT}/notes.txt"] == b"mine"
    assert files[f"bob/{ASSIGNMENT}/numbers.csv"] == b"1 2 3 4\n"
    assert error_lines(own["our_feedback"]) == []


def test_own_totals_agree_and_the_console_says_what_is_missing_and_late(own):
    ours = own["ours"]
    runs = json.loads((ours / "grading" / "runs" / f"{ASSIGNMENT}.json").read_text())
    assert {s: (runs[s]["score"], runs[s]["max_score"]) for s in CLASS} == {
        "ada": (3.0, 5.0),
        "bob": (3.0, 5.0),
        "cy": (2.0, 5.0),
    }
    assert runs["bob"]["late_penalty"] == 3.0
    assert any("extra.ipynb was not submitted" in note for note in runs["cy"]["notes"])
    assert (
        "bob: graded 3/5 automatic points, 2 cell(s) to grade by hand, late penalty 3"
        in (own["console"])
    )
    assert run_worldlab(ours, "export", ASSIGNMENT).returncode == 0
    with open(ours / "grading" / "exports" / f"{ASSIGNMENT}-grades.csv") as handle:
        rows = {row["student"]: row for row in csv.DictReader(handle)}
    assert float(rows["bob"]["raw_score"]) == 3.0 and float(rows["bob"]["score"]) == 0.0
    assert float(rows["cy"]["score"]) == 2.0 and float(rows["cy"]["max_score"]) == 5.0


def test_regrading_skips_unchanged_and_force_regrades(own):
    ours = own["ours"]
    again = run_worldlab(ours, "grade", ASSIGNMENT, "--student", "cy", "--student", "ghost")
    assert again.returncode == 0, again.stderr
    assert "cy: already graded, skipped" in again.stdout
    assert "ghost: no submission" in again.stdout
    forced = run_worldlab(ours, "grade", ASSIGNMENT, "--student", "cy", "--force")
    assert "cy: graded 2/5" in forced.stdout
    assert gradebook_cells(ours, ASSIGNMENT) == gradebook_cells(own["plain"], ASSIGNMENT)


# --------------------------------------------------------------------------------------------
# nbgrader's own autograde fixtures (nbgrader/tests/apps/files/, copied from the installed
# package into a temporary course, never vendored), graded both ways in one run per assignment
# --------------------------------------------------------------------------------------------

#: Config both graders read, beside the repository's: nbgrader's test settings, kept cheap
#: (a 2 s cell timeout for the timeout and infinite-loop fixtures).
FIXTURE_CONFIG = """
c.Execute.timeout = 2
c.AssignLatePenalties.plugin_class = "late_plugin.Blarg"
c.Autograde.exclude_overwriting = {"ps1": ["helper.py"]}
"""

#: nbgrader's own late-penalty plugin test: one point per hour late.
LATE_PLUGIN = """
from nbgrader.plugins import BasePlugin


class Blarg(BasePlugin):
    def late_submission_penalty(self, student_id, score, total_seconds_late):
        return int(total_seconds_late / 3600)
"""

FIXTURE_DUE = "2015-02-02 14:58:23.948203 America/Los_Angeles"

#: Not one of nbgrader's fixtures: a notebook of our own that reads a file the assignment ships,
#: whose name has a space and an accent.
ACCENTS = "<accents>"
ACCENTED_FILE = "données brutes.txt"


def _accents() -> nbformat.NotebookNode:
    return new_notebook(
        cells=[
            new_code_cell(
                f"with open({ACCENTED_FILE!r}, encoding='utf-8') as handle:\n"
                "    numbers = handle.read().split()",
                metadata=_meta("read", solution=True),
            ),
            new_code_cell(
                "assert len(numbers) == 3",
                metadata=_meta("read_test", grade=True, locked=True, points=1),
            ),
        ],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}},
    )


#: assignment -> {notebook: fixture used as its source}
FIXTURE_SOURCES = {
    "autotest": {
        "simple": "autotest-simple",
        "hashed": "autotest-hashed",
        "multi": "autotest-multi",
        "hidden": "autotest-hidden",
        "hidden_tests": "test-hidden-tests",
    },
    "ps1": {"p1": "submitted-unchanged", "p2": "submitted-unchanged"},
    "effects": {
        "side": "side-effects",
        "loop": "infinite-loop",
        "timeout": "timeout",
        "relative": "open_relative_file",
        "env": "validating-environment-variable",
        "output": "infinite-loop-with-output",
        "accents": ACCENTS,
    },
}

#: assignment -> student -> {file in the submission folder: fixture, RELEASE (the released
#: notebook, untouched), bytes, or a (fixture, change) pair}
RELEASE = "<release>"
SOURCE = "<source>"  # the instructor's notebook itself: a right answer


def _retyped(kind: str):
    """nbgrader's fixture with its first answer cell (or first test cell) turned into markdown."""

    def change(nb):
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            if (kind == "answer" and meta.get("solution")) or (
                kind == "test" and meta.get("grade") and not meta.get("solution")
            ):
                cell.cell_type = "markdown"
                cell.pop("outputs", None)
                cell.pop("execution_count", None)
                return nb
        raise AssertionError(kind)

    return change


FIXTURE_CLASS = {
    "autotest": {
        "unchanged": {
            "simple.ipynb": "autotest-simple-unchanged",
            "hashed.ipynb": "autotest-hashed-unchanged",
            "multi.ipynb": "autotest-multi-unchanged",
            "hidden.ipynb": "autotest-hidden-unchanged",
            "hidden_tests.ipynb": RELEASE,
        },
        "changed": {
            "simple.ipynb": "autotest-simple-changed",
            "hashed.ipynb": "autotest-hashed-changed",
            "multi.ipynb": "autotest-multi-changed",
            "hidden.ipynb": "autotest-hidden-changed-wrong",
        },
        "right": {"hidden.ipynb": "autotest-hidden-changed-right"},
    },
    "ps1": {
        "foo": {
            "p1.ipynb": "submitted-unchanged",
            "p2.ipynb": "submitted-changed",
            "timestamp.txt": b"2015-02-02 18:58:23.948203 America/Los_Angeles",
            "data.csv": b"some,other,data\n",
            "helper.py": b"print('this is different!')\n",
        },
        "bar": {
            "p1.ipynb": "submitted-changed",
            "p1 copy.ipynb": "submitted-unchanged",
            "timestamp.txt": b"2015-02-02 15:58:23.948203 America/Los_Angeles",
        },
        "locked": {
            "p1.ipynb": "submitted-locked-cell-changed",
            "p2.ipynb": "submitted-grade-cell-changed",
        },
        "retyped": {
            "p1.ipynb": ("submitted-changed", _retyped("answer")),
            "p2.ipynb": ("submitted-changed", _retyped("test")),
        },
    },
    "effects": {
        "foo": {
            "side.ipynb": "side-effects",
            "loop.ipynb": "infinite-loop",
            "timeout.ipynb": "timeout",
            "relative.ipynb": "open_relative_file",
            "env.ipynb": "validating-environment-variable",
            "accents.ipynb": SOURCE,
        },
        "flood": {"output.ipynb": "infinite-loop-with-output"},
    },
}

#: Files an assignment's source folder holds beside its notebooks.
FIXTURE_FILES = {
    "ps1": {"data.csv": b"some,data\n", "helper.py": b"print('hello!')\n"},
    "effects": {"data.txt": None, ACCENTED_FILE: b"1 2 3\n"},  # None: nbgrader's fixture
}


def _fixtures() -> Path:
    import nbgrader

    return Path(nbgrader.__file__).parent / "tests" / "apps" / "files"


def _fixture_course(root: Path) -> Path:
    """A course holding nbgrader's fixtures, released with nbgrader, submissions in place."""
    _new_course(root, FIXTURE_CONFIG)
    files = _fixtures()
    (root / "late_plugin.py").write_text(LATE_PLUGIN)
    shutil.copy(files / "autotests.yml", root / "autotests.yml")
    for assignment, notebooks in FIXTURE_SOURCES.items():
        source = root / "course" / assignment
        source.mkdir()
        for name, fixture in notebooks.items():
            if fixture == ACCENTS:
                nbformat.write(_accents(), source / f"{name}.ipynb")
            else:
                shutil.copy(files / f"{fixture}.ipynb", source / f"{name}.ipynb")
        for name, data in FIXTURE_FILES.get(assignment, {}).items():
            target = source / name
            if data is None:
                shutil.copy(files / name, target)
            else:
                target.write_bytes(data)
        run_nbgrader(root, "db", "assignment", "add", assignment, f"--duedate={FIXTURE_DUE}")
        run_nbgrader(root, "generate_assignment", assignment, "--force")
        for student, handed in FIXTURE_CLASS[assignment].items():
            folder = root / "grading" / "submitted" / student / assignment
            folder.mkdir(parents=True)
            for name, what in handed.items():
                target = folder / name
                if isinstance(what, bytes):
                    target.write_bytes(what)
                elif what == RELEASE:
                    shutil.copy(root / "notebooks" / assignment / name, target)
                elif what == SOURCE:
                    shutil.copy(root / "course" / assignment / name, target)
                elif isinstance(what, tuple):
                    fixture, change = what
                    nb = nbformat.read(files / f"{fixture}.ipynb", as_version=4)
                    target.write_text(json.dumps(change(nb), indent=1))
                else:
                    shutil.copy(files / f"{what}.ipynb", target)
    return root


@pytest.fixture(scope="module")
def fixtures(tmp_path_factory) -> dict:
    """Every fixture assignment graded once by plain nbgrader and once by worldlab."""
    plain = _fixture_course(tmp_path_factory.mktemp("fixtures-plain") / "repo")
    ours = tmp_path_factory.mktemp("fixtures-ours") / "repo"
    shutil.copytree(plain, ours)  # the same releases, gradebook, due dates and submissions
    consoles, plain_logs = {}, {}
    for assignment in FIXTURE_SOURCES:
        result = subprocess.run(
            [sys.executable, "-m", "nbgrader", "autograde", assignment],
            cwd=plain,
            env=subprocess_env(),
            capture_output=True,
            text=True,
            timeout=600,
        )
        plain_logs[assignment] = result.stdout + result.stderr
        graded = run_worldlab(ours, "grade", assignment)
        assert graded.returncode == 0, graded.stdout + graded.stderr
        consoles[assignment] = graded.stdout
    return {"plain": plain, "ours": ours, "console": consoles, "plain_log": plain_logs}


def fixture_table(fixtures: dict) -> dict[tuple, tuple]:
    """``(assignment, student, notebook, cell) -> (nbgrader's, worldlab's)`` for every cell
    either grader recorded: ``(auto_score, needs_manual_grade, max_score)``."""
    table = {}
    for assignment in FIXTURE_SOURCES:
        plain = gradebook_cells(fixtures["plain"], assignment)
        ours = gradebook_cells(fixtures["ours"], assignment)
        for key in sorted(set(plain) | set(ours), key=str):
            table[(assignment, *key)] = (plain.get(key), ours.get(key))
    return table


#: The differences the README lists as deliberate: (assignment, student) -> the README's name.
DELIBERATE = {
    # nbgrader fails the whole submission (invalid notebook): every cell waits for a human and
    # no autograded folder is written. worldlab restores the cell type, grades, and flags it.
    ("ps1", "retyped"): "retyped cells",
}


def test_fixtures_per_cell_equal_nbgrader_or_differ_as_the_readme_lists(fixtures):
    table = fixture_table(fixtures)
    print("\n".join(f"{k}: nbgrader {p}  worldlab {o}" for k, (p, o) in table.items()))
    assert len(table) > 80  # every fixture assignment was graded both ways
    differing = {key[:2] for key, (plain, ours) in table.items() if plain != ours}
    assert differing == set(DELIBERATE)
    readme = (REPO / "README.md").read_text()
    assert all(f"*{name}*" in readme for name in DELIBERATE.values())


def test_fixtures_autotest_hidden_tests_plugin_and_environment(fixtures):
    """The cases of the issue, spelled out (each one equal to nbgrader in the table above)."""
    ours = gradebook_cells(fixtures["ours"], "autotest")
    # AUTOTEST expanded: an unanswered submission fails every autotest, a wrong one some
    unanswered = [v for (s, _, cell), v in ours.items() if s == "unchanged" and cell]
    assert len(unanswered) == 11 and sum(score for score, *_ in unanswered) == 0
    assert ours[("changed", "multi", "test_multi")][0] == 1.0
    assert ours[("right", "hidden", "test_hidden")][0] == 1.0
    assert ours[("changed", "hidden", "test_hidden")][0] == 0.0  # hidden AUTOTEST, wrong value
    ps1 = gradebook_cells(fixtures["ours"], "ps1")
    assert ps1[("foo", "late penalty", "")] == 3.0  # the course's own plugin: 1 point per hour
    assert ps1[("bar", "late penalty", "")] == 1.0
    effects = gradebook_cells(fixtures["ours"], "effects")
    assert effects[("foo", "env", "cell-bfbdf1784663b6b6")][0] == 0.0  # NBGRADER_EXECUTION set
    assert effects[("foo", "timeout", "correct_squares")][0] == 0.0  # Execute.timeout = 2
    assert effects[("foo", "accents", "read_test")][0] == 1.0


def test_fixtures_autograded_files_equal_nbgrader_and_notebooks_are_valid(fixtures):
    plain, ours = autograded_files(fixtures["plain"]), autograded_files(fixtures["ours"])
    # nbgrader writes nothing for a submission it fails (DELIBERATE); worldlab writes it
    failed = [name for name in ours if name.startswith("retyped/ps1/")]
    assert failed and not [name for name in plain if name.startswith("retyped/")]
    assert {k: v for k, v in ours.items() if k not in failed} == plain
    assert plain["foo/effects/side-effect.txt"] == b"a side effect"  # written while graded
    assert plain["foo/ps1/helper.py"] == b"print('this is different!')\n"  # exclude_overwriting
    assert plain["foo/ps1/data.csv"] == b"some,data\n"
    assert "bar/ps1/helper.py" not in plain  # nbgrader leaves it out for a student without one
    assert "bar/ps1/p1 copy.ipynb" not in plain
    for path in sorted((fixtures["ours"] / "grading" / "autograded").rglob("*.ipynb")):
        autograded_view(path)  # schema-valid


def test_fixtures_honest_work_is_neither_broken_nor_flagged(fixtures):
    runs = {
        (assignment, student): entry
        for assignment in FIXTURE_SOURCES
        for student, entry in json.loads(
            (fixtures["ours"] / "grading" / "runs" / f"{assignment}.json").read_text()
        ).items()
    }
    assert {key for key, entry in runs.items() if entry["status"] != "graded"} == set()
    flagged = {key: entry["reason"] for key, entry in runs.items() if entry["reason"]}
    # a retyped cell is flagged (DELIBERATE); a cell that ran out of time is flagged for review
    assert set(flagged) == {("ps1", "retyped"), ("effects", "foo"), ("effects", "flood")}
    assert "changed from code to markdown" in flagged[("ps1", "retyped")]
    assert all(
        "cell timed out" in flagged[key] and "broken" not in flagged[key]
        for key in (("effects", "foo"), ("effects", "flood"))
    )
    assert not any(entry["tamper"] for entry in runs.values())
