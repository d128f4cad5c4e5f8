"""Curiosity from prediction error, and the noisy-TV trap (lesson 09).

Modules, one idea each:

* :mod:`~worldlab.curiosity.agents` — agents that plan on a model they learn, with surprise, count or progress bonuses;
* :mod:`~worldlab.curiosity.plots` — the lesson's figures;
* :mod:`~worldlab.curiosity.report` — the intervals the captions quote, printed;
* :mod:`~worldlab.curiosity.verdict` — the verdict's rules and the tables they judge.

Import from the module that holds a name (``from worldlab.curiosity.agents import …``).
"""
