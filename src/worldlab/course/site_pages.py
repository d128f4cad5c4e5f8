"""The website's generated pages: lesson map, argument map and verdict, set-up, instructor guide.

Everything here is derived from files the course already has (the executed lessons in
``solutions/``, ``data/debate/*.csv``, the README), so the site cannot drift from them. Plain text
in, MyST markdown out; nothing here imports the science.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

from nbformat import NotebookNode

from worldlab.course.catalog import claim_ids, claim_ranges
from worldlab.course.errors import CourseError

#: Bold labels of a lesson's first cell that the lesson map reads ("**Debate claims:** …").
HEADER_FIELDS = ("Debate claims", "Prerequisites", "Estimated time")
CAMPS = {"O": "optimists", "S": "skeptic", "E": "side thread"}
#: The verdict table's columns (data/verdicts/<lesson>.csv), in the order shown.
VERDICT_COLUMNS = ("lesson", "claim", "finding", "cannot_show", "status")


class SiteError(CourseError):
    """The website cannot be built as asked (names the file or page at fault)."""


@dataclass(frozen=True)
class LessonHeader:
    """What a lesson's first cell says about it."""

    id: str
    title: str
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def claims(self) -> list[str]:
        """Claim ids named in the "Debate claims" line, ranges expanded (``C09–C11``)."""
        return list(claim_ids(self.fields.get("Debate claims", "")))


def lesson_header(lesson_id: str, nb: NotebookNode) -> LessonHeader:
    """Read the title and the bold-labelled fields of a lesson notebook's first markdown cell."""
    first = next((cell for cell in nb.cells if cell.cell_type == "markdown"), None)
    lines = first.source.strip().splitlines() if first is not None else []
    if not lines or not lines[0].startswith("# "):
        raise SiteError(
            f"solutions/{lesson_id}: the first markdown cell must start with the lesson's "
            "title as a '# ' heading"
        )
    text = "\n".join(lines[1:])
    fields = {}
    for name in HEADER_FIELDS:
        match = re.search(rf"\*\*{re.escape(name)}:\*\*\s*(.+?)(?=\n\s*\n|\n\*\*|\Z)", text, re.S)
        if match:
            fields[name] = " ".join(match.group(1).split())
    return LessonHeader(lesson_id, lines[0][2:].strip(), fields)


def cell_text(text: str) -> str:
    """``text`` made safe for one cell of a MyST pipe table."""
    return " ".join(str(text).split()).replace("|", "\\|")


def table(header: list[str], rows: list[list[str]]) -> str:
    """A MyST pipe table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell_text(value) for value in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def lesson_map(headers: list[LessonHeader]) -> str:
    """The lesson map: one row per lesson with its claims, prerequisites and time."""
    rows = []
    for header in headers:
        rows.append(
            [
                header.id[:2],
                f"{{doc}}`{header.title.split(' — ', 1)[-1]} </lessons/{header.id}>`",
                claim_ranges(header.claims) or "not stated",
                header.fields.get("Prerequisites", "not stated"),
                header.fields.get("Estimated time", "not stated").rstrip("."),
            ]
        )
    return table(["", "lesson", "claims", "prerequisites", "time"], rows)


def read_csv(path: Path, required: tuple[str, ...]) -> list[dict[str, str]]:
    """Rows of a CSV file, failing clearly when a required column is missing."""
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = [name for name in required if name not in (reader.fieldnames or [])]
        if missing:
            raise SiteError(f"{path}: missing column(s) {', '.join(missing)}")
        return list(reader)


def debate_page(
    data: Path,
    headers: list[LessonHeader],
    map_image: str | None,
    sections: dict[tuple[str, str], tuple[str, str]] | None = None,
) -> str:
    """The argument map: the figure, every claim with its replies and lessons, and the verdict.

    Parameters
    ----------
    data
        ``data/debate``: ``claims.csv`` (required) and ``edges.csv`` (optional); the lessons'
        verdicts are read from ``data/verdicts/<lesson>.csv`` beside it (one file per lesson, the
        same rows each lesson's verdict cell shows).
    headers
        The lessons, to say which lesson tests each claim.
    map_image
        Path (relative to the page) of the drawn argument map, or None.
    sections
        ``(lesson id, claim) -> (section title, anchor)``: the part of the lesson that measures
        the claim (:func:`claim_sections`); without one, the verdict links to the lesson.
    """
    claims_path = data / "claims.csv"
    if not claims_path.is_file():
        raise SiteError(f"{claims_path} is missing: the debate page is built from it")
    claims = read_csv(claims_path, ("id", "camp", "topic_title", "paraphrase"))
    edges_path = data / "edges.csv"
    edges = read_csv(edges_path, ("source", "target", "relation")) if edges_path.is_file() else []
    tested_by: dict[str, list[str]] = {}
    for header in headers:
        for claim in header.claims:
            tested_by.setdefault(claim, []).append(
                f"{{doc}}`{header.id[:2]} </lessons/{header.id}>`"
            )
    parts = []
    if map_image:
        parts.append(
            "```{figure} " + map_image + "\n:alt: The argument map: one dot per claim, coloured "
            "by camp, in one column per topic of the thread, with arrows for the replies that "
            "support or rebut another claim.\n\nThe argument map, as drawn in lesson 00. Blue: "
            "optimists; vermillion: the skeptic; green: the side thread.\n```\n"
        )
    verdict_files = sorted((data.parent / "verdicts").glob("*.csv"))
    parts.append("## The course-wide verdict\n")
    if verdict_files:
        verdicts = [row for path in verdict_files for row in read_csv(path, VERDICT_COLUMNS)]
        camp_of = {claim["id"]: CAMPS.get(claim["camp"], claim["camp"]) for claim in claims}
        parts.append(
            "What each lesson's toy showed about the claims it tests, and what it cannot show "
            "(from `data/verdicts/`, the rows each lesson's verdict shows). Choose a claim, a "
            "camp, a lesson or a status to see only those rows; the last column links to the "
            "part of the lesson that measures the claim.\n\n"
            + verdict_table(verdicts, headers, camp_of, sections or {})
        )
    else:
        parts.append(
            "Each lesson ends with its own verdict table: the claim, what the toy showed (with its "
            "interval) and what it cannot show. The course-wide table collects them here once "
            "`data/verdicts/` holds them.\n"
        )
    parts.append("## The claims\n")
    by_topic: dict[str, list[dict[str, str]]] = {}
    for claim in claims:
        by_topic.setdefault(claim["topic_title"], []).append(claim)
    for topic, members in by_topic.items():
        rows = []
        for claim in members:
            replies = [
                f"{edge['relation']} {edge['target']}"
                for edge in edges
                if edge["source"] == claim["id"]
            ]
            rows.append(
                [
                    claim["id"],
                    CAMPS.get(claim["camp"], claim["camp"]),
                    claim["paraphrase"],
                    ", ".join(replies) or "—",
                    ", ".join(tested_by.get(claim["id"], [])) or "—",
                ]
            )
        parts.append(
            f"### {topic}\n\n" + table(["id", "camp", "claim", "replies", "lessons"], rows)
        )
    return "\n".join(parts)


#: Sections of a lesson that talk about a claim without measuring it.
NOT_MEASURING = ("The claim", "Reflection", "Summary", "Verdict", "Further reading")


def claim_sections(lesson_id: str, nb: NotebookNode) -> dict[tuple[str, str], tuple[str, str]]:
    """Where a lesson measures each claim it names: ``(lesson, claim) -> (title, anchor)``.

    The first section (a ``##`` or ``###`` heading; the claim's statement, the reflection, the
    summary and the verdict excluded) whose text names the claim's id; failing that, the
    lesson's "Verdict" section, which shows the measured row.
    """
    from myst_parser.mdit_to_docutils.base import default_slugify

    found: dict[tuple[str, str], tuple[str, str]] = {}
    verdict = None
    title = None
    for cell in nb.cells[1:]:
        if cell.cell_type != "markdown":
            continue
        for line in cell.source.splitlines():
            heading = re.match(r"^#{2,3} (.+)$", line)
            if heading:
                title = heading.group(1).strip()
                if title.startswith("Verdict"):
                    verdict = (title, default_slugify(title))
        if title is None or title.startswith(NOT_MEASURING):
            continue
        for claim in re.findall(r"\bC\d\d\b", cell.source):
            found.setdefault((lesson_id, claim), (title, default_slugify(title)))
    if verdict is not None:
        for claim in re.findall(r"\bC\d\d\b", nb.cells[0].source if nb.cells else ""):
            found.setdefault((lesson_id, claim), verdict)
        found[(lesson_id, "")] = verdict
    return found


def verdict_table(
    verdicts: list[dict[str, str]],
    headers: list[LessonHeader],
    camp_of: dict[str, str],
    sections: dict[tuple[str, str], tuple[str, str]],
) -> str:
    """The verdict explorer: a list table the site's ``verdicts.js`` adds filters to."""
    known = {header.id for header in headers}
    rows = []
    for row in verdicts:
        lesson = row["lesson"].strip()
        matches = [name for name in known if name == lesson or name.startswith(lesson + "-")]
        claim = row["claim"].strip()
        if len(matches) == 1:
            lesson_id = matches[0]
            link = f"{{doc}}`{lesson_id[:2]} </lessons/{lesson_id}>`"
            title, anchor = sections.get(
                (lesson_id, claim), sections.get((lesson_id, ""), ("the lesson", ""))
            )
            where = f"[{cell_text(title)}](lessons/{lesson_id}.ipynb" + (
                f"#{anchor})" if anchor else ")"
            )
        else:
            link, where = cell_text(lesson), "—"
        values = [link, claim, camp_of.get(claim, "—"), row["finding"], row["cannot_show"]]
        values += [row["status"], where]
        rows.append(values)
    header = ["lesson", "claim", "camp", "what the toy showed", "what it cannot show", "status"]
    header.append("measured in")
    lines = [":::{list-table}", ":header-rows: 1", ":class: verdict-explorer", ""]
    for values in [header, *rows]:
        lines.append(f"* - {' '.join(str(values[0]).split())}")
        lines += [f"  - {' '.join(str(value).split()) or '—'}" for value in values[1:]]
    return "\n".join(lines) + "\n:::\n"


def readme_section(readme: Path, heading: str) -> str:
    """The body of the README's ``## heading`` section (up to the next ``## ``), headings kept.

    Links to files of the repository become inline code (the site does not serve them).
    """
    text = readme.read_text(encoding="utf-8")
    match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    if not match:
        raise SiteError(f"{readme} has no '## {heading}' section")
    body = match.group(1).strip() + "\n"
    # The section becomes a page of its own (its title is the H1): lift sub-headings one level.
    body = re.sub(r"^#(#+) ", r"\1 ", body, flags=re.M)
    return re.sub(r"\[([^\]]+)\]\((?!https?:|#)([^)]+)\)", r"\1 (`\2`)", body)


def setup_commands(readme: Path) -> str:
    """The README's install command and the command that opens the course, as one code block."""
    text = readme.read_text(encoding="utf-8")
    install = re.search(r"<!-- install -->\s*```bash\n(.*?)```", text, re.S)
    open_lab = re.search(r"```bash\n(jupyter lab[^\n]*)\n```", text)
    if not install or not open_lab:
        raise SiteError(
            f"{readme}: the front page needs the '<!-- install -->' block and a 'jupyter lab' "
            "command block"
        )
    return (
        "```bash\n"
        + install.group(1).strip()
        + "   # once: install everything\n"
        + open_lab.group(1).strip()
        + "   # every time: open the student notebooks\n```\n"
    )
