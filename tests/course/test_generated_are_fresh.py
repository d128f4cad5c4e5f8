"""The committed generated files match their single source (run `worldlab build` to fix)."""

import nbformat
import pytest

from worldlab.course.build import (
    committed_reference_figures,
    notebook_bytes,
    solution_sources,
    student_version,
)
from worldlab.course.lessons import all_lessons
from worldlab.course.markings import instructor_notebook

LESSONS = all_lessons()
FIX = "is stale: run `worldlab build {id}` and commit the result"


def test_there_are_lessons():
    assert LESSONS and LESSONS[0].id == "00-the-debate"


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_instructor_notebook_is_fresh(lesson):
    expected = notebook_bytes(instructor_notebook(lesson.source, lesson.id))
    assert lesson.instructor.is_file(), f"{lesson.instructor} is missing: run `worldlab build`"
    assert lesson.instructor.read_bytes() == expected, f"{lesson.instructor} " + FIX.format(
        id=lesson.id
    )


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_student_folder_is_fresh(lesson, tmp_path):
    release = student_version(lesson, instructor_notebook(lesson.source, lesson.id), tmp_path)
    expected = {p.relative_to(release): p.read_bytes() for p in release.rglob("*") if p.is_file()}
    folder = lesson.student.parent
    committed = {  # JupyterLab's checkpoints are git-ignored, never committed
        p.relative_to(folder): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and ".ipynb_checkpoints" not in p.parts
    }
    assert sorted(committed) == sorted(expected), f"{folder} holds other files than the build makes"
    for name, data in expected.items():
        assert committed[name] == data, f"{folder / name} " + FIX.format(id=lesson.id)


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_reference_figures_are_fresh(lesson):
    """course/<id>/figures/ holds exactly the figures the committed solution names and draws."""
    expected = committed_reference_figures(lesson)
    folder = lesson.source.parent / "figures"
    committed = {p.stem: p.read_bytes() for p in folder.glob("*")} if folder.is_dir() else {}
    assert sorted(committed) == sorted(expected), (
        f"{folder} holds other figures than the build makes"
    )
    assert committed == expected, f"{folder} " + FIX.format(id=lesson.id)


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_solution_sources_are_fresh(lesson):
    """Outputs may differ in the last digits between machines: compare the cells' sources."""
    expected = solution_sources(instructor_notebook(lesson.source, lesson.id))
    assert lesson.solution.is_file(), f"{lesson.solution} is missing: run `worldlab build`"
    committed = nbformat.read(lesson.solution, as_version=4)
    assert [(c.cell_type, c.source) for c in committed.cells] == [
        (c.cell_type, c.source) for c in expected.cells
    ], f"{lesson.solution} " + FIX.format(id=lesson.id)


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_solutions_are_executed_without_errors(lesson):
    committed = nbformat.read(lesson.solution, as_version=4)
    code = [c for c in committed.cells if c.cell_type == "code" and c.source.strip()]
    assert all(c.execution_count for c in code), f"{lesson.solution} has unexecuted cells"
    for cell in code:
        for output in cell.outputs:
            assert output.output_type != "error", f"{lesson.solution}: cell {cell.id} raised"
            assert output.get("name") != "stderr", f"{lesson.solution}: cell {cell.id} wrote stderr"
    images = sum("image/png" in o.get("data", {}) for c in code for o in c.outputs)
    assert images >= 1, f"{lesson.solution} renders no figure"


def test_course_map_and_readme_lesson_table_are_fresh():
    """course/MAP.md and the README's lesson table are generated from the lessons' headers."""
    from worldlab.course.catalog import course_map, readme_with_lesson_table

    root = LESSONS[0].root
    assert (root / "course" / "MAP.md").read_text(encoding="utf-8") == course_map(root), (
        "course/MAP.md is stale: run `worldlab build` and commit the result"
    )
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert readme == readme_with_lesson_table(readme, root), (
        "README.md's lesson table is stale: run `worldlab build` and commit the result"
    )


def test_an_nbgrader_assignment_is_no_lesson_and_the_build_leaves_it_alone(tmp_path):
    """A folder of course/ with notebooks and no .md is graded as nbgrader would, never built."""
    from course_helpers import TINY_LESSON, make_course, run_worldlab

    from worldlab.course.lessons import resolve_assignment

    root = make_course(tmp_path, {"01-tiny": TINY_LESSON})
    assignment = root / "course" / "90-ps1"
    assignment.mkdir()
    nbformat.write(nbformat.v4.new_notebook(), assignment / "problem1.ipynb")
    before = sorted(p.name for p in assignment.iterdir())
    assert [lesson.id for lesson in all_lessons(root)] == ["01-tiny"]
    assert resolve_assignment("90-ps1", root) == "90-ps1"
    built = run_worldlab(root, "build", "--no-execute")
    assert built.returncode == 0, built.stderr
    assert sorted(p.name for p in assignment.iterdir()) == before
    assert not (root / "notebooks" / "90-ps1").exists()
    refused = run_worldlab(root, "build", "90-ps1")
    assert refused.returncode == 1
    assert "course/90-ps1/ is an nbgrader assignment" in refused.stderr


def test_building_an_empty_source_fails_clearly(tmp_path):
    from course_helpers import make_course, run_worldlab

    root = make_course(tmp_path, {"02-empty": "\n"})
    result = run_worldlab(root, "build", "02-empty")
    assert result.returncode == 1
    assert "02-empty.md is empty" in result.stderr
    assert not (root / "course" / "02-empty" / "02-empty.ipynb").exists()
