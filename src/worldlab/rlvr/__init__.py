"""RL with verifiable rewards on a pre-trained policy (lesson 07).

Modules, one idea each:

* :mod:`~worldlab.rlvr.training` — the linear softmax policy, imitation pre-training, RL loops that take the update;
* :mod:`~worldlab.rlvr.pass_at_k` — the unbiased pass@k estimate and curves;
* :mod:`~worldlab.rlvr.experiments` — the lesson's one-seed experiments and its demo.

Import from the module that holds a name (``from worldlab.rlvr.training import …``).
"""
