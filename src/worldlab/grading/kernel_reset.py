"""Undo what student code did to IPython's execution machinery, before each test cell.

Tests that must share the student's kernel (visible tests, in-kernel hidden tests of nbgrader
assignments that are not course lessons) can be faked by code that changes how IPython runs a
cell: a ``post_run_cell`` hook that clears a failing test's output, an input transformer that
rewrites the test, a custom exception handler, a replaced display hook or ``do_execute``.

Right after the kernel starts, before any student cell, :data:`SETUP_EXPRESSION` captures fresh
references to all of those in a module of a random name (:func:`setup_expression`). Before each
test cell the grader evaluates :func:`reset_expression` — a user expression of a ``silent``,
``store_history=False`` request, so no hook, transformer or history sees it — which puts every
captured reference back and answers with what it had to restore. A reset that does not answer
(student code found and broke the machinery) is flagged; tests are judged on the kernel's
``execute_reply`` either way.

This is defence in depth: code in the same interpreter can reach anything. The course's hidden
tests do not rely on it (:mod:`worldlab.grading.remote_checks`).
"""

from __future__ import annotations

import secrets

_INSTALL = r"""
def _wl_install(module_name):
    import builtins, sys, types
    from IPython import get_ipython

    ip = get_ipython()
    kernel = getattr(ip, "kernel", None)

    missing = object()

    def class_attrs(obj, names):
        found = {}
        for name in names:
            for cls in type(obj).__mro__:
                if name in vars(cls):
                    found[name] = (cls, vars(cls)[name], vars(obj).get(name, missing))
                    break
        return found

    shell_methods = class_attrs(ip, [
        "run_cell", "run_cell_async", "_run_cell", "run_ast_nodes", "run_code", "showtraceback",
        "_showtraceback", "showsyntaxerror", "transform_cell", "should_run_async",
        "user_expressions", "ex", "ev",
    ])
    kernel_methods = class_attrs(kernel, [
        "do_execute", "execute_request", "dispatch_shell", "send_response",
    ]) if kernel is not None else {}
    handlers = dict(kernel.shell_handlers) if kernel is not None else {}
    events = ip.events
    trigger = class_attrs(events, ["trigger", "register"])
    callbacks = {name: list(fns) for name, fns in events.callbacks.items()}
    itm = ip.input_transformer_manager
    lists = [
        ("input transformers", itm, "cleanup_transforms", list(itm.cleanup_transforms)),
        ("input transformers", itm, "line_transforms", list(itm.line_transforms)),
        ("input transformers", itm, "token_transformers", list(itm.token_transformers)),
        ("input transformers", ip, "input_transformers_post", list(ip.input_transformers_post)),
        ("AST transformers", ip, "ast_transformers", list(ip.ast_transformers)),
    ]
    values = [
        ("exception handlers", ip, "custom_exceptions", ip.custom_exceptions),
        ("exception handlers", ip, "CustomTB", ip.CustomTB),
        ("display hooks", ip, "displayhook", ip.displayhook),
        ("display hooks", ip, "display_pub", ip.display_pub),
        ("display hooks", sys, "displayhook", sys.displayhook),
        ("exception handlers", sys, "excepthook", sys.excepthook),
        ("the input transformer manager", ip, "input_transformer_manager", itm),
        ("events", ip, "events", events),
    ]
    saved_builtins = dict(vars(builtins))
    getattr_, setattr_, isinstance_, sorted_ = getattr, setattr, isinstance, sorted
    vars_, list_, dict_, str_ = vars, list, dict, str

    def library_hook(fn):
        # A hook a library registers on its own (matplotlib's inline backend flushes figures
        # after each cell): kept, when it is that library's own function.
        name = (getattr(fn, "__module__", None), getattr(fn, "__qualname__", None))
        if name not in allowed_hooks:
            return False
        module = sys.modules.get(name[0])
        code = getattr(fn, "__code__", None)
        return (
            module is not None
            and getattr(module, name[1], None) is fn
            and getattr(code, "co_filename", None) == getattr(module, "__file__", "")
        )

    allowed_hooks = {
        ("matplotlib_inline.backend_inline", "flush_figures"),
        ("matplotlib.pyplot", "_draw_all_if_interactive"),
    }

    def reset():
        changed = []
        for what, owner, name, value in values:
            if getattr_(owner, name, None) is not value:
                setattr_(owner, name, value)
                changed.append(what)
        for what, owner, name, value in lists:
            current = getattr_(owner, name, None)
            if not isinstance_(current, list_) or current != value:
                setattr_(owner, name, list_(value))
                changed.append(what)
        wanted = {
            name: list_(fns) + [f for f in events.callbacks.get(name, []) if library_hook(f)]
            for name, fns in callbacks.items()
        }
        if {k: v for k, v in events.callbacks.items() if v} != {
            k: v for k, v in wanted.items() if v
        }:
            events.callbacks.clear()
            events.callbacks.update(wanted)
            changed.append("events (pre/post run hooks)")
        for group, obj in (
            (shell_methods, ip), (kernel_methods, kernel), (trigger, events)
        ):
            for name, (cls, func, own) in group.items():
                if vars_(cls).get(name) is not func:
                    setattr_(cls, name, func)
                    changed.append(f"{cls.__name__}.{name}")
                if vars_(obj).get(name, missing) is not own:
                    if own is missing:
                        delattr(obj, name)
                    else:
                        setattr_(obj, name, own)
                    changed.append(f"{cls.__name__}.{name} (on the instance)")
        if kernel is not None and dict_(kernel.shell_handlers) != handlers:
            kernel.shell_handlers.clear()
            kernel.shell_handlers.update(handlers)
            changed.append("kernel message handlers")
        current = vars_(builtins)
        for name, value in saved_builtins.items():
            if current.get(name) is not value:
                current[name] = value
                changed.append(f"builtins.{name}")
        return "reset: " + ", ".join(sorted_(set(changed)))

    module = types.ModuleType(module_name)
    module.reset = reset
    sys.modules[module_name] = module
    return "installed"
"""


def setup_expression(module_name: str) -> str:
    """The user expression that captures the fresh references (run before any student code)."""
    code = _INSTALL + f"\nRESULT = _wl_install({module_name!r})\n"
    return f"(lambda ns: (exec({code!r}, ns), ns['RESULT'])[1])({{}})"


def reset_expression(module_name: str) -> str:
    """The user expression that restores them; its value is ``"reset: <what changed>"``."""
    return f"__import__('sys').modules[{module_name!r}].reset()"


def new_module_name() -> str:
    """A module name student code cannot guess."""
    return f"_worldlab_reset_{secrets.token_hex(8)}"


def changes_in(answer: object) -> list[str] | None:
    """What a reset restored (``[]`` for nothing), or None when the answer is not a reset's."""
    if not isinstance(answer, str) or not answer.startswith("reset:"):
        return None
    return [part.strip() for part in answer[len("reset:") :].split(",") if part.strip()]


def canary(test_source: str) -> tuple[str, str]:
    """A cell that must fail, and the message it must fail with (a fresh random token).

    The test's own source sits under ``if False:`` (never run, but there for a transformer that
    picks test cells by their text). Then comes a false assertion whose message is the token and
    whose condition carries every assertion of the test, short-circuited so they never run:
    ``assert 17 == 1000000042 and (double(2) == 4), token``. A transformer that drops the
    assertions that look like the test's (those that call the student's function, say) drops this
    one too, and the canary passes where it must fail.
    """
    import textwrap

    token = f"canary-{secrets.token_hex(8)}"
    left, right = secrets.randbelow(10**9), 10**9 + secrets.randbelow(10**9)
    false = f"{left} == {right}"
    carried = " and ".join(f"({condition})" for condition in _assertions(test_source))
    condition = f"{false} and {carried}" if carried else false
    body = textwrap.indent(test_source.strip("\n") or "pass", "    ")
    for code in (
        f"if False:\n{body}\nassert {condition}, {token!r}\n",
        f"assert {condition}, {token!r}\n",
        f"assert {false}, {token!r}\n",
    ):
        try:
            compile(code, "<canary>", "exec")
        except (SyntaxError, ValueError):  # a test that only parses at the top level
            continue
        return code, token
    raise AssertionError("unreachable: the last canary always compiles")


def _assertions(test_source: str) -> list[str]:
    """The conditions of the test's ``assert`` statements, as source (none if it does not parse)."""
    import ast

    try:
        tree = ast.parse(test_source)
    except (SyntaxError, ValueError):
        return []
    return [ast.unparse(node.test) for node in ast.walk(tree) if isinstance(node, ast.Assert)]


def canary_failed_as_it_must(content: dict, token: str) -> bool:
    """True when the canary's ``execute_reply`` content is the failure it must be."""
    return (
        content.get("status") == "error"
        and content.get("ename") == "AssertionError"
        and content.get("evalue") == token
    )
