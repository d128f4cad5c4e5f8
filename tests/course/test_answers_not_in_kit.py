"""A graded exercise's answer lives only in its lesson source, never in the lab kit."""

import ast
from pathlib import Path

import pytest

from worldlab.course.lessons import all_lessons
from worldlab.course.references import answer_names, load_reference

KIT = Path(__file__).resolve().parents[2] / "src" / "worldlab"
LESSONS = all_lessons()


def kit_definitions() -> dict[str, list[str]]:
    """Every function and class name defined anywhere in the kit (public or private, nested)."""
    found: dict[str, list[str]] = {}
    for path in sorted(KIT.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                found.setdefault(node.name.lstrip("_"), []).append(str(path.relative_to(KIT)))
    return found


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_no_kit_function_shares_an_answers_name(lesson):
    kit = kit_definitions()
    twins = {
        name: kit[name.lstrip("_")] for name in answer_names(lesson.id) if name.lstrip("_") in kit
    }
    assert not twins, (
        f"{lesson.id}: the lab kit defines the exercise answers {twins}; a student could import "
        "them. Keep the reference only in the lesson source and let the kit take the step as an "
        "argument."
    )


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_every_reference_loads_from_the_source(lesson):
    names = answer_names(lesson.id)
    assert names, f"{lesson.id} has no autograded answer"
    for name in names:
        assert callable(load_reference(lesson.id, name))
