"""The course's nbgrader options that decide scores or files under ``worldlab grade``.

Honoured as ``nbgrader autograde`` honours them: ``Execute.timeout`` (the per-cell limit),
``Autograde.exclude_overwriting``, the late-penalty plugin (``AssignLatePenalties``,
``LateSubmissionPlugin``), ``IgnorePattern`` and ``LimitOutput``; every ``ClearSolutions``,
``ClearHiddenTests`` and ``InstantiateTests`` option acts through nbgrader's own
``generate_assignment``, whose release and gradebook the grader reads. Options that would make
nbgrader grade differently and that the safe grader does not implement are refused with a
message naming them, rather than silently ignored.
"""

from __future__ import annotations

from traitlets.config import Config

from worldlab.course.errors import CourseError

#: nbgrader options that change how a submission is run or scored and that worldlab grade
#: does not implement (section -> option names).
UNSUPPORTED = {
    "Execute": (
        "interrupt_on_timeout",
        "allow_errors",
        "raise_on_iopub_timeout",
        "error_on_timeout",
        "execute_retries",
        "extra_arguments",
    ),
    "Autograde": ("create_student", "sanitize_preprocessors", "autograde_preprocessors"),
}


def _default(section: str, name: str):
    from nbgrader.converters import Autograde
    from nbgrader.preprocessors import Execute

    owner = {"Execute": Execute, "Autograde": Autograde}[section]
    return owner.class_traits()[name].default()


def refuse_unsupported_options(config: Config) -> None:
    """Raise :class:`CourseError` naming every option of :data:`UNSUPPORTED` that the course
    sets to something other than nbgrader's default."""
    found = []
    for section, names in UNSUPPORTED.items():
        values = config.get(section, {})
        for name in names:
            if name in values and values[name] != _default(section, name):
                found.append(f"c.{section}.{name} = {values[name]!r}")
    if found:
        raise CourseError(
            "worldlab grade does not implement these nbgrader options of the course's "
            f"nbgrader_config.py: {'; '.join(found)}. Remove them to grade with worldlab, or "
            "grade with plain `nbgrader autograde`."
        )


def execute_timeout(config: Config, notebook_timeout: float) -> float:
    """nbgrader's per-cell limit for this course (``c.Execute.timeout``, nbgrader's default when
    unset); no limit (None or a negative value) becomes the notebook's whole time."""
    from nbgrader.preprocessors import Execute

    value = config.get("Execute", {}).get("timeout", Execute.class_traits()["timeout"].default())
    if value is None or value <= 0:
        return notebook_timeout
    return float(value)
