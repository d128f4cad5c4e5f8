"""What "world model" means, tested two ways (lessons 01 and 02).

Modules, one idea each:

* :mod:`~worldlab.world_models.transitions` — count-table models of the pixel strip: passive vs conditioned on actions, rollouts (01);
* :mod:`~worldlab.world_models.evaluation` — a walker on a grid: k-gram behavioural tests, probes of hidden states, and their experiments (02);
* :mod:`~worldlab.world_models.figures` — lesson 02's figures and demo callbacks.

Import from the module that holds a name (``from worldlab.world_models.transitions import …``).
"""
