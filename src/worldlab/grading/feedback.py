"""Feedback that shows which exercise failed and why, but not the hidden tests.

nbgrader's ``ClearHiddenTests`` removes the hidden tests' source from the feedback, but the
tracebacks of failing hidden tests still quote their lines. :class:`HideHiddenTestTracebacks`
(listed before it in ``nbgrader_config.py``) replaces such a traceback with the error's type and
message — the message the lesson's author wrote for the student — and a note that the test's code
is not shown. Plain ``nbgrader generate_feedback`` uses it through the configuration.
"""

from __future__ import annotations

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool

from worldlab.course.markings import BEGIN_HIDDEN


class HideHiddenTestTracebacks(Preprocessor):
    """Shorten the error output of every cell that holds hidden tests."""

    # nbconvert preprocessors are off unless enabled; nbgrader registers this one by name.
    enabled = Bool(True).tag(config=True)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code" or BEGIN_HIDDEN not in cell.source:
            return cell, resources
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                message = f"{output.get('ename', 'Error')}: {output.get('evalue', '')}".strip()
                output["traceback"] = [
                    f"A hidden test of this exercise failed. {message}",
                    "(The hidden tests' code is not shown; re-read the exercise and try your "
                    "function on inputs you have not tried yet.)",
                ]
            elif output.get("output_type") == "stream":
                output["text"] = "(output of the hidden tests not shown)\n"
        return cell, resources
