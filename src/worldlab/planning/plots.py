"""Lesson 06's figures and its demo."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import MaxNLocator

from worldlab.planning.dyna import learning_curves
from worldlab.planning.model_based import AGENTS, explore, plan_to_goal, rollout
from worldlab.planning.steps import DynaUpdate, ModelLearner, Planner, checked_model
from worldlab.plots import PALETTE
from worldlab.stats import mean_ci
from worldlab.worlds.maze import draw_maze, dyna_maze


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
            optimal, color="grey", linestyle=":", linewidth=1.2, label=f"shortest path ({optimal})"
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
            edgecolor="white",
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
            color="grey",
            linestyle="--",
            linewidth=1,
            label=f"step budget ({failed['steps'].max()}): goal not reached",
        )
    ax.axhline(
        moved["optimal"].iloc[0],
        color="grey",
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
