"""A lifelong agent in a world that changes by phases (lesson 12).

Modules, one idea each:

* :mod:`~worldlab.lifelong.agent` — runs agents assembled from the lesson's steps through a changing grid;
* :mod:`~worldlab.lifelong.plots` — the lesson's comparisons over seeds and its figures;
* :mod:`~worldlab.lifelong.verdict` — the verdict's paired differences over worlds.

Import from the module that holds a name (``from worldlab.lifelong.agent import …``).
"""
