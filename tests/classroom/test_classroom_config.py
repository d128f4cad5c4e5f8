"""The files ``worldlab classroom up`` writes, loaded the way JupyterHub and nbgrader load them.

No root needed: these check the configuration itself; test_classroom_loop.py runs it.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from loop import REPO
from traitlets.config.loader import PyFileConfigLoader
from traitlets.utils.importstring import import_item

from worldlab.course.classroom import hub, userfiles
from worldlab.course.classroom.settings import Classroom, ClassroomError

pytestmark = pytest.mark.classroom


def _classroom(tmp_path: Path, **changes) -> Classroom:
    settings = dict(
        instructor="wl-instructor",
        students=["wl-stu1", "wl-stu2"],
        course=tmp_path / "course",
        exchange=tmp_path / "exchange",
        state=tmp_path / "hub",
        python=Path(sys.executable),
        proxy=Path("/opt/proxy/configurable-http-proxy"),
        port=18000,
        hub_port=18081,
        proxy_api_port=18001,
    )
    return Classroom(**{**settings, **changes})


def _load(path: Path):
    return PyFileConfigLoader(path.name, str(path.parent)).load_config()


def test_the_hub_listens_on_loopback_only_and_logs_users_in_with_their_password(tmp_path):
    classroom = _classroom(tmp_path)
    hub.write_config(classroom)
    assert (classroom.state.stat().st_mode & 0o777) == 0o700  # the cookie secret lives here
    config = _load(classroom.config_file)
    assert config.JupyterHub.bind_url == "http://127.0.0.1:18000/"
    assert config.JupyterHub.hub_bind_url == "http://127.0.0.1:18081"
    assert config.ConfigurableHTTPProxy.api_url == "http://127.0.0.1:18001"
    assert config.ConfigurableHTTPProxy.command == ["/opt/proxy/configurable-http-proxy"]
    assert config.Spawner.ip == "127.0.0.1"
    assert config.JupyterHub.authenticator_class == "pam"
    assert config.Authenticator.allowed_users == {"wl-instructor", "wl-stu1", "wl-stu2"}
    assert config.Authenticator.admin_users == set()
    assert config.Spawner.cmd == [str(Path(sys.executable).parent / "jupyterhub-singleuser")]
    assert config.Spawner.environment["PATH"].startswith(str(Path(sys.executable).parent))
    # Each user's ~/.jupyter outranks the shared environment's config (the students' switches).
    assert config.Spawner.environment["JUPYTER_PREFER_ENV_PATH"] == "0"
    # Terminals: no login shell, whose /etc/profile would drop the shared Python from PATH.
    assert config.Spawner.args == ["--ServerApp.terminado_settings=shell_command=/bin/bash"]
    # Only the instructor's server is pointed at the course copy (for `worldlab grade`).
    for name, expected in (("wl-instructor", str(classroom.course)), ("wl-stu1", None)):
        spawner = SimpleNamespace(user=SimpleNamespace(name=name), environment={"PATH": "/bin"})
        config.Spawner.pre_spawn_hook(spawner)
        assert spawner.environment.get("WORLDLAB_ROOT") == expected
        assert spawner.environment["PATH"] == "/bin"


def test_the_users_nbgrader_configs_point_at_the_exchange_and_the_course(tmp_path):
    classroom = _classroom(tmp_path)
    classroom.course.mkdir()
    shutil.copy(REPO / "nbgrader_config.py", classroom.course)
    teacher, student = tmp_path / "teacher", tmp_path / "student"
    for folder, instructor in ((teacher, True), (student, False)):
        folder.mkdir()
        text = userfiles.nbgrader_config(classroom, instructor=instructor)
        assert text.startswith(userfiles.MARKER)
        (folder / "nbgrader_config.py").write_text(text)
    config = _load(teacher / "nbgrader_config.py")
    assert config.CourseDirectory.root == str(classroom.course)
    assert config.CourseDirectory.course_id == "predicting-the-world"
    assert config.Exchange.root == str(classroom.exchange)
    assert config.Exchange.path_includes_course is True
    collect = import_item(config.ExchangeFactory.collect)
    assert collect.__name__ == "OwnerCheckedCollect"
    config = _load(student / "nbgrader_config.py")
    assert config.Exchange.root == str(classroom.exchange)
    assert config.Exchange.path_includes_course is True
    assert "CourseDirectory" not in config and "ExchangeFactory" not in config


def _nbgrader_lab_plugins() -> set[str]:
    """The plugin ids in the installed nbgrader's JupyterLab extension bundle."""
    import nbgrader

    static = Path(nbgrader.__file__).parent / "labextension" / "static"
    found = set()
    for bundle in static.glob("*.js"):
        found |= set(
            re.findall(r'"(@jupyter/nbgrader:[\w-]+)"', bundle.read_text(errors="replace"))
        )
    return found


def test_every_nbgrader_plugin_is_either_the_students_or_switched_off_for_them():
    plugins = _nbgrader_lab_plugins()
    assert "@jupyter/nbgrader:create-assignment" in plugins  # the bundle was read
    assert plugins == set(userfiles.INSTRUCTOR_ONLY_PLUGINS) | set(userfiles.STUDENT_PLUGINS), (
        "nbgrader's JupyterLab plugins changed: decide which a student keeps"
    )


def _as_jupyter_loads_them(home: Path, monkeypatch) -> tuple[dict, set[str]]:
    """The server extensions Jupyter Server enables and the JupyterLab plugins it disables for a
    user whose home is ``home``, read by Jupyter's own loaders with the hub's environment."""
    from jupyter_core.paths import jupyter_config_path, jupyter_path
    from jupyter_server.extension.config import ExtensionConfigManager
    from jupyterlab_server.config import get_page_config

    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("JUPYTER_CONFIG_DIR", raising=False)
    for name, value in _hub_environment(home.parent / "hub-config").items():
        monkeypatch.setenv(name, value)
    manager = ExtensionConfigManager(read_config_path=jupyter_config_path())
    page = get_page_config(jupyter_path("labextensions"))
    return manager.get_jpserver_extensions(), set(page["disabledExtensions"])


def _hub_environment(folder: Path) -> dict[str, str]:
    """The environment the hub's spawner gives every server, but PATH."""
    classroom = _classroom(folder)
    hub.write_config(classroom)
    environment = dict(_load(classroom.config_file).Spawner.environment)
    environment.pop("PATH")
    return environment


def test_a_students_jupyterlab_keeps_the_assignment_list_and_not_the_instructors_tools(
    tmp_path, monkeypatch
):
    student = tmp_path / "student"
    for relative, text in userfiles.student_switches().items():
        (student / relative).parent.mkdir(parents=True, exist_ok=True)
        (student / relative).write_text(text + "\n")
    server, disabled = _as_jupyter_loads_them(student, monkeypatch)
    assert server["nbgrader.server_extensions.formgrader"] is False
    assert server["nbgrader.server_extensions.course_list"] is False
    assert server["nbgrader.server_extensions.assignment_list"] is True
    assert disabled >= set(userfiles.INSTRUCTOR_ONLY_PLUGINS)
    assert not disabled & set(userfiles.STUDENT_PLUGINS)
    # Without the switches (the instructor's home) the same environment turns them all on.
    server, disabled = _as_jupyter_loads_them(tmp_path / "instructor", monkeypatch)
    assert server["nbgrader.server_extensions.formgrader"] is True
    assert not disabled & set(userfiles.INSTRUCTOR_ONLY_PLUGINS)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"students": ["Bad Name"]}, "not a valid Linux user name"),
        ({"students": ["wl-instructor"]}, "both instructor and student"),
        ({"students": []}, "at least one student"),
        ({"students": ["a", "a"]}, "listed twice"),
    ],
)
def test_a_wrong_class_list_is_refused_with_the_reason(tmp_path, changes, message):
    with pytest.raises(ClassroomError, match=message):
        _classroom(tmp_path, **changes)


def test_status_and_down_without_a_classroom_say_how_to_start_one(tmp_path):
    for action in ("status", "down"):
        result = subprocess.run(
            [sys.executable, "-m", "worldlab", "classroom", action, "--state", str(tmp_path)],
            capture_output=True,
            text=True,
        )
        assert result.returncode == 1
        assert "no classroom in" in result.stderr and "worldlab classroom up" in result.stderr


def test_doctor_names_the_fix_for_node_in_the_readmes_terms(monkeypatch):
    from worldlab.course.classroom import doctor, proxy

    found = {"node": None, "npm": None}
    real_which = shutil.which
    monkeypatch.setattr(proxy, "installed", lambda: None)
    monkeypatch.setattr(shutil, "which", lambda name: found.get(name, real_which(name)))
    missing = doctor.check_proxy()
    assert not missing.ok and missing.fix == "sudo apt-get install -y nodejs npm"
    found["node"] = "/usr/bin/node"  # NodeSource's nodejs without its npm: never Debian's npm
    missing = doctor.check_proxy()
    assert not missing.ok and "apt-get" not in missing.fix and "npm" in missing.detail
    found["npm"] = "/usr/bin/npm"
    monkeypatch.setattr(proxy, "node_major", lambda node: 20)
    assert doctor.check_proxy().ok
    monkeypatch.setattr(proxy, "node_major", lambda node: 18)  # Debian 12's own nodejs
    old = doctor.check_proxy()
    assert not old.ok and not old.blocking and ">= 20" in old.detail


def test_doctor_reports_every_check_and_exits_1_while_something_blocks_up(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "worldlab", "classroom", "doctor", "--port", "1"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    lines = result.stdout.splitlines()
    for what in ("root", "JupyterHub", "configurable-http-proxy", "a Python every user can run"):
        assert any(what in line for line in lines), f"doctor says nothing of {what}"
    blocking = [line for line in lines if line.startswith("FIX")]
    assert result.returncode == (1 if blocking else 0), result.stdout + result.stderr
    assert lines[-1].startswith(f"{len(blocking)} thing(s) to fix" if blocking else "ready")
    fixes = [line for line in lines if line.strip().startswith("->")]
    assert len(fixes) == len([line for line in lines if line.startswith(("FIX", "warn"))])
