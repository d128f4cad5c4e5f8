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
from pathlib import Path

import nbformat
import pytest
from course_helpers import REPO, run_nbgrader, run_worldlab
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
