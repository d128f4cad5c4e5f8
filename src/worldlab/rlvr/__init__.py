"""RL with verifiable rewards on a pre-trained policy (lesson 07).

Modules, one idea each:

* :mod:`~worldlab.rlvr.training` — the linear softmax policy, imitation pre-training, RL loops that take the update;
* :mod:`~worldlab.rlvr.pass_at_k` — the unbiased pass@k estimate and curves, coverage of k tries;
* :mod:`~worldlab.rlvr.experiments` — the lesson's one-seed experiments, the sweep over bases, the
  demo;
* :mod:`~worldlab.rlvr.plots` — the lesson's figures, drawn from its tables;
* :mod:`~worldlab.rlvr.verdict` — the lesson's verdict rules and the interval tables they judge.

Import from the module that holds a name (``from worldlab.rlvr.training import …``).
"""
