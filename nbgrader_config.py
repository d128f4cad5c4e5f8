"""nbgrader's configuration for this course.

Every nbgrader command (and the formgrader in JupyterLab) reads this file when started from the
repository root. Paths are made absolute from this file's own location, so the commands also work
from a sub-folder that points back here with ``--config``.

Layout:
    course/<id>/<id>.ipynb   instructor version (generated from course/<id>/<id>.md by `worldlab build`)
    notebooks/<id>/          student version (nbgrader's release folder)
    grading/                 nbgrader's runtime folders and the gradebook (git-ignored)
"""

from pathlib import Path

c = get_config()  # noqa: F821  (provided by traitlets when nbgrader loads this file)

ROOT = Path(__file__).resolve().parent
GRADING = ROOT / "grading"
# sqlite cannot create the gradebook in a missing folder, and a fresh clone has none.
GRADING.mkdir(exist_ok=True)

c.CourseDirectory.root = str(ROOT)
c.CourseDirectory.course_id = "predicting-the-world"
c.CourseDirectory.source_directory = "course"
c.CourseDirectory.release_directory = "notebooks"
c.CourseDirectory.submitted_directory = "grading/submitted"
c.CourseDirectory.autograded_directory = "grading/autograded"
c.CourseDirectory.feedback_directory = "grading/feedback"
c.CourseDirectory.solution_directory = "grading/solution"
c.CourseDirectory.db_url = f"sqlite:///{GRADING / 'gradebook.db'}"
# The MyST sources hold solutions and hidden tests: they must never reach the student folder.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "*.md"]

# A cell that runs longer than this scores 0 and grading goes on with the next cell.
c.Execute.timeout = 60

# Students never see hidden tests in their feedback: neither their source nor their lines in
# tracebacks (worldlab.grading.feedback), only which exercise failed and its message.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "worldlab.grading.feedback.HideHiddenTestTracebacks",
    "nbgrader.preprocessors.ClearHiddenTests",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
