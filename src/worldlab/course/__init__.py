"""Course tooling: build the student and solution notebooks, check lessons, grade.

This package drives nbgrader and Jupyter; it never imports the science it builds or grades.
"""
