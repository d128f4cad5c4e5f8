"""Predicting in a learned representation rather than in pixels (lesson 14).

Modules, one idea each:

* :mod:`~worldlab.representations.models` — linear predictors of the next frame's pixels or of
  its embedding, trained with the losses they are given;
* :mod:`~worldlab.representations.measures` — a linear read-out, an image-token model, planning;
* :mod:`~worldlab.representations.experiments` — the sweep over seeds and distractor strengths;
* :mod:`~worldlab.representations.plots` — the lesson's figures and its demo;
* :mod:`~worldlab.representations.verdict` — the verdict's rules and the paired tables they judge.

Import from the module that holds a name (``from worldlab.representations.models import …``).
"""
