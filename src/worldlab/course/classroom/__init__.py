"""A classroom on one machine: JupyterHub, nbgrader's shared-folder exchange and the formgrader.

``worldlab classroom up|down|status|doctor`` (run as root) starts, stops and checks it. The
pieces:

- :mod:`.settings`  what ``up`` was asked for, saved as ``classroom.json`` in the state folder;
- :mod:`.accounts`  the Linux users of the class, and running a command as one of them;
- :mod:`.proxy`     configurable-http-proxy from npm, installed into a git-ignored folder;
- :mod:`.userfiles` the instructor's course copy, the exchange and each user's nbgrader config;
- :mod:`.hub`       the JupyterHub process (its config is ``templates/jupyterhub_config.py``);
- :mod:`.collect`   nbgrader's collect, refusing submissions a student made in another's name;
- :mod:`.doctor`    what the classroom still needs on this machine, each with its fix;
- :mod:`.commands`  the four commands.

It never imports the science modules, nor the grader: the instructor grades with the
``worldlab grade`` command like everyone else (``doctor`` asks the shared Python, in a process of
its own, whether the grader's sandbox works there).
"""
