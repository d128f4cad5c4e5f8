"""A long tool-using task: edit a program one function at a time, with a test suite as feedback.

A task has ``H`` steps. Step ``k`` shows a *cue* (the kind of function to edit, one of
``n_cues``) and the right edit is ``rule[cue]``, one of ``n_edits`` tool calls. A further action,
``UNDO = n_edits``, reverts the last edit. The program starts with ``H`` failing tests; a right
edit fixes its test (the failing count falls by 1), a wrong edit either leaves its test failing
(count unchanged, a *silent* mistake) or also breaks another test (count + 1). Undo reverses the
last edit's effect, unless that step is *irreversible* (then nothing happens).

Each tool call *slips* with probability ``eps``: a uniformly drawn wrong edit is executed
instead of the chosen one (undo never slips). The task succeeds when all ``H`` edits are right
(no failing test) within a budget of calls. With no undo, success is ``(1 - eps) ** H``.

The world is vectorised over episodes: :class:`EditEpisodes` holds ``n`` episodes at once and
:func:`step` advances every running one by one call. It never draws.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Feedback of the last call: the change of the failing-test count, as an index 0, 1, 2.
DELTA_NAMES = ("fixed one", "unchanged", "broke one")


@dataclass(frozen=True)
class EditWorld:
    """The rules of one world: ``rule[cue]`` is the right edit for a cue."""

    rule: np.ndarray  # int (n_cues,) in [0, n_edits)
    n_edits: int
    eps: float  # chance that a tool call slips
    silent_share: float  # share of wrong edits that break nothing (count unchanged)
    reports: str = "count"  # what the tool tells the agent: "count" or "alarm" (see feedback)

    @property
    def n_cues(self) -> int:
        return int(self.rule.size)

    @property
    def undo(self) -> int:
        """The undo action's index (after the edits)."""
        return self.n_edits

    @property
    def n_actions(self) -> int:
        return self.n_edits + 1


def make_edit_world(
    seed: int | np.random.Generator,
    n_cues: int = 6,
    n_edits: int = 4,
    eps: float = 0.08,
    silent_share: float = 0.5,
    reports: str = "count",
) -> EditWorld:
    """A world with a random rule from cues to edits.

    Parameters
    ----------
    seed
        Seed or generator for the rule.
    n_cues, n_edits
        Kinds of function, and tool calls that edit one (at least 2).
    eps
        Per-call slip probability in [0, 1).
    silent_share
        Share in [0, 1] of wrong edits that leave the failing count unchanged.
    reports
        ``"count"``: the tool reports the failing count, so the agent can compare it with what
        the step should have done (one test fewer); ``"alarm"``: it only reports a newly broken
        test, so a silent mistake looks like progress.
    """
    if n_cues < 1 or n_edits < 2:
        raise ValueError(f"need n_cues >= 1 and n_edits >= 2, got {n_cues} and {n_edits}")
    if not 0.0 <= eps < 1.0:
        raise ValueError(f"eps must lie in [0, 1), got {eps}")
    if not 0.0 <= silent_share <= 1.0:
        raise ValueError(f"silent_share must lie in [0, 1], got {silent_share}")
    if reports not in ("count", "alarm"):
        raise ValueError(f"reports must be 'count' or 'alarm', got {reports!r}")
    rng = np.random.default_rng(seed)
    rule = rng.integers(0, n_edits, n_cues)
    return EditWorld(rule, n_edits, float(eps), float(silent_share), reports)


def feedback(world: EditWorld, episodes: EditEpisodes) -> np.ndarray:
    """The last call's feedback as the agent sees it: an index of :data:`DELTA_NAMES`, (n,).

    With ``reports="alarm"`` an unchanged count is reported as progress (no alarm rang).
    """
    if world.reports == "alarm":
        return np.where(episodes.delta == 1, 0, episodes.delta)
    return episodes.delta.copy()


@dataclass
class EditEpisodes:
    """``n`` episodes, advanced together; each has its own length ``horizons[i]``.

    Task: ``cues`` (int (n, H_max)), ``irreversible`` (bool (n, H_max)), ``horizons`` and
    ``budgets`` (int (n,), tool calls allowed). Pre-drawn noise, so that two policies meet the
    same slips when they make the same calls (common random numbers): ``slip_draw`` and
    ``break_draw`` (uniforms, (n, budget_max)) and ``other_draw`` (ints in [1, n_edits),
    (n, budget_max)), indexed by the call number. State: ``depth`` (int (n,), edits applied),
    ``right`` and ``broke`` (bool (n, H_max), per applied edit), ``failing`` (int (n,)),
    ``previous`` (int (n,), the failing count before the last call), ``delta`` (int (n,), the
    last call's feedback as an index of :data:`DELTA_NAMES`; at the start it reads as progress),
    ``last_undo`` (bool (n,)), ``calls`` (int (n,)), ``solved`` (bool (n,)).
    """

    cues: np.ndarray
    irreversible: np.ndarray
    horizons: np.ndarray
    budgets: np.ndarray
    slip_draw: np.ndarray
    other_draw: np.ndarray
    break_draw: np.ndarray
    depth: np.ndarray
    right: np.ndarray
    broke: np.ndarray
    failing: np.ndarray
    previous: np.ndarray
    delta: np.ndarray
    last_undo: np.ndarray
    calls: np.ndarray
    solved: np.ndarray

    @property
    def running(self) -> np.ndarray:
        """Episodes still going: not solved and within budget."""
        return ~self.solved & (self.calls < self.budgets)

    def current_cue(self, n_cues: int) -> np.ndarray:
        """The cue each episode sees: its step's cue, or ``n_cues`` ("done") when all are edited."""
        rows = np.arange(self.cues.shape[0])
        inside = self.depth < self.horizons
        cue = np.full(self.cues.shape[0], n_cues)
        cue[inside] = self.cues[rows[inside], self.depth[inside]]
        return cue


def new_episodes(
    world: EditWorld,
    n: int,
    horizon: int | np.ndarray,
    rng: np.random.Generator,
    irreversible_share: float = 0.0,
    budget_factor: float = 2.0,
) -> EditEpisodes:
    """Start ``n`` episodes.

    Parameters
    ----------
    horizon
        Steps per task: an int, or an int array (n,) (one length per episode).
    irreversible_share
        Chance in [0, 1] that a step cannot be undone.
    budget_factor
        Tool calls allowed per episode, as a multiple (>= 1) of its length.
    """
    horizons = np.broadcast_to(np.asarray(horizon, dtype=int), (n,)).copy() if n >= 1 else None
    if n < 1 or horizons.min() < 1:
        raise ValueError(f"need n >= 1 and horizons >= 1, got {n} and {horizon}")
    if not 0.0 <= irreversible_share <= 1.0:
        raise ValueError(f"irreversible_share must lie in [0, 1], got {irreversible_share}")
    if budget_factor < 1.0:
        raise ValueError(
            f"budget_factor must be at least 1 (time to do every step), got {budget_factor}"
        )
    longest = int(horizons.max())
    budgets = np.ceil(budget_factor * horizons).astype(int)
    calls = int(budgets.max())
    return EditEpisodes(
        cues=rng.integers(0, world.n_cues, (n, longest)),
        irreversible=rng.random((n, longest)) < irreversible_share,
        horizons=horizons,
        budgets=budgets,
        slip_draw=rng.random((n, calls)),
        other_draw=rng.integers(1, world.n_edits, (n, calls)),
        break_draw=rng.random((n, calls)),
        depth=np.zeros(n, dtype=int),
        right=np.zeros((n, longest), dtype=bool),
        broke=np.zeros((n, longest), dtype=bool),
        failing=horizons.copy(),
        previous=horizons + 1,
        delta=np.zeros(n, dtype=int),
        last_undo=np.zeros(n, dtype=bool),
        calls=np.zeros(n, dtype=int),
        solved=np.zeros(n, dtype=bool),
    )


def slip(
    world: EditWorld, episodes: EditEpisodes, actions: np.ndarray, eps: float | None = None
) -> np.ndarray:
    """The calls actually executed: each edit becomes a random wrong edit with chance ``eps``.

    Uses the episodes' pre-drawn noise at their current call; ``eps`` defaults to the world's.
    """
    actions = np.asarray(actions)
    eps = world.eps if eps is None else eps
    column = np.minimum(episodes.calls, episodes.slip_draw.shape[1] - 1)
    rows = np.arange(actions.size)
    slipped = (actions < world.undo) & (episodes.slip_draw[rows, column] < eps)
    other = (actions + episodes.other_draw[rows, column]) % world.n_edits
    return np.where(slipped, other, actions)


def step(world: EditWorld, episodes: EditEpisodes, executed: np.ndarray) -> None:
    """Execute one call per running episode (in place); finished episodes are left alone.

    Parameters
    ----------
    executed
        int array (n,): the call each episode makes, after slips (see :func:`slip`).
    """
    executed = np.asarray(executed)
    e = episodes
    if executed.shape != e.depth.shape:
        raise ValueError(f"need one action per episode {e.depth.shape}, got {executed.shape}")
    if executed.min(initial=0) < 0 or executed.max(initial=0) > world.undo:
        raise ValueError(f"actions must lie in [0, {world.undo}]")
    rows = np.flatnonzero(e.running)
    before = e.failing[rows].copy()
    action = executed[rows]
    depth = e.depth[rows]
    # An edit of a finished program changes nothing (only undo helps then).
    edit = (action < world.undo) & (depth < e.horizons[rows])
    er, ed = rows[edit], depth[edit]
    is_right = action[edit] == world.rule[e.cues[er, ed]]
    breaks = ~is_right & (e.break_draw[er, e.calls[er]] >= world.silent_share)
    e.right[er, ed] = is_right
    e.broke[er, ed] = breaks
    e.failing[er] += np.where(is_right, -1, np.where(breaks, 1, 0))
    e.depth[er] += 1
    undo = (action == world.undo) & (depth > 0)
    ur, ud = rows[undo], depth[undo] - 1
    reversible = ~e.irreversible[ur, ud]
    ur, ud = ur[reversible], ud[reversible]
    e.failing[ur] += np.where(e.right[ur, ud], 1, np.where(e.broke[ur, ud], -1, 0))
    e.right[ur, ud] = False
    e.broke[ur, ud] = False
    e.depth[ur] -= 1
    e.previous[rows] = before
    change = e.failing[rows] - before
    e.delta[rows] = 1 + np.sign(change)
    e.last_undo[rows] = action == world.undo
    e.calls[rows] += 1
    e.solved[rows] = e.failing[rows] == 0


def top_is_wrong(episodes: EditEpisodes) -> tuple[np.ndarray, np.ndarray]:
    """Whether each episode's last edit is wrong, and whether it can still be undone.

    Returns
    -------
    (wrong, undoable): bool arrays (n,). The expert's view of the state (it sees the program).
    """
    e = episodes
    rows = np.arange(e.depth.size)
    top = np.maximum(e.depth - 1, 0)
    has = e.depth > 0
    wrong = has & ~e.right[rows, top]
    undoable = wrong & ~e.irreversible[rows, top]
    return wrong, undoable
