"""configurable-http-proxy, JupyterHub's proxy, from npm (a Node.js program).

It is installed once into ``.classroom/node/`` under the repository root (git-ignored), with the
version pinned here; ``worldlab classroom up`` installs it there when no proxy is found, which is
the only time the classroom downloads anything. CI installs it before the tests.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from worldlab.course.classroom.settings import ClassroomError
from worldlab.paths import repo_root

#: The proxy release the classroom is tested with.
VERSION = "5.3.0"
PACKAGE = f"configurable-http-proxy@{VERSION}"
#: The oldest Node.js that release declares it runs on (its package.json's "engines").
NODE_MAJOR = 20


def node_folder() -> Path:
    """``.classroom/node`` under the repository root: npm installs the proxy there."""
    return repo_root() / ".classroom" / "node"


def installed() -> Path | None:
    """The proxy in :func:`node_folder`, else one on PATH, else None."""
    local = node_folder() / "node_modules" / ".bin" / "configurable-http-proxy"
    if local.exists():
        return local
    found = shutil.which("configurable-http-proxy")
    return Path(found) if found else None


def install_command() -> list[str]:
    """The npm command that installs the pinned proxy into :func:`node_folder`."""
    return [
        "npm",
        "install",
        "--prefix",
        str(node_folder()),
        "--no-audit",
        "--no-fund",
        "--loglevel=error",
        PACKAGE,
    ]


def node_major(node: str) -> int | None:
    """The major version of the Node.js at ``node`` (``node --version``), None if unknown."""
    try:
        done = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=30)
        return int(done.stdout.strip().lstrip("v").split(".")[0])
    except (OSError, ValueError, subprocess.TimeoutExpired):
        return None


def missing_node_reason(node: str | None, npm: str | None) -> str:
    """Why the proxy cannot be installed: which of Node.js and npm is missing."""
    if node and not npm:
        return f"Node.js ({node}) has no npm to install {PACKAGE} with"
    return f"Node.js and npm are missing; JupyterHub's proxy, {PACKAGE}, is a Node.js program"


def node_fix(node: str | None) -> str:
    """How to get npm, in the README's terms: Debian's ``nodejs npm`` only where no other
    Node.js is installed (Debian's ``npm`` conflicts with NodeSource's ``nodejs``)."""
    if node:
        return (
            f"install npm from the same source as {node} (NodeSource's nodejs package includes "
            "npm); Debian's npm package only goes with Debian's nodejs"
        )
    return "sudo apt-get install -y nodejs npm"


def ensure_proxy() -> Path:
    """The proxy executable, installing the pinned version with npm when none is found."""
    found = installed()
    if found is not None:
        return found
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        raise ClassroomError(
            f"{missing_node_reason(node, npm)}: {node_fix(node)}, then run this again"
        )
    node_folder().mkdir(parents=True, exist_ok=True)
    print(f"installing {PACKAGE} into {node_folder()} with npm (once)", flush=True)
    result = subprocess.run(install_command(), capture_output=True, text=True, timeout=600)
    found = installed()
    if result.returncode != 0 or found is None:
        raise ClassroomError(
            f"npm could not install {PACKAGE}: {result.stderr.strip()[-500:]} "
            f"(command: {' '.join(install_command())})"
        )
    return found
