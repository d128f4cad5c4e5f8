"""The course's colours and what each one means: the one place a figure's colour is named.

Every colour comes from the Okabe & Ito (2008) palette, which stays distinguishable with the
common forms of colour blindness, or is a neutral grey. A colour keeps one meaning across the
course, so a learner who saw blue as "the learner under test" in lesson 01 reads lesson 12's blue
the same way:

- :data:`CAMP` — the debate's camps (the argument map's rings, the camp legends).
- :data:`VERDICT` — each verdict status (fill, marker and text colour on the verdict map). No
  status fill is a camp's colour, so a filled claim never reads as its ring's camp.
- :data:`ROLE` — the method families the lessons compare (the learner under test, its baseline,
  a remedy, a memory, …); a lesson's own arms (``AGENT_COLORS``, ``METHOD_COLORS``…) take their
  colour from a role.
- :data:`COLORMAPS` — the colour maps, by what they show.

Where two things must be told apart, line style or marker differs too, so a figure also reads in
grey. ``tests/course/test_palette.py`` fails on a hex code or a matplotlib colour name written
anywhere else in the kit's drawing code or in a lesson's code.
"""

from __future__ import annotations

from typing import NamedTuple

from matplotlib.colors import Colormap, LinearSegmentedColormap

#: Okabe & Ito (2008), colour-blind safe, in the order lessons use them (the colour cycle).
OKABE_ITO = {
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "green": "#009E73",
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "purple": "#CC79A7",
    "yellow": "#F0E442",
    "black": "#000000",
}

#: Neutral greys for what carries no meaning of its own: guides, walls, grid lines, backgrounds.
NEUTRAL = {
    "dark grey": "#555555",  # arrows of the argument map, walls, cell borders, small text
    "grey": "#808080",  # reference lines: zero, chance, a set-point, a ceiling
    "light grey": "#BBBBBB",  # grid lines between cells, raw input points
    "pale grey": "#E5E5E5",  # background bands (a phase, a season), "no verdict yet"
    "white": "#FFFFFF",
}

#: Every colour a figure may use, by name.
COLORS = {**OKABE_ITO, **NEUTRAL}

#: The debate's camps: O the optimists, S the sceptic, E the experimentalists' side thread.
CAMP = {"O": OKABE_ITO["blue"], "S": OKABE_ITO["vermillion"], "E": OKABE_ITO["green"]}

#: The method families the lessons compare, each with one colour across the course.
ROLE = {
    # The method under test that learns a model of the world or keeps learning from its errors:
    # the action-conditioned model (01), the online model (05), the planner (06), replay (08),
    # the lifelong agent (12), the latent predictor (14), the base model before RL (07).
    "learner": OKABE_ITO["blue"],
    # What it is measured against: a passive, frozen, naive or text-only model, the n-gram
    # model's copies (03), plain Q-learning (06), RL (07, 13), the surprise-seeker (09, 12).
    "baseline": OKABE_ITO["vermillion"],
    # A fix or a third way: in-context adaptation (05), EWC (08), learning progress (09),
    # re-planning (10), evolution (11), DART (13), and a learner's own design (06, 07).
    "remedy": OKABE_ITO["green"],
    # Stores and replays or copies what it saw: a memory (08), the copying learner (05),
    # behaviour cloning (06), an instinct (10), DAgger (13).
    "memory": OKABE_ITO["purple"],
    # A variant given something more: told the goal (06), retrained (08), a count bonus (09),
    # hill climbing (11), memory on a frozen model (12), image tokens (14).
    "variant": OKABE_ITO["orange"],
    # No skill, or the yardstick: a random agent (09, 11), no recovery (13), a frozen imitation
    # (12), and every paired difference drawn against zero.
    "reference": OKABE_ITO["black"],
    # The raw material behind a mean: individual seeds, a histogram of samples, a season.
    "runs": OKABE_ITO["sky"],
    # A guide that is not data: zero, chance, a set-point, the shortest path.
    "guide": NEUTRAL["grey"],
    # A small marker that must stand out on a dark image (the agent in 14's frames).
    "highlight": OKABE_ITO["yellow"],
}


class VerdictLook(NamedTuple):
    """How a verdict status is drawn on the map: fill, marker, and the colour of the claim's id."""

    fill: str
    marker: str
    ink: str


#: Each verdict status. Markers differ too, so the map reads without colour; the ring around a
#: claim keeps its camp's colour (:data:`CAMP`), and no fill here is a camp colour or close to
#: one (an orange "contradicted" beside a vermillion sceptic ring read as one colour).
VERDICT = {
    "supported": VerdictLook(OKABE_ITO["sky"], "o", OKABE_ITO["black"]),
    "contradicted": VerdictLook(OKABE_ITO["black"], "s", NEUTRAL["white"]),
    "mixed": VerdictLook(OKABE_ITO["purple"], "D", OKABE_ITO["black"]),
    "no difference this toy can see": VerdictLook(NEUTRAL["white"], "v", OKABE_ITO["black"]),
    "derivation": VerdictLook(NEUTRAL["grey"], "^", OKABE_ITO["black"]),
    "untestable": VerdictLook(OKABE_ITO["yellow"], "h", OKABE_ITO["black"]),
}
#: A claim no lesson has judged yet.
NO_VERDICT = VerdictLook(NEUTRAL["pale grey"], "o", NEUTRAL["dark grey"])

#: Colour maps by what they show (all perceptually ordered; cividis and viridis are colour-blind
#: safe).
COLORMAPS: dict[str, str | Colormap] = {
    # a share or score between 0 and 1 (accuracies, scores of pairs)
    "score": "cividis",
    # how often a cell was visited (counts, drawn on a log scale where they span decades)
    "visits": "YlGnBu",
    # ordered categories drawn as lines (task 1, 2, 3 …)
    "sequence": "viridis",
    # a picture: pixels, walls and floors
    "image": "gray",
    # a signed difference around zero (blue below, red above)
    "difference": "RdBu_r",
    # a mask drawn under data (cells that are not part of the world)
    "mask": "Greys",
    # a state's value in a maze, from nothing (white) to high (blue)
    "value": LinearSegmentedColormap.from_list(
        "value", [NEUTRAL["white"], OKABE_ITO["sky"], OKABE_ITO["blue"]]
    ),
}


def color(name: str) -> str:
    """The hex code of a named colour, camp (``"O"``…) or role (``"learner"``…).

    Raises
    ------
    KeyError
        naming the colours, camps and roles there are, when ``name`` is none of them.
    """
    for table in (COLORS, ROLE, CAMP):
        if name in table:
            return table[name]
    raise KeyError(
        f"no colour named {name!r}: colours {sorted(COLORS)}, roles {sorted(ROLE)}, "
        f"camps {sorted(CAMP)}"
    )


def colormap(name: str) -> Colormap:
    """The matplotlib colour map for one of :data:`COLORMAPS`' meanings (``"score"``…)."""
    import matplotlib as mpl

    if name not in COLORMAPS:
        raise KeyError(f"no colour map named {name!r}: there are {sorted(COLORMAPS)}")
    cmap = COLORMAPS[name]
    return mpl.colormaps[cmap] if isinstance(cmap, str) else cmap
