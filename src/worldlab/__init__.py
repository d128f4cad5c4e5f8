"""worldlab — the lab kit of the course *Predicting the World*.

Science (what lessons import):
    worldlab.stats      experiments over seeds, means with confidence intervals, paired comparisons
    worldlab.debate     the debate's argument map as tidy tables
Face (shared look and interaction):
    worldlab.plots      palette, style and the plots lessons share
    worldlab.widgets    interactive demos that also render a static figure headless
    worldlab.testing    helpers for the tests inside lessons (clear messages, the grader's seed)
Course tooling (never imported by the science):
    worldlab.course     build, check (and grading) around nbgrader
"""

__version__ = "0.1.0"
