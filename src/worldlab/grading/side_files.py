"""Files a notebook wrote in its working folder while it was graded (its side effects).

``nbgrader autograde`` runs a notebook in the student's autograded folder, so whatever the
notebook writes there stays beside the graded notebook (and reaches the feedback folder).
``worldlab grade`` runs it in a private folder that vanishes with the kernel; before it does,
the trusted side reads back the files that are new or changed, so the autograded folder holds
what nbgrader's would.

The folder belongs to untrusted code, so it is read with descriptors only (``os.fwalk``,
``O_NOFOLLOW`` at every step): a symbolic link the student planted is skipped, never followed
to a file of the grader's machine. Only regular files are read, and only up to ``limit`` bytes
in all.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC


def open_folder(path: str, root_fd: int | None = None) -> int:
    """A descriptor of ``path`` opened one component at a time without following links
    (relative to ``root_fd`` when given: a sandbox's root directory)."""
    current = os.open("/", os.O_RDONLY | os.O_DIRECTORY) if root_fd is None else os.dup(root_fd)
    try:
        for part in [p for p in path.split("/") if p]:
            following = os.open(part, _FLAGS | os.O_DIRECTORY, dir_fd=current)
            os.close(current)
            current = following
        return current
    except BaseException:
        os.close(current)
        raise


def _digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None
    except OSError:
        return None


def written_files(
    folder_fd: int, staged: Path | None, limit: int, skip: frozenset[str] = frozenset()
) -> tuple[dict[str, bytes], list[str]]:
    """Files under ``folder_fd`` that are not in ``staged`` with the same bytes.

    Returns ``(files, skipped)``: relative path -> bytes, and the paths left out (links,
    devices, over ``limit``). Names in ``skip`` (the graded notebooks) are never taken.
    """
    files: dict[str, bytes] = {}
    skipped: list[str] = []
    total = 0
    for top, dirs, names, dir_fd in os.fwalk(".", dir_fd=folder_fd):
        dirs.sort()
        for name in sorted(names):
            relative = os.path.normpath(os.path.join(top, name))
            if relative in skip:
                continue
            try:
                fd = os.open(name, _FLAGS, dir_fd=dir_fd)
            except OSError:  # a symbolic link (O_NOFOLLOW) or gone
                skipped.append(relative)
                continue
            with os.fdopen(fd, "rb") as handle:
                info = os.fstat(handle.fileno())
                if not stat.S_ISREG(info.st_mode) or total + info.st_size > limit:
                    skipped.append(relative)
                    continue
                data = handle.read(limit - total + 1)
            if total + len(data) > limit:
                skipped.append(relative)
                continue
            if staged is not None and _digest(staged / relative) == (
                hashlib.sha256(data).hexdigest()
            ):
                continue  # staged by the grader and unchanged
            files[relative] = data
            total += len(data)
    return files, skipped
