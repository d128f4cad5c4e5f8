"""Long tasks: compounding errors, and where recovery comes from (lesson 13).

Modules, one idea each:

* :mod:`~worldlab.long_tasks.agents` — features, policies, rollouts, and four ways to train a
  policy (behaviour cloning, DART, DAgger, RL with a verifier);
* :mod:`~worldlab.long_tasks.experiments` — success against the task's length for every arm,
  over seeds, paired; the design task's data plans;
* :mod:`~worldlab.long_tasks.verdict` — the verdict's rules and the tables of paired intervals
  they judge;
* :mod:`~worldlab.long_tasks.plots` — the lesson's figures and its demo.

The world is :mod:`worldlab.worlds.program_edits`. Import from the module that holds a name.
"""
