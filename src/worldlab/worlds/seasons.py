"""A forager with an energy store, in a world of seasons (lesson 10).

The animal is in one of two places, its safe **den** or the **field**, with an energy level
``0 … capacity``. Each step it spends one unit of energy and chooses an action:

* ``rest`` — stay where it is;
* ``forage`` — in the field, find a meal of ``meal_size`` energy with probability ``p_food`` (zero
  in winter); in the den it is the same as resting;
* ``move`` — go to the other place.

Whenever it ends a step in the field, a predator takes it with probability ``predation``. Energy
0 is starvation. Both deaths lead to one absorbing state, ``DEAD``. A year has ``year_length``
steps, the last ``winter_length`` of which are winter.

States are numbered ``place * (capacity + 1) + energy`` (den = 0, field = 1), plus ``DEAD`` =
``2 * (capacity + 1)``. :meth:`Ecology.step_table` gives, for one step of the year, every
action's possible outcomes as arrays of shape ``(n_actions, n_states, n_outcomes)``: the next
state, its probability, and whether a meal was eaten.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

ACTIONS = ("rest", "forage", "move")
PLACES = ("den", "field")
N_OUTCOMES = 3  # a meal, no meal, eaten by a predator


@dataclass(frozen=True)
class Ecology:
    """The world the forager lives in; every rate is per step."""

    year_length: int = 24
    winter_length: int = 8
    meal_size: int = 3
    p_food: float = 0.6
    predation: float = 0.01
    capacity: int = 20

    def __post_init__(self) -> None:
        if not 1 <= self.year_length or not 0 <= self.winter_length < self.year_length:
            raise ValueError("need year_length >= 1 and 0 <= winter_length < year_length")
        if not 0.0 <= self.p_food <= 1.0 or not 0.0 <= self.predation < 1.0:
            raise ValueError("p_food must lie in [0, 1] and predation in [0, 1)")
        if self.meal_size < 1 or self.capacity < 2:
            raise ValueError("meal_size must be >= 1 and capacity >= 2")

    @property
    def n_levels(self) -> int:
        return self.capacity + 1

    @property
    def n_states(self) -> int:
        return 2 * self.n_levels + 1

    @property
    def dead(self) -> int:
        return 2 * self.n_levels

    def state(self, place: int, energy: int) -> int:
        return place * self.n_levels + energy

    def energy_of(self, states: np.ndarray) -> np.ndarray:
        """Energy of each state (0 for ``DEAD``)."""
        states = np.asarray(states)
        return np.where(states == self.dead, 0, states % self.n_levels)

    def place_of(self, states: np.ndarray) -> np.ndarray:
        """Place of each state (0 den, 1 field; -1 for ``DEAD``)."""
        states = np.asarray(states)
        return np.where(states == self.dead, -1, states // self.n_levels)

    def is_winter(self, t: int) -> bool:
        return t % self.year_length >= self.year_length - self.winter_length

    def step_table(self, t: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Outcomes of every action from every state at step ``t`` of the lifetime.

        Returns
        -------
        next_state : int array (n_actions, n_states, 3)
        probability : float array (n_actions, n_states, 3), rows sum to 1
        meal : bool array (n_actions, n_states, 3), whether the outcome includes a meal
        """
        n_a, n_s = len(ACTIONS), self.n_states
        next_state = np.full((n_a, n_s, N_OUTCOMES), self.dead, dtype=int)
        probability = np.zeros((n_a, n_s, N_OUTCOMES))
        meal = np.zeros((n_a, n_s, N_OUTCOMES), dtype=bool)
        p_food = 0.0 if self.is_winter(t) else self.p_food
        for place in (0, 1):
            for energy in range(self.n_levels):
                s = self.state(place, energy)
                for a, action in enumerate(ACTIONS):
                    if energy == 0:  # already starved: stays dead (treated as DEAD below)
                        probability[a, s] = (1.0, 0.0, 0.0)
                        continue
                    to = 1 - place if action == "move" else place
                    risk = self.predation if to == 1 else 0.0
                    found = p_food if (action == "forage" and place == 1) else 0.0
                    fed = min(self.capacity, energy - 1 + self.meal_size)
                    hungry = energy - 1
                    outcomes = (
                        (self.state(to, fed) if fed > 0 else self.dead, (1 - risk) * found, True),
                        (
                            self.state(to, hungry) if hungry > 0 else self.dead,
                            (1 - risk) * (1 - found),
                            False,
                        ),
                        (self.dead, risk, False),
                    )
                    for k, (target, p, ate) in enumerate(outcomes):
                        next_state[a, s, k], probability[a, s, k], meal[a, s, k] = target, p, ate
        probability[:, self.dead] = (1.0, 0.0, 0.0)  # DEAD is absorbing
        # Energy-0 states are starved on arrival: they behave as DEAD.
        for place in (0, 1):
            next_state[:, self.state(place, 0)] = self.dead
        return next_state, probability, meal
