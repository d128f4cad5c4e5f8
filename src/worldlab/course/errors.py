"""The one error type of the course tooling: its message is what the user reads."""


class CourseError(Exception):
    """A problem the user can fix; the CLI prints the message as one line and exits 1."""


class MarkingError(CourseError):
    """A lesson source whose nbgrader marking is malformed (names the file and cell)."""


class LessonNotFound(CourseError):
    """A lesson id that has no ``course/<id>/<id>.md``."""


class ExecutionFailed(CourseError):
    """A notebook that raised while executing (names the lesson and cell)."""
