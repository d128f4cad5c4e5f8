"""Drives, homeostasis and their evolution (lesson 10).

Modules, one idea each:

* :mod:`~worldlab.drives.homeostasis` — homeostatic planning over a lifetime, behaviour, evolution of genomes;
* :mod:`~worldlab.drives.plots` — the lesson's figures.

Import from the module that holds a name (``from worldlab.drives.homeostasis import …``).
"""
