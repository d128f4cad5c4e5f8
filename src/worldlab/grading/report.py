"""Grades out of the gradebook: CSV exports and the class report.

``worldlab export <id>`` writes, under ``grading/exports/`` (git-ignored, like the rest of
``grading/``):

* ``<id>-grades.csv``    one row per student: raw score, late penalty and score as
  ``nbgrader export`` computes them, max score (the release's), status, flag and reason;
* ``<id>-exercises.csv`` one row per student and graded cell (notebook, cell, kind — autograded
  ``test``, ``manual`` answer or ``task`` — score and maximum).

``worldlab report <id>`` writes, under ``grading/reports/<id>/``, ``exercises.csv`` (pass rate of
every autograded test, the most failed first), ``manual.csv`` (manually graded answers and tasks:
how many wait for a grader) and ``report.html``: pass rates and the score distribution as
figures, and every student with a missing, broken or flagged submission with its reason and the
lines that triggered a flag.

The gradebook is the truth for scores (manual grades included); ``grading/runs/<lesson>.json``
adds what the gradebook cannot hold: why a submission was broken or flagged.
"""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path

import pandas as pd
from nbgrader.api import MissingEntry

from worldlab.grading.gradebook import open_gradebook
from worldlab.grading.pipeline import Course, load_manifest
from worldlab.grading.similarity import similarity_html

CELL_COLUMNS = [
    "student",
    "notebook",
    "cell",
    "kind",
    "score",
    "max_score",
    "needs_manual",
    "autograded",
    "submitted",
]

#: What a graded cell is: an autograded ``test``, a ``manual`` answer, or a ``task``.
KINDS = ("test", "manual", "task")


def _kinds(notebook) -> dict[str, str]:
    """``cell name -> kind`` of one notebook of the gradebook (the release's cells)."""
    answers = {cell.name for cell in notebook.solution_cells}
    kinds = {c.name: ("manual" if c.name in answers else "test") for c in notebook.grade_cells}
    kinds |= {cell.name: "task" for cell in notebook.task_cells}
    return kinds


def cell_table(course: Course) -> pd.DataFrame:
    """One row per student and graded cell (tests, manually graded answers and tasks).

    Columns: ``student, notebook, cell, kind, score, max_score, needs_manual, autograded,
    submitted``. Maxima are the release's (the gradebook's cells). Students of the gradebook
    without a submission get one row per cell with a score of 0.
    """
    rows = []
    with open_gradebook(course.db_url, course.course_id) as gb:
        try:
            assignment = gb.find_assignment(course.lesson)
        except MissingEntry:
            return pd.DataFrame(columns=CELL_COLUMNS)
        kinds = {nb.name: _kinds(nb) for nb in assignment.notebooks}
        cells = [
            (nb.name, c.name, kinds[nb.name][c.name], float(c.max_score))
            for nb in assignment.notebooks
            for c in [*nb.grade_cells, *nb.task_cells]
        ]
        maxima = {(nb, name): top for nb, name, _, top in cells}
        for student in gb.students:
            try:
                submission = gb.find_submission(course.lesson, student.id)
            except MissingEntry:
                rows += [
                    (student.id, nb, name, kind, 0.0, top, False, kind == "test", False)
                    for nb, name, kind, top in cells
                ]
                continue
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    kind = kinds[notebook.name].get(grade.name, "test")
                    rows.append(
                        (
                            student.id,
                            notebook.name,
                            grade.name,
                            kind,
                            float(grade.score or 0.0),
                            maxima.get((notebook.name, grade.name), float(grade.max_score)),
                            bool(grade.needs_manual_grade),
                            kind == "test",
                            True,
                        )
                    )
    return pd.DataFrame(rows, columns=CELL_COLUMNS)


STUDENT_COLUMNS = [
    "student",
    "raw_score",
    "late_penalty",
    "score",
    "max_score",
    "status",
    "flagged",
    "reason",
    "tamper",
    "notes",
]


def _late_penalties(course: Course) -> dict[str, float]:
    with open_gradebook(course.db_url, course.course_id) as gb:
        try:
            submissions = gb.assignment_submissions(course.lesson)
        except MissingEntry:
            return {}
        return {s.student.id: float(s.late_submission_penalty or 0.0) for s in submissions}


def student_table(course: Course, cells: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per student: as ``nbgrader export`` (raw score, late penalty, score, max score
    from the release) plus status (graded/broken/error/missing), flag and reason."""
    cells = cell_table(course) if cells is None else cells
    manifest = load_manifest(course)
    if cells.empty:
        return pd.DataFrame(columns=STUDENT_COLUMNS)
    penalties = _late_penalties(course)
    totals = cells.groupby("student").agg(
        raw_score=("score", "sum"), max_score=("max_score", "sum"), submitted=("submitted", "any")
    )
    rows = []
    for student, row in totals.iterrows():
        entry = manifest.get(student, {})
        status = entry.get("status", "graded") if row["submitted"] else "missing"
        tamper = entry.get("tamper", [])
        reason = entry.get("reason") or ("no submission" if status == "missing" else "")
        penalty = penalties.get(student, 0.0)
        rows.append(
            {
                "student": student,
                "raw_score": row["raw_score"],
                "late_penalty": penalty,
                "score": max(0.0, row["raw_score"] - penalty),
                "max_score": row["max_score"],
                "status": status,
                "flagged": status != "graded" or bool(entry.get("reason")) or bool(tamper),
                "reason": reason,
                "tamper": " | ".join(tamper),
                "notes": " | ".join(entry.get("notes", [])),
            }
        )
    return pd.DataFrame(rows, columns=STUDENT_COLUMNS)


def export(course: Course) -> tuple[Path, Path]:
    """Write the per-student and per-cell CSVs; return their paths."""
    folder = course.grading / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    cells = cell_table(course)
    students = student_table(course, cells)
    grades_csv = folder / f"{course.lesson}-grades.csv"
    cells_csv = folder / f"{course.lesson}-exercises.csv"
    students.to_csv(grades_csv, index=False)
    cells.drop(columns=["submitted"]).to_csv(cells_csv, index=False)
    return grades_csv, cells_csv


def exercise_table(cells: pd.DataFrame) -> pd.DataFrame:
    """Pass rate of every autograded test among submitted notebooks, the most failed first."""
    auto = cells[cells["submitted"] & cells["autograded"]]
    if auto.empty:
        return pd.DataFrame(
            columns=["notebook", "cell", "pass_rate", "mean_score", "max_score", "students"]
        )
    table = (
        auto.assign(passed=auto["score"] >= auto["max_score"])
        .groupby(["notebook", "cell"])
        .agg(
            pass_rate=("passed", "mean"),
            mean_score=("score", "mean"),
            max_score=("max_score", "first"),
            students=("student", "nunique"),
        )
    )
    return table.sort_values(["pass_rate", "max_score"], ascending=[True, False]).reset_index()


def manual_table(cells: pd.DataFrame) -> pd.DataFrame:
    """Manually graded answers and tasks: how many still wait for a grader, and the mean so far."""
    manual = cells[cells["submitted"] & ~cells["autograded"]]
    columns = ["notebook", "cell", "kind", "waiting", "graded", "mean_score", "max_score"]
    if manual.empty:
        return pd.DataFrame(columns=columns)
    table = (
        manual.assign(graded=~manual["needs_manual"])
        .groupby(["notebook", "cell", "kind"])
        .agg(
            waiting=("needs_manual", "sum"),
            graded=("graded", "sum"),
            mean_score=("score", "mean"),
            max_score=("max_score", "first"),
        )
        .reset_index()
    )
    return table[columns]


def _figure_png(figure) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def report(course: Course) -> Path:
    """Write the class report (CSV and HTML with figures); return the HTML path."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    folder = course.grading / "reports" / course.lesson
    folder.mkdir(parents=True, exist_ok=True)
    cells = cell_table(course)
    students = student_table(course, cells)
    exercises = exercise_table(cells)
    exercises.to_csv(folder / "exercises.csv", index=False)
    manual = manual_table(cells)
    manual.to_csv(folder / "manual.csv", index=False)
    students.to_csv(folder / "students.csv", index=False)

    fig, axes = plt.subplots(1, 2, figsize=(11, max(3.0, 0.35 * len(exercises) + 1)))
    if not exercises.empty:
        ordered = exercises.iloc[::-1]
        labels = (
            ordered["cell"]
            if ordered["notebook"].nunique() == 1
            else ordered["notebook"] + ": " + ordered["cell"]
        )
        axes[0].barh(labels, ordered["pass_rate"], color="#0072B2")
        axes[0].set_xlim(0, 1)
    axes[0].set_xlabel("fraction of submissions passing")
    axes[0].set_title("Autograded tests, most failed at the top")
    submitted = students[students["status"] != "missing"]
    if not submitted.empty:
        axes[1].hist(
            submitted["score"],
            bins=min(15, max(3, len(submitted))),
            color="#E69F00",
            edgecolor="white",
        )
        axes[1].axvline(submitted["max_score"].max(), color="grey", linestyle=":", label="maximum")
        axes[1].legend()
    axes[1].set_xlabel("score (manual grades included once given)")
    axes[1].set_ylabel("students")
    axes[1].set_title(f"Score distribution ({len(submitted)} submissions)")
    fig.tight_layout()
    image = _figure_png(fig)
    plt.close(fig)

    attention = students[students["flagged"]]
    html_path = folder / "report.html"
    page = _html(course.lesson, students, exercises, manual, attention, image)
    # Similar answers are listed for a human (also as similar.csv); they never change a score.
    page = page.replace("<h2>All students</h2>", similarity_html(course) + "<h2>All students</h2>")
    html_path.write_text(page, encoding="utf-8")
    return html_path


def _table(df: pd.DataFrame) -> str:
    if df.empty:
        return "<p>None.</p>"
    return df.to_html(index=False, escape=True, border=0, float_format=lambda x: f"{x:.2f}")


def _html(lesson, students, exercises, manual, attention, image) -> str:
    counts = students["status"].value_counts().to_dict() if not students.empty else {}
    summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "no students"
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Class report: {html.escape(lesson)}</title>
<style>body{{font-family:sans-serif;max-width:1100px;margin:2em auto}}table{{border-collapse:collapse}}
td,th{{padding:3px 8px;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}}</style>
</head><body>
<h1>Class report: {html.escape(lesson)}</h1>
<p>{html.escape(summary)}.</p>
<img alt="Pass rate of each autograded test, and the distribution of scores" src="data:image/png;base64,{image}">
<h2>Needs attention: missing, broken or flagged submissions</h2>
{_table(attention[["student", "status", "score", "reason", "tamper", "notes"]] if not attention.empty else attention)}
<h2>Autograded tests, most failed first</h2>
{_table(exercises)}
<h2>Manually graded answers and tasks</h2>
<p>Scored by a grader in the formgrader; "waiting" counts submissions not graded yet.</p>
{_table(manual)}
<h2>All students</h2>
{_table(students)}
</body></html>
"""
