"""Lesson 06's figures and its demo."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.ticker import MaxNLocator

from worldlab.planning.dyna import learning_curves
from worldlab.planning.model_based import AGENTS, explore, plan_to_goal, rollout
from worldlab.planning.steps import DynaUpdate, ModelLearner, Planner, checked_model
from worldlab.plots import PALETTE
from worldlab.plots.palette import COLORS, colormap
from worldlab.stats import bounded_mean_ci, mean_ci, wilson_interval
from worldlab.worlds.maze import ACTION_DELTAS, Maze, dyna_maze

_VALUE_MAP = colormap("value")


def draw_maze(
    maze: Maze,
    ax: Axes | None = None,
    values: np.ndarray | None = None,
    path=None,
    policy: np.ndarray | None = None,
    known: np.ndarray | None = None,
    title: str | None = None,
    marks: dict[str, tuple[int, int]] | None = None,
    colorbar: bool = True,
    numbers: np.ndarray | None = None,
    colorbar_label: str = "value",
) -> Axes:
    """Draw the maze: walls dark, ``S`` start, ``G`` goal, and optional layers.

    Parameters
    ----------
    values
        float array (n_states,) shown as shading (e.g. state values), with a colour bar. The
        colour scale spans the values of the free cells other than the goal (whose value, 0 for
        a terminal state, would wash out the rest).
    path
        sequence of states (n,) drawn as a line from the first to the last.
    policy
        int array (n_states,) of actions, drawn as small arrows on free non-goal cells.
    known
        bool array (n_states, 4): which moves a model knows; unknown ones get a purple tick
        on the side of the cell they lead to.
    marks
        extra labelled cells, e.g. ``{"old goal": (0, 8)}``.
    colorbar
        whether to add a colour bar for ``values``.
    colorbar_label
        what the colour bar measures (default ``"value"``).
    numbers
        array (n_states,) of numbers written in the free cells (not in ``S`` or ``G``); finite
        values only.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(5.2, 3.8))
    height, width = maze.shape
    if values is not None:
        values = np.asarray(values, dtype=float)
        if values.shape != (maze.n_states,):
            raise ValueError(f"values must have shape ({maze.n_states},), got {values.shape}")
        grid = np.where(maze.walls, np.nan, values.reshape(height, width))
        others = np.delete(
            values[maze.free_states], np.flatnonzero(maze.free_states == maze.goal_state)
        )
        others = others[np.isfinite(others)]
        low = float(others.min()) if others.size else 0.0
        high = float(others.max()) if others.size else 1.0
        # Start the scale a little below the lowest value, so that it is not blank.
        pad = 0.1 * (high - low)
        if high - low < 1e-12:  # nothing to tell apart (e.g. all zero): a plain 0-1 scale
            low, high, pad = min(low, 0.0), max(high, 1.0), 0.0
        image = ax.imshow(
            grid,
            cmap=_VALUE_MAP,
            origin="upper",
            vmin=low - pad,
            vmax=max(high, low + 1e-9),
            extent=(-0.5, width - 0.5, height - 0.5, -0.5),
        )
        if colorbar:
            plt.colorbar(image, ax=ax, fraction=0.035, pad=0.02, label=colorbar_label)
    wall_rows, wall_cols = np.nonzero(maze.walls)
    for row, col in zip(wall_rows, wall_cols, strict=True):
        ax.add_patch(
            plt.Rectangle((col - 0.5, row - 0.5), 1, 1, color=COLORS["dark grey"], zorder=2)
        )
    if known is not None:
        known = np.asarray(known, dtype=bool)
        if known.shape != (maze.n_states, maze.n_actions):
            raise ValueError(f"known must have shape ({maze.n_states}, 4), got {known.shape}")
        for state in maze.free_states:
            row, col = maze.cell(state)
            for action in np.flatnonzero(~known[state]):
                d_row, d_col = ACTION_DELTAS[action]
                ax.plot(
                    [col + d_col * 0.2, col + d_col * 0.45],
                    [row + d_row * 0.2, row + d_row * 0.45],
                    color=PALETTE["purple"],
                    linewidth=3.0,
                    solid_capstyle="butt",
                    zorder=3,
                )
    if policy is not None:
        policy = np.asarray(policy)
        if policy.shape != (maze.n_states,):
            raise ValueError(f"policy must have shape ({maze.n_states},), got {policy.shape}")
        for state in maze.free_states:
            if state == maze.goal_state:
                continue
            row, col = maze.cell(state)
            d_row, d_col = ACTION_DELTAS[policy[state]] * 0.28
            ax.annotate(
                "",
                xy=(col + d_col, row + d_row),
                xytext=(col - d_col, row - d_row),
                arrowprops={"arrowstyle": "->", "color": COLORS["dark grey"], "lw": 1.0},
                zorder=3,
            )
    if path is not None and len(path) > 0:
        cells = np.array([maze.cell(state) for state in path], dtype=float)
        ax.plot(
            cells[:, 1],
            cells[:, 0],
            color=PALETTE["orange"],
            linewidth=3,
            zorder=4,
            solid_capstyle="round",
            path_effects=[patheffects.withStroke(linewidth=5, foreground=COLORS["dark grey"])],
        )
    labels = {"S": maze.start, "G": maze.goal, **(marks or {})}
    if numbers is not None:
        numbers = np.asarray(numbers)
        if numbers.shape != (maze.n_states,):
            raise ValueError(f"numbers must have shape ({maze.n_states},), got {numbers.shape}")
        labelled = {maze.state(cell) for cell in labels.values()}
        for state in maze.free_states:
            if state not in labelled and np.isfinite(numbers[state]):
                row, col = maze.cell(state)
                ax.text(
                    col,
                    row,
                    f"{numbers[state]:g}",
                    ha="center",
                    va="center",
                    fontsize=9,
                    color=COLORS["dark grey"],
                    zorder=5,
                )
    for label, (row, col) in labels.items():
        ax.text(
            col,
            row,
            label,
            ha="center",
            va="center",
            fontsize=12 if len(label) < 3 else 8,
            fontweight="bold",
            color=PALETTE["black"],
            bbox={
                "boxstyle": "round,pad=0.15",
                "facecolor": COLORS["white"],
                "edgecolor": "none",
                "alpha": 0.85,
            },
            zorder=5,
        )
    ax.set_xlim(-0.5, width - 0.5)
    ax.set_ylim(height - 0.5, -0.5)
    ax.set_xticks(np.arange(width))
    ax.set_yticks(np.arange(height))
    ax.set_xticks(np.arange(width + 1) - 0.5, minor=True)
    ax.set_yticks(np.arange(height + 1) - 0.5, minor=True)
    ax.grid(False)
    ax.grid(which="minor", color=COLORS["light grey"], linewidth=0.8)
    ax.tick_params(which="both", length=0)
    ax.set_xlabel("column")
    ax.set_ylabel("row")
    ax.set_aspect("equal")
    for spine in ax.spines.values():
        spine.set_visible(True)
    if title:
        ax.set_title(title)
    return ax


def plot_learning_curves(
    curves: pd.DataFrame,
    optimal: int | None = None,
    ax: Axes | None = None,
    interval: bool = True,
) -> Axes:
    """Mean steps per episode for each planning budget, log scale.

    ``curves`` is a table like :func:`learning_curves` returns. With ``interval``, the 95%
    interval over seeds is shaded (clipped at 1 step: the steps are skewed, the interval is not).
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(7.0, 4.0))
    colors = [
        PALETTE["vermillion"],
        PALETTE["orange"],
        PALETTE["blue"],
        PALETTE["green"],
        PALETTE["purple"],
    ]
    styles = ["-", "--", "-.", ":", "-"]
    for i, (n_planning, group) in enumerate(curves.groupby("n_planning", sort=True)):
        summary = mean_ci(group, "episode", "steps")
        label = "n = 0 (Q-learning)" if n_planning == 0 else f"n = {n_planning} planning steps"
        ax.plot(
            summary.index,
            summary["mean"],
            color=colors[i % 5],
            linestyle=styles[i % 5],
            linewidth=2,
            label=label,
        )
        if not interval:
            continue
        ax.fill_between(
            summary.index,
            summary["ci_low"].clip(lower=1),
            summary["ci_high"],
            color=colors[i % 5],
            alpha=0.15,
        )
    if optimal is not None:
        ax.axhline(
            optimal,
            color=COLORS["grey"],
            linestyle=":",
            linewidth=1.2,
            label=f"shortest path ({optimal})",
        )
    ax.set_yscale("log")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("episode")
    ax.set_ylabel("steps to reach the goal")
    ax.legend()
    return ax


def planning_demo(
    update: DynaUpdate | None = None,
    learn_model: ModelLearner | None = None,
    planner: Planner | None = None,
    n_planning: int = 10,
    goal_row: int = 5,
    goal_col: int = 8,
    n_exploration: int = 1000,
    n_episodes: int = 20,
) -> None:
    """The widget's figure for a goal cell of the Dyna maze.

    Left: mean steps per episode of Q-learning and of Dyna-Q with ``n_planning`` planning steps
    (the step ``update``), learning that goal from scratch (5 seeds). Right: the plan
    ``planner`` makes for that goal on a model ``learn_model`` built from ``n_exploration``
    reward-free random steps (seed 0). A panel whose steps are missing or unfinished (raise
    ``NotImplementedError``) says so instead.
    """
    maze = dyna_maze()
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4), width_ratios=[1.1, 1])
    # the settings as a title: every control visibly redraws, also while a panel is unfinished
    fig.suptitle(
        f"planning n = {n_planning}, goal ({goal_row}, {goal_col}), {n_exploration} exploration "
        f"steps, {n_episodes} episodes",
        fontsize=10,
    )
    if maze.walls[goal_row, goal_col] or (goal_row, goal_col) == maze.start:
        for ax in (left, right):
            ax.set_axis_off()
        left.text(
            0.5,
            0.5,
            f"({goal_row}, {goal_col}) is a wall or the start:\nchoose another goal cell",
            ha="center",
            va="center",
            fontsize=12,
        )
        plt.show()
        return
    goal_maze = maze.with_goal((goal_row, goal_col))
    try:
        if update is None:
            raise NotImplementedError
        budgets = (0, n_planning) if n_planning else (0,)
        curves = learning_curves(update, goal_maze, budgets, n_episodes, range(5))
        plot_learning_curves(curves, goal_maze.optimal_steps(), ax=left, interval=False)
        left.set_title("learning this goal from scratch (mean of 5 seeds)")
    except NotImplementedError:
        _unfinished(left, "finish exercise 1 (dyna_q_update)\nto see the learning curves")
    try:
        if learn_model is None or planner is None:
            raise NotImplementedError
        states, actions, next_states = explore(maze, n_exploration, seed=0)
        model, known = checked_model(
            learn_model(states, actions, next_states, maze.n_states, maze.n_actions),
            maze.n_states,
            maze.n_actions,
        )
        v, plan = plan_to_goal(model, goal_maze.goal_state, planner)
        path = rollout(goal_maze, plan, max_steps=100)
        draw_maze(goal_maze, ax=right, values=v, path=path, known=known)
        if path[-1] == goal_maze.goal_state:
            outcome = f"plan: {len(path) - 1} moves (shortest {goal_maze.optimal_steps()})"
        else:
            outcome = "no route to the goal in the learned model"
        right.set_title(f"model from {n_exploration} random steps\n{outcome}", fontsize=11)
    except NotImplementedError:
        _unfinished(right, "finish exercises 2 and 3\nto see the plan")
    plt.tight_layout()
    plt.show()


def _unfinished(ax: Axes, message: str) -> None:
    ax.set_axis_off()
    ax.text(0.5, 0.5, message, ha="center", va="center", fontsize=11, transform=ax.transAxes)


def plot_goal_change(moved: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Steps each agent needed to reach the moved goal: one dot per seed, a bar at the median.

    ``moved`` is the table :func:`goal_change_experiment` returns. Dots at the top are runs cut
    at the step budget (the largest ``steps`` recorded when some runs failed).
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(7.0, 4.0))
    agents = [name for name in AGENTS if name in set(moved["agent"])]
    colors = {
        "planner": PALETTE["blue"],
        "q-learning": PALETTE["vermillion"],
        "q-learning, told the goal": PALETTE["orange"],
        "behaviour cloning": PALETTE["purple"],
    }
    rng = np.random.default_rng(0)  # jitter only, so dots at the same height stay visible
    for x, agent in enumerate(agents):
        rows = moved[moved["agent"] == agent]
        jitter = rng.uniform(-0.15, 0.15, len(rows))
        ax.scatter(
            x + jitter,
            rows["steps"],
            s=50,
            color=colors[agent],
            alpha=0.8,
            zorder=3,
            edgecolor=COLORS["white"],
            linewidth=0.5,
        )
        ax.hlines(
            rows["steps"].median(),
            x - 0.3,
            x + 0.3,
            color=PALETTE["black"],
            linewidth=1.5,
            zorder=2,
        )
    failed = moved[~moved["reached"]]
    if len(failed):
        ax.axhline(
            failed["steps"].max(),
            color=COLORS["grey"],
            linestyle="--",
            linewidth=1,
            label=f"step budget ({failed['steps'].max()}): goal not reached",
        )
    ax.axhline(
        moved["optimal"].iloc[0],
        color=COLORS["grey"],
        linestyle=":",
        linewidth=1.2,
        label=f"shortest route ({moved['optimal'].iloc[0]})",
    )
    ax.set_yscale("log")
    ax.set_xticks(range(len(agents)), [name.replace(", ", ",\n") for name in agents])
    ax.set_xlim(-0.6, len(agents) - 0.4)
    ax.set_ylabel("steps to reach the new goal")
    ax.legend(loc="center left", fontsize=9)
    return ax


def plot_partial_model(
    sweep: pd.DataFrame, told_steps: pd.Series | None = None, within: int = 200
) -> plt.Figure:
    """The planner with a partial model: coverage and success against the exploration budget.

    Parameters
    ----------
    sweep : the rows of :func:`exploration_sweep` for one or more explorers, with a column
        ``explorer`` naming each ("random walk", "your explorer").
    told_steps : steps (one per seed) the Q-learner told the goal needed in
        :func:`goal_change_experiment`; drawn as its share within ``within`` steps, with a Wilson
        95% band. None leaves the reference line out.
    within : the step limit of a success, in moves.

    Returns
    -------
    The figure: left, the share of the maze's moves tried; right, the share of plans reaching the
    goal within ``within`` moves; means with intervals that stay in [0, 1] (Wilson for shares).
    """
    colors = {"random walk": PALETTE["blue"], "your explorer": PALETTE["green"]}
    budgets = sorted(sweep["n_exploration"].unique())
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    for name, part in sweep.groupby("explorer"):
        for ax, column in ((left, "coverage"), (right, "reached")):
            summary = bounded_mean_ci(
                part.assign(reached=part["reached"].astype(float)), by="n_exploration", value=column
            )
            ax.errorbar(
                summary.index,
                summary["mean"],
                capsize=4,
                marker="o",
                color=colors.get(name, PALETTE["black"]),
                yerr=[summary["mean"] - summary["ci_low"], summary["ci_high"] - summary["mean"]],
                label=name,
            )
    for ax in (left, right):
        ax.set_xscale("log")
        ax.set_xticks(budgets, [str(b) for b in budgets])
        ax.set_xlabel("exploration steps before the goal is given")
        ax.set_ylim(-0.03, 1.1)
    left.set_ylabel("share of the maze's moves tried")
    right.set_ylabel(f"share of plans reaching the goal\nwithin {within} moves")
    if told_steps is not None:
        reached = int((np.asarray(told_steps) <= within).sum())
        low, high = wilson_interval(reached, len(told_steps))
        right.axhspan(low, high, color=PALETTE["orange"], alpha=0.15, linewidth=0)
        right.axhline(
            reached / len(told_steps),
            color=PALETTE["orange"],
            linestyle="--",
            label=f"Q-learner told the goal,\nwithin {within} steps (band: 95%)",
        )
    left.legend()
    right.legend(fontsize=8, loc="lower right")
    fig.suptitle(
        f"The planner with a partial model (mean and 95% interval, {sweep['seed'].nunique()} "
        "seeds per budget)"
    )
    plt.tight_layout()
    return fig
