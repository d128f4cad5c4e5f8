"""The test modules that carry the ``slow`` marker (given by path in ``tests/conftest.py``)."""

#: Modules whose fixtures execute every lesson or grade whole classes in the sandbox: minutes
#: each on 2 cores (measured with ``--durations``; README "Set up, open, test"). They carry the
#: ``slow`` marker. ``python -m pytest`` and CI run them like every other test; a quick look
#: leaves them out with ``-m "not slow and not browser and not classroom"``.
SLOW_MODULES = (
    "tests/grading/test_class_loop.py",
    "tests/grading/test_adversarial.py",
    "tests/grading/test_fairness.py",
    "tests/grading/test_conformance.py",
    "tests/course/test_lessons_check.py",
    "tests/course/test_student_notebooks_run.py",
)
