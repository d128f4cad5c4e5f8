"""`worldlab check --mutants`: planted mutants are caught by strong tests and survive weak ones."""

from course_helpers import DOUBLE_EXERCISE, make_course, run_worldlab, tiny_lesson

from worldlab.course.lessons import Lesson
from worldlab.course.mutants import mutants, score_lesson


def _lesson(assertion: str) -> str:
    return tiny_lesson(
        assertion,
        DOUBLE_EXERCISE.replace('assert double(2) == 4, "double(2) should be 4"', "assert True"),
    )


def test_mutants_change_one_thing_inside_the_solution_only():
    source = 'def f(x):\n    """Doc."""\n    y = 1\n    ### BEGIN SOLUTION\n    return x + 2\n    ### END SOLUTION\n'
    found = [m.description for m in mutants(source)]
    assert found == [
        "line 1: `x + 2` → `x - 2`",
        "line 1: `2` → `3`",
        "line 1: delete `return x + 2`",
    ]


def test_defaults_of_the_functions_a_cell_defines_are_mutated_too():
    source = 'def f(x, scale=2, *, clip=True):\n    """Doc."""\n    ### BEGIN SOLUTION\n    return x\n    ### END SOLUTION\n'
    found = [m.description for m in mutants(source)]
    assert "default: `2` → `3`" in found and "default: `True` → `False`" in found
    mutated = next(m.source for m in mutants(source) if m.description == "default: `2` → `3`")
    assert "scale=3" in mutated


def test_strong_tests_kill_every_mutant_and_weak_ones_do_not(tmp_path):
    strong = make_course(
        tmp_path / "strong", {"00-tiny": _lesson("assert student.double(x) == 2 * x")}
    )
    weak = make_course(
        tmp_path / "weak", {"00-tiny": _lesson("assert student.double(x) is not None")}
    )
    (strong_score,) = score_lesson(Lesson("00-tiny", strong))
    (weak_score,) = score_lesson(Lesson("00-tiny", weak))
    assert strong_score.score == 1.0 and not strong_score.survived
    assert weak_score.survived and weak_score.score < 0.5


def test_equivalent_mutants_listed_in_the_test_notes_are_left_out(tmp_path):
    root = make_course(tmp_path, {"00-tiny": _lesson("assert student.double(x) is not None")})
    notes = root / "tests" / "course" / "wrong_answers"
    notes.mkdir(parents=True)
    (notes / "00-tiny.py").write_text(
        'EQUIVALENT_MUTANTS = {"double": ["line 1: `2` → `3`"]}\n', encoding="utf-8"
    )
    (score,) = score_lesson(Lesson("00-tiny", root))
    assert score.equivalent == ["line 1: `2` → `3`"]
    (notes / "00-tiny.py").write_text(
        'EQUIVALENT_MUTANTS = {"double": ["line 1: `2` → `3`"]}\nDESIGN_TASKS = {"double"}\n',
        encoding="utf-8",
    )
    (design,) = score_lesson(Lesson("00-tiny", root))
    # A design task's mutants are judged too, and kept apart from the lesson's score.
    assert design.design_task and design.survived and design.equivalent == ["line 1: `2` → `3`"]
    (notes / "00-tiny.py").write_text(
        'EQUIVALENT_MUTANTS = {"double": ["line 1: `2` → `3`"]}\n', encoding="utf-8"
    )
    result = run_worldlab(root, "check", "--mutants", "00")
    assert result.returncode == 0, result.stderr
    assert "double" in result.stdout and "surviving mutants" in result.stdout


def test_a_mutant_that_never_ends_is_stopped_and_counts_as_killed(tmp_path, monkeypatch):
    import worldlab.course.mutants as mutants_module

    looping = "    total = 0\n    i = 0\n    while i < x:\n        total += 2\n        i += 1\n"
    source = _lesson("assert student.double(x) == 2 * x").replace(
        "    return 2 * x\n", looping + "    return total\n"
    )
    assert "while i < x" in source
    root = make_course(tmp_path, {"00-tiny": source})
    monkeypatch.setattr(mutants_module, "MIN_SECONDS", 1.0)
    (score,) = score_lesson(Lesson("00-tiny", root))
    deleted_step = "line 5: delete `i += 1`"
    assert deleted_step in score.killed, score
    assert not score.survived
