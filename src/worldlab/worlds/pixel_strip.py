"""A tiny pixel world: an agent on a 1-D strip, seen as a 2-row image.

The world has ``width`` cells. An agent stands on one of them and a goal flag on another (or the
same). Each step the agent chooses an action, ``left``, ``stay`` or ``right``; it moves one cell
that way and stops at the walls. The flag never moves during an episode.

What a learner *sees* is not the positions but a picture, a frame of shape ``(2, width)`` with
``uint8`` pixels: the top row is dark except a bright pixel (255) where the agent is, the bottom row
is dark except a grey pixel (128) under the goal. A :class:`FrameCodebook` turns each frame into one
integer token, the way an image tokeniser turns pictures into tokens an LLM can read. Here the
codebook is **lossless**: every distinct frame gets its own token, so nothing is blurred away (real
tokenisers, e.g. a VQ-VAE, are lossy and share one token among similar patches).

Who chooses the actions is a *policy*:

* ``"random"``: each action with probability 1/3, like a child pressing buttons;
* ``"expert"``: always step towards the flag and stay on it, like a driver who knows the way.
  With ``epsilon > 0`` the expert presses a random button with that probability.

Optionally the world *slips*: with probability ``slip`` the chosen action is replaced by a random
one, so even a perfect model cannot be sure of the next frame.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Action names in the order of their integer codes 0, 1, 2.
ACTIONS = ("left", "stay", "right")
#: Cells moved by each action code.
ACTION_STEPS = np.array([-1, 0, 1])
POLICIES = ("random", "expert")
AGENT_PIXEL = 255
GOAL_PIXEL = 128


@dataclass(frozen=True)
class Episodes:
    """A batch of episodes of equal length.

    Attributes
    ----------
    positions
        int array (n_episodes, n_steps + 1): the agent's cell at times 0 … n_steps.
    goals
        int array (n_episodes,): the flag's cell in each episode.
    actions
        int array (n_episodes, n_steps): the action code chosen at times 0 … n_steps - 1
        (0 left, 1 stay, 2 right). When the world slips, the *chosen* action is recorded, not the
        one the world applied: that is all an observer of the agent can know.
    width
        Number of cells of the strip.
    """

    positions: np.ndarray
    goals: np.ndarray
    actions: np.ndarray
    width: int

    @property
    def n_episodes(self) -> int:
        return int(self.positions.shape[0])

    @property
    def n_steps(self) -> int:
        return int(self.actions.shape[1])

    def frames(self) -> np.ndarray:
        """The rendered frames, uint8 array (n_episodes, n_steps + 1, 2, width)."""
        goals = np.broadcast_to(self.goals[:, None], self.positions.shape)
        return render_frames(self.positions, goals, self.width)


def _check_width(width: int) -> None:
    if not isinstance(width, int | np.integer) or width < 2:
        raise ValueError(f"width must be an integer >= 2, got {width!r}")


def _check_probability(value: float, name: str) -> None:
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must be a probability in [0, 1], got {value!r}")


def _check_cells(cells: np.ndarray, width: int, name: str) -> np.ndarray:
    cells = np.asarray(cells)
    if not np.issubdtype(cells.dtype, np.integer):
        raise TypeError(f"{name} must hold integer cell indices, got dtype {cells.dtype}")
    if cells.size and (cells.min() < 0 or cells.max() >= width):
        raise ValueError(f"{name} must lie in 0 … {width - 1} (width={width})")
    return cells


def step_positions(
    positions: np.ndarray,
    actions: np.ndarray,
    width: int,
    slip: float = 0.0,
    rng: np.random.Generator | None = None,
) -> np.ndarray:
    """Apply one action per agent and return the new cells (stopping at the walls).

    Parameters
    ----------
    positions
        int array of any shape: current cells in 0 … width - 1.
    actions
        int array of the same shape: action codes 0 (left), 1 (stay), 2 (right).
    width
        Number of cells.
    slip
        Probability that the world applies a uniformly random action instead of the chosen one.
    rng
        Needed when ``slip > 0``.

    Returns
    -------
    int array, same shape as ``positions``.
    """
    _check_width(width)
    _check_probability(slip, "slip")
    positions = _check_cells(positions, width, "positions")
    actions = np.asarray(actions)
    if actions.shape != positions.shape:
        raise ValueError(
            f"actions must have the shape of positions {positions.shape}, got {actions.shape}"
        )
    if not np.issubdtype(actions.dtype, np.integer) or (
        actions.size and (actions.min() < 0 or actions.max() > 2)
    ):
        raise ValueError("actions must be integer codes 0 (left), 1 (stay) or 2 (right)")
    if slip > 0:
        if rng is None:
            raise ValueError("a slippery world (slip > 0) needs an rng")
        slipped = rng.random(actions.shape) < slip
        actions = np.where(slipped, rng.integers(0, 3, size=actions.shape), actions)
    return np.clip(positions + ACTION_STEPS[actions], 0, width - 1)


def choose_actions(
    positions: np.ndarray,
    goals: np.ndarray,
    policy: str,
    rng: np.random.Generator,
    epsilon: float = 0.0,
) -> np.ndarray:
    """The policy's action for each agent.

    Parameters
    ----------
    positions, goals
        int arrays of the same shape: agent and flag cells.
    policy
        ``"random"`` or ``"expert"`` (step towards the flag, stay on it).
    rng
        Random generator (used by ``"random"`` and by ``epsilon``).
    epsilon
        Probability that the expert presses a random button instead (ignored for ``"random"``).

    Returns
    -------
    int array of action codes, same shape as ``positions``.
    """
    if policy not in POLICIES:
        raise ValueError(f"policy must be one of {POLICIES}, got {policy!r}")
    _check_probability(epsilon, "epsilon")
    positions = np.asarray(positions)
    goals = np.asarray(goals)
    if positions.shape != goals.shape:
        raise ValueError(f"goals must have the shape of positions {positions.shape}")
    random_actions = rng.integers(0, 3, size=positions.shape)
    if policy == "random":
        return random_actions
    expert = np.sign(goals - positions).astype(int) + 1  # -1/0/+1 → left/stay/right
    if epsilon > 0:
        return np.where(rng.random(positions.shape) < epsilon, random_actions, expert)
    return expert


def collect_episodes(
    seed: int | np.random.Generator,
    policy: str,
    n_episodes: int,
    n_steps: int,
    width: int = 8,
    epsilon: float = 0.0,
    slip: float = 0.0,
) -> Episodes:
    """Run ``n_episodes`` episodes in parallel; start cell and flag are drawn uniformly.

    Parameters
    ----------
    seed
        Seed or generator for everything random (starts, flags, actions, slips).
    policy
        ``"random"`` or ``"expert"``, see :func:`choose_actions`.
    n_episodes, n_steps
        Number of episodes and actions per episode (each has ``n_steps + 1`` frames).
    width
        Cells in the strip.
    epsilon
        The expert's probability of a random action.
    slip
        The world's probability of applying a random action instead of the chosen one.

    Returns
    -------
    :class:`Episodes` with positions (n_episodes, n_steps + 1) and actions (n_episodes, n_steps).
    """
    _check_width(width)
    if n_episodes < 1 or n_steps < 1:
        raise ValueError(f"need n_episodes >= 1 and n_steps >= 1, got {n_episodes}, {n_steps}")
    rng = np.random.default_rng(seed)
    goals = rng.integers(0, width, size=n_episodes)
    positions = np.empty((n_episodes, n_steps + 1), dtype=int)
    actions = np.empty((n_episodes, n_steps), dtype=int)
    positions[:, 0] = rng.integers(0, width, size=n_episodes)
    for t in range(n_steps):
        actions[:, t] = choose_actions(positions[:, t], goals, policy, rng, epsilon)
        positions[:, t + 1] = step_positions(positions[:, t], actions[:, t], width, slip, rng)
    return Episodes(positions=positions, goals=goals, actions=actions, width=width)


def render_frames(positions: np.ndarray, goals: np.ndarray, width: int) -> np.ndarray:
    """Draw each (agent, flag) pair as a 2-row picture.

    Parameters
    ----------
    positions, goals
        int arrays of the same shape ``S``: cells in 0 … width - 1.
    width
        Cells in the strip.

    Returns
    -------
    uint8 array of shape ``S + (2, width)``: row 0 is 255 at the agent's cell, row 1 is 128 at
    the flag's cell, everything else 0.
    """
    _check_width(width)
    positions = _check_cells(positions, width, "positions")
    goals = _check_cells(goals, width, "goals")
    if positions.shape != goals.shape:
        raise ValueError(f"goals must have the shape of positions {positions.shape}")
    cells = np.arange(width)
    frames = np.zeros((*positions.shape, 2, width), dtype=np.uint8)
    frames[..., 0, :] = np.where(cells == positions[..., None], AGENT_PIXEL, 0)
    frames[..., 1, :] = np.where(cells == goals[..., None], GOAL_PIXEL, 0)
    return frames


def all_frames(width: int) -> np.ndarray:
    """Every frame the world can show, uint8 array (width * width, 2, width), flag-major order."""
    goals, positions = np.divmod(np.arange(width * width), width)
    return render_frames(positions, goals, width)


class FrameCodebook:
    """A lossless image tokeniser: one integer token per distinct frame.

    Build it with :meth:`fit` on a stack of frames; tokens are numbered in the order frames are
    first seen. ``decode(encode(frames))`` gives the frames back exactly.
    """

    def __init__(self, codes: np.ndarray):
        codes = np.asarray(codes)
        if codes.ndim != 3 or codes.dtype != np.uint8 or len(codes) == 0:
            raise ValueError("codes must be a non-empty uint8 array (n_codes, height, width)")
        self.codes = codes.copy()
        self._index = {frame.tobytes(): token for token, frame in enumerate(self.codes)}
        if len(self._index) != len(self.codes):
            raise ValueError("codes must be distinct frames")

    @classmethod
    def fit(cls, frames: np.ndarray) -> FrameCodebook:
        """Collect the distinct frames of ``frames`` (uint8, shape (..., height, width))."""
        frames = cls._as_frames(frames)
        flat = frames.reshape(-1, *frames.shape[-2:])
        _, first = np.unique(flat.reshape(len(flat), -1), axis=0, return_index=True)
        return cls(flat[np.sort(first)])

    @staticmethod
    def _as_frames(frames: np.ndarray) -> np.ndarray:
        frames = np.asarray(frames)
        if frames.ndim < 2 or frames.dtype != np.uint8:
            raise ValueError(
                f"frames must be a uint8 array of shape (..., height, width), got dtype "
                f"{frames.dtype} and shape {frames.shape}"
            )
        return frames

    @property
    def size(self) -> int:
        """Number of tokens (distinct frames)."""
        return len(self.codes)

    def encode(self, frames: np.ndarray) -> np.ndarray:
        """Token of each frame: int array of shape ``frames.shape[:-2]``.

        Raises ValueError for a frame the codebook has never seen (a lossless codebook cannot
        round it to a neighbour).
        """
        frames = self._as_frames(frames)
        if frames.shape[-2:] != self.codes.shape[1:]:
            raise ValueError(
                f"frames must be {self.codes.shape[1:]} pictures, got {frames.shape[-2:]}"
            )
        flat = frames.reshape(-1, *frames.shape[-2:])
        try:
            tokens = np.fromiter(
                (self._index[frame.tobytes()] for frame in flat), dtype=int, count=len(flat)
            )
        except KeyError:
            raise ValueError("a frame is not in the codebook: fit it on all frames") from None
        return tokens.reshape(frames.shape[:-2])

    def decode(self, tokens: np.ndarray) -> np.ndarray:
        """Frames of the tokens: uint8 array ``tokens.shape + (height, width)``."""
        tokens = np.asarray(tokens)
        if not np.issubdtype(tokens.dtype, np.integer):
            raise TypeError(f"tokens must be integers, got dtype {tokens.dtype}")
        if tokens.size and (tokens.min() < 0 or tokens.max() >= self.size):
            raise ValueError(f"tokens must lie in 0 … {self.size - 1}")
        return self.codes[tokens]


def interleave_tokens(obs: np.ndarray, actions: np.ndarray, n_obs_tokens: int) -> np.ndarray:
    """One token stream per episode, ``o0 a0 o1 a1 … oT``, as an LLM would read it.

    Frame tokens keep their ids ``0 … n_obs_tokens - 1``; action ``a`` becomes token
    ``n_obs_tokens + a``, so both share one vocabulary of ``n_obs_tokens + 3`` tokens.

    Parameters
    ----------
    obs
        int array (n_episodes, T + 1): frame tokens.
    actions
        int array (n_episodes, T): action codes 0 … 2.
    n_obs_tokens
        Size of the frame vocabulary.

    Returns
    -------
    int array (n_episodes, 2 T + 1).
    """
    obs = np.asarray(obs)
    actions = np.asarray(actions)
    if obs.ndim != 2 or actions.ndim != 2 or obs.shape != (actions.shape[0], actions.shape[1] + 1):
        raise ValueError(
            f"obs must be (n_episodes, T + 1) and actions (n_episodes, T), got {obs.shape} and "
            f"{actions.shape}"
        )
    if obs.size and (obs.min() < 0 or obs.max() >= n_obs_tokens):
        raise ValueError(f"frame tokens must lie in 0 … {n_obs_tokens - 1}")
    if actions.size and (actions.min() < 0 or actions.max() > 2):
        raise ValueError("actions must be codes 0 … 2")
    stream = np.empty((obs.shape[0], 2 * obs.shape[1] - 1), dtype=int)
    stream[:, 0::2] = obs
    stream[:, 1::2] = actions + n_obs_tokens
    return stream
