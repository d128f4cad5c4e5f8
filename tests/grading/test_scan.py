"""The trusted side's static checks: the scanner (B) and similar answers (C). No kernels."""

import ast
import inspect

from nbformat.v4 import new_code_cell, new_notebook

from worldlab.grading.similarity import similar_answers
from worldlab.grading.tamper import provided_lines, scan
from worldlab.planning import model_based


def _cell(source, **nbgrader):
    cell = new_code_cell(source)
    if nbgrader:
        cell.metadata["nbgrader"] = nbgrader
    return cell


def _notebook(*cells):
    nb = new_notebook()
    nb.cells = list(cells)
    return nb


RELEASE = _notebook(
    _cell("from worldlab import planning as pl\nimport numpy as np"),
    _cell(
        "def solve(model, reward, terminal, gamma):\n    raise NotImplementedError",
        grade_id="solve",
        solution=True,
        grade=False,
    ),
    _cell("assert solve(*pl.example()) is not None", grade_id="solve_test", grade=True, points=1),
)


def test_a_cell_that_only_looks_locked_is_read():
    fake = _cell("exec(payload)", locked=True, solution=False, grade=False)
    copied = _cell(RELEASE.cells[2].source, grade_id="solve_test", grade=True, points=1)
    altered = _cell("assert True  # eval(x)\neval('1')", grade_id="solve_test", grade=True)
    nb = _notebook(fake, copied, altered)
    hits = scan(nb, provided_lines(RELEASE), RELEASE, RELEASE)
    assert [(h.cell, h.line_number) for h in hits] == [("#0", 1), ("solve_test", 2)]


def test_calls_of_kit_functions_the_lesson_does_not_use_are_flagged():
    answer = _cell(
        "def solve(model, reward, terminal, gamma):\n"
        "    values = pl.value_iteration(model, reward, terminal, gamma)\n"
        "    return values, pl.example()",
        grade_id="solve",
        solution=True,
        grade=False,
    )
    (hit,) = scan(_notebook(answer), provided_lines(RELEASE), RELEASE, RELEASE)
    assert hit.line_number == 2 and "worldlab.planning.value_iteration" in hit.reason
    # A kit name that the instructor's reference answer uses is what an honest answer may use.
    instructor = _notebook(*RELEASE.cells, _cell("pl.value_iteration(1, 2, 3, 4)"))
    assert not scan(_notebook(answer), provided_lines(RELEASE), instructor, RELEASE)


def _answer(source):
    return _notebook(_cell(source, grade_id="solve", solution=True, grade=False))


def test_kit_source_pasted_as_an_answer_and_copied_answers_are_listed():
    source = inspect.getsource(model_based)
    tree = ast.parse(source)
    # the kit's longest function stands for "the kit's source pasted as an answer"
    functions = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
    node = max(functions, key=lambda n: n.end_lineno - n.lineno)
    pasted = ast.get_source_segment(source, node).replace("value", "worth")
    own = (
        "def solve(model, reward, terminal, gamma):\n"
        "    V = np.zeros(len(terminal))\n"
        "    for _ in range(1000):\n"
        "        Q = reward + gamma * model @ V\n"
        "        new = np.where(terminal, 0, Q.max(axis=1))\n"
        "        if np.abs(new - V).max() < 1e-9:\n"
        "            break\n"
        "        V = new\n"
        "    return V\n"
    )
    renamed = own.replace("V", "W").replace("new", "fresh")
    short = "def solve(model, reward, terminal, gamma):\n    return 0\n"
    found = similar_answers(
        {
            "paster": _answer(pasted),
            "author": _answer(own),
            "copier": _answer(renamed),
            "brief1": _answer(short),
            "brief2": _answer(short),
        },
        RELEASE,
        kit={"worldlab/planning/model_based.py": source},
    )
    listed = {(s.student, s.matches) for s in found}
    assert listed == {("paster", "lab kit: worldlab/planning/model_based.py"), ("author", "copier")}
    assert all(0.8 <= s.similarity <= 1.0 for s in found)
