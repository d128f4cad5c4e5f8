"""Text that can be written: what student code produced, made safe for files, JSON and sqlite.

A student's kernel can send any Python string: one holding a lone surrogate (``'\\ud800'``)
cannot be encoded as UTF-8, so ``nbformat.write``, sqlite and ``print`` raise on it. Every string
the grader writes (into a notebook, the run record, the gradebook, the console) goes through
:func:`writable` (or :func:`writable_tree` for a whole notebook), which replaces each lone
surrogate with U+FFFD, the replacement character.
"""

from __future__ import annotations

import re
from typing import Any

_SURROGATE = re.compile("[\ud800-\udfff]")
#: What stands for a character that cannot be written.
REPLACEMENT = "\ufffd"


def writable(text: str) -> str:
    """``text`` with every lone surrogate replaced by U+FFFD (unchanged when there is none)."""
    if not isinstance(text, str):
        text = str(text)
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return _SURROGATE.sub(REPLACEMENT, text)


def writable_tree(value: Any) -> Any:
    """``value`` (a notebook, an output, a JSON-like tree) with every string made writable.

    Dicts and lists are changed in place (a :class:`~nbformat.NotebookNode` stays one) and
    returned; a string is returned cleaned.
    """
    if isinstance(value, str):
        return writable(value)
    if isinstance(value, dict):
        for key in list(value):
            item = value[key]
            clean_key = writable(key) if isinstance(key, str) else key
            if clean_key is not key:
                del value[key]
            value[clean_key] = writable_tree(item)
        return value
    if isinstance(value, list):
        for index, item in enumerate(value):
            value[index] = writable_tree(item)
        return value
    return value
