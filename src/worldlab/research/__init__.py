"""Searching a research landscape with ideas and experiments (lesson 11).

Modules, one idea each:

* :mod:`~worldlab.research.search` — random search, hill climbing and evolution under a compute budget;
* :mod:`~worldlab.research.experiments` — the lesson's measurements over seeds, as tidy tables;
* :mod:`~worldlab.research.plots` — the lesson's figures;
* :mod:`~worldlab.research.verdict` — the lesson's verdict rules and the interval tables they judge.

Import from the module that holds a name (``from worldlab.research.search import …``).
"""
