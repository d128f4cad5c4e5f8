"""Learning from prediction errors (lesson 05).

Modules, one idea each:

* :mod:`~worldlab.prediction_error.rescorla_wagner` — conditioning schedules, the copying learner, blocking;
* :mod:`~worldlab.prediction_error.online` — an online world model of a puck whose world changes; surprise;
* :mod:`~worldlab.prediction_error.in_context` — a frozen-weight model that adapts in its context window;
* :mod:`~worldlab.prediction_error.plots` — the lesson's figures and demos (the models above never draw).

Import from the module that holds a name (``from worldlab.prediction_error.rescorla_wagner import …``).
"""
