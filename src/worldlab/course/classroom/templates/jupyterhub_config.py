# JupyterHub configuration of the one-machine classroom.
#
# `worldlab classroom up` copies this file into the classroom's state folder (root only) and
# writes the settings it reads, classroom.json, beside it; run `worldlab classroom up` again with
# other options rather than editing either. JupyterHub runs as root and starts every user's
# server as that Linux user (the local-process spawner).
import json
from pathlib import Path

c = get_config()  # noqa: F821  (provided by JupyterHub when it loads this file)

HERE = Path(__file__).resolve().parent
S = json.loads((HERE / "classroom.json").read_text(encoding="utf-8"))
VENV_BIN = str(Path(S["python"]).parent)

# Where it listens: the public proxy on S["ip"] (127.0.0.1 unless asked otherwise); the hub's
# and the proxy's own APIs on loopback only.
c.JupyterHub.bind_url = f"http://{S['ip']}:{S['port']}/"
c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{S['hub_port']}"
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{S['proxy_api_port']}"
c.ConfigurableHTTPProxy.command = [S["proxy"]]
c.ConfigurableHTTPProxy.should_start = True

# The hub's own state, all in this folder.
c.JupyterHub.db_url = f"sqlite:///{HERE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(HERE / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(HERE / "jupyterhub.pid")
# Stopping the hub stops every user's server and the proxy.
c.JupyterHub.cleanup_servers = True
c.JupyterHub.cleanup_proxy = True

# Who may log in: the class's Linux users, each with their own Linux password (PAM). Nobody is
# a hub admin, so nobody (not even the instructor) can open another user's server.
c.JupyterHub.authenticator_class = "pam"
c.Authenticator.allowed_users = {S["instructor"], *S["students"]}
c.Authenticator.admin_users = set()
c.PAMAuthenticator.open_sessions = False

# Every user's server: JupyterLab from the shared Python, started in their home as that user.
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [str(Path(VENV_BIN) / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.ip = "127.0.0.1"  # each user's server, behind the proxy, on loopback only
# JUPYTER_PREFER_ENV_PATH=0: each user's ~/.jupyter outranks the shared environment's own config,
# so the students' switches (the formgrader and the assignment creator off) hold even where a
# user owns that environment, when Jupyter would otherwise prefer the environment's config.
c.Spawner.environment = {
    "PATH": ":".join([VENV_BIN, "/usr/local/bin", "/usr/bin", "/bin"]),
    "JUPYTER_PREFER_ENV_PATH": "0",
}
# JupyterLab's terminals would otherwise start a login shell, whose /etc/profile resets PATH:
# `nbgrader` and `worldlab` would not be found there.
c.Spawner.args = ["--ServerApp.terminado_settings=shell_command=/bin/bash"]
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120


def _instructor_environment(spawner):
    """The instructor's terminals run `worldlab grade` etc. on their course copy."""
    if spawner.user.name == S["instructor"]:
        spawner.environment = {**spawner.environment, "WORLDLAB_ROOT": S["course"]}


c.Spawner.pre_spawn_hook = _instructor_environment
