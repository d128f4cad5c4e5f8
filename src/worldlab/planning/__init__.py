"""Acting and planning in a maze: model-free, model-based, and copying an expert.

Four kinds of agent meet the :mod:`worldlab.worlds.maze`:

* **Q-learning** (Watkins 1989), model-free: it learns action values only from the rewards it
  meets, one real step at a time.
* **Dyna-Q** (Sutton 1990): Q-learning plus a memory of what each action did; after every real
  step it replays ``n_planning`` remembered transitions as if they were real. With
  ``n_planning = 0`` it *is* Q-learning.
* **Behaviour cloning**: copies, state by state, the actions an expert took on its way to the
  goal. It never learns what actions *do*.
* **Explore, then plan**: wanders without any reward, learns where each action leads (a
  transition model), and when told where the goal is, plans a route on that model.

The kit carries none of lesson 06's answers. Its runners take the steps as arguments, so that
lesson 06 passes its exercises and later lessons (curiosity, the capstone) pass their own:

``update(q, model, state, action, reward, next_state, done, n_planning, rng, alpha=, gamma=)``
    one Dyna-Q step (:data:`DynaUpdate`): changes ``q`` (float (n_states, n_actions)) and
    ``model`` (dict ``(state, action) -> (reward, next_state, done)``) in place and returns
    ``q``. Used by :func:`run_dyna`, :func:`dyna_steps`, :func:`learning_curves`,
    :func:`episode_path`, :func:`goal_change_experiment` and :func:`planning_demo`.
``learn_model(states, actions, next_states, n_states, n_actions)``
    a transition model from observed moves (:data:`ModelLearner`): returns ``(model, known)``,
    an int array (n_states, n_actions) of next states and a bool array of the moves observed.
``planner(model, reward, terminal, gamma)``
    plans on a deterministic model (:data:`Planner`): ``model`` int (n_states, n_actions),
    ``reward`` float (n_states, n_actions), ``terminal`` bool (n_states,); returns ``(v, q)``,
    float arrays (n_states,) and (n_states, n_actions). Used by :func:`plan_to_goal`,
    :func:`goal_change_experiment`, :func:`exploration_sweep` and :func:`planning_demo`.
``choose(state, tried, rng)``
    an exploration rule (:data:`Chooser`): the action to try in ``state`` given ``tried``, a
    bool array (n_states, n_actions) of the moves tried so far (a copy). Used by
    :func:`explore` and :func:`exploration_path`; without one, exploration is a random walk.

Planning on a learned model through these interfaces::

    states, actions, next_states = explore(maze, 1000, seed=0, choose=my_rule)
    model, known = my_learn_model(states, actions, next_states, maze.n_states, maze.n_actions)
    v, policy = plan_to_goal(model, maze.goal_state, planner=my_planner)
    path = rollout(maze, policy, max_steps=100)

Runners that return only data (numbers and arrays): :func:`dyna_steps`,
:func:`exploration_path` and :func:`exploration_actions` (each step with a generator of its own,
so that a check can take the actions as a claim and replay sampled steps).

Modules, one idea each:

* :mod:`~worldlab.planning.steps` — the four step interfaces, the maze settings and the checks
  of what a step gets and returns;
* :mod:`~worldlab.planning.dyna` — Q-learning and Dyna-Q: runs, learning curves, one episode;
* :mod:`~worldlab.planning.imitation` — an expert's demonstrations and behaviour cloning;
* :mod:`~worldlab.planning.model_based` — explore, learn a model, plan to a goal, and the
  experiment in which the goal moves;
* :mod:`~worldlab.planning.plots` — the lesson's figures and its demo.
* :mod:`~worldlab.planning.verdict` — the lesson's verdict rules and the tables they judge.
"""

from worldlab.planning.dyna import (
    DynaRun,
    dyna_steps,
    episode_path,
    epsilon_greedy,
    learning_curves,
    run_dyna,
)
from worldlab.planning.imitation import behaviour_cloning, expert_demonstrations
from worldlab.planning.model_based import (
    AGENTS,
    exploration_actions,
    exploration_path,
    exploration_sweep,
    explore,
    goal_change_experiment,
    goal_rewards,
    greedy_policy,
    move_coverage,
    plan_to_goal,
    rollout,
    steps_to_goal,
)
from worldlab.planning.plots import (
    planning_demo,
    plot_goal_change,
    plot_learning_curves,
    plot_partial_model,
)
from worldlab.planning.steps import (
    ALPHA,
    EPSILON,
    GAMMA,
    Chooser,
    DynaUpdate,
    ModelLearner,
    Planner,
)

__all__ = [
    "AGENTS",
    "ALPHA",
    "EPSILON",
    "GAMMA",
    "Chooser",
    "DynaRun",
    "DynaUpdate",
    "ModelLearner",
    "Planner",
    "behaviour_cloning",
    "dyna_steps",
    "episode_path",
    "epsilon_greedy",
    "expert_demonstrations",
    "exploration_actions",
    "exploration_path",
    "exploration_sweep",
    "explore",
    "goal_change_experiment",
    "goal_rewards",
    "greedy_policy",
    "learning_curves",
    "move_coverage",
    "plan_to_goal",
    "planning_demo",
    "plot_goal_change",
    "plot_learning_curves",
    "plot_partial_model",
    "rollout",
    "run_dyna",
    "steps_to_goal",
]
