"""worldlab — the lab kit of the course *Predicting the World*.

The map: every module a lesson imports, with the lessons that import it (a test keeps this
list true). A topic with several modules is a package; each package's docstring lists its modules.

Worlds (``worldlab.worlds``), small, seeded, and never drawing:
    worlds.coin                 a biased or sticky coin for two sequence learners (00)
    worlds.pixel_strip          an agent on a strip, seen as a tiny image (01)
    worlds.grid_walks           random legal walks on a grid (02)
    worlds.grammar              an English-like language with an exact grammaticality check (03)
    worlds.facts                a population of facts mentioned with a Zipf law (04)
    worlds.maze                 Sutton & Barto's Dyna maze with a movable goal (06)
    worlds.strategy_tasks       verifiable tasks: strategy problems and chain puzzles (07)
    worlds.task_stream          a stream of conflicting classification tasks (08)
    worlds.noisy_tv             two rooms, a long corridor and a noisy TV (09)
    worlds.seasons              a forager with an energy store in a world of seasons (10)
    worlds.research_landscape   configurations of knobs, a true quality, noisy experiments (11)
    worlds.changing_grid        a grid world that changes in phases, with a noisy TV (12)
    worlds.program_edits        a long tool-using task: edits, a test suite's report, slips, undo (13)
    worlds.distracted_strip     an agent on a strip seen as images under flickering distractors (14)
Science, one package per topic (model, experiments, figures):
    debate                      the debate's argument map and its verdicts (00-14)
    debate.argument_map         claims, replies and the committed verdict rows as tidy tables (00)
    debate.verdicts             verdicts as code: rule, judge, fresh seeds, show_verdict (00-14)
    world_models                count-table world models; behavioural tests and probes (01, 02)
    world_models.transitions    passive and action-conditioned transition counts (01)
    world_models.evaluation     k-gram tests, probes of hidden state, their experiments (02)
    world_models.figures        lesson 02's figures and demos (02)
    mlp                         a tiny numpy multilayer perceptron (02)
    language.ngram_lm           n-gram models and the novelty of their text (03)
    language.reversal           the reversal curse, tied and untied embeddings (03)
    language.hallucination      missing mass; calibrated, closure and grounded models (04)
    language.plots              lesson 03's figures: routes out of the closure, reversal (03)
    language.hallucination_plots  lesson 04's figures: the bound by family, the trade-off (04)
    prediction_error            learning from surprise (05)
    prediction_error.rescorla_wagner  conditioning schedules, the copying learner, blocking (05)
    prediction_error.online     an online world model in a world that changes; surprise (05)
    prediction_error.in_context a frozen-weight model that adapts in its context (05)
    prediction_error.plots      lesson 05's figures and demos (05)
    planning                    Q-learning, Dyna-Q, behaviour cloning, planning on a model (06)
    planning.plots              lesson 06's figures, the maze drawing and the demo (06)
    planning.verdict            lesson 06's verdict rules and the interval tables they judge (06)
    rlvr.training               imitation pre-training, RL loops that take the update (07)
    rlvr.pass_at_k              unbiased pass@k and its curves, coverage of k tries (07)
    rlvr.experiments            lesson 07's one-seed experiments and demo (07)
    rlvr.plots                  lesson 07's figures (07)
    rlvr.verdict                lesson 07's verdict rules and the interval tables they judge (07)
    continual                   forgetting, replay, EWC, memory and their figures (08)
    continual.verdict           lesson 08's verdict rules and the interval tables they judge (08)
    curiosity.agents            curious agents: surprise, count and progress bonuses (09)
    curiosity.plots             lesson 09's figures (09)
    curiosity.report            the intervals lesson 09's captions quote, printed (09)
    curiosity.verdict           lesson 09's verdict rules and the interval tables they judge (09)
    drives.homeostasis          homeostatic planning, lifetimes, evolution of drives (10)
    drives.plots                lesson 10's figures (10)
    research.search             random search, hill climbing, evolution of ideas (11)
    research.experiments        lesson 11's measurements over seeds (11)
    research.plots              lesson 11's figures (11)
    research.verdict            lesson 11's verdict rules and the interval tables they judge (11)
    lifelong.agent              agents through the phases of a changing world (12)
    lifelong.plots              lesson 12's comparisons and figures (12)
    lifelong.verdict            lesson 12's verdict quantities, paired over worlds (12)
    long_tasks.agents           cloning, DART, DAgger and RL with a verifier on long tasks (13)
    long_tasks.experiments      success against task length for every arm, paired over seeds (13)
    long_tasks.verdict          lesson 13's verdict rules and the interval tables they judge (13)
    long_tasks.plots            lesson 13's figures and demo (13)
    representations.models      predictors of the next frame's pixels or of its embedding (14)
    representations.measures    linear read-out, an image-token model, planning to a goal (14)
    representations.experiments lesson 14's sweep over seeds and distractors (14)
    representations.plots       lesson 14's figures and demo (14)
    representations.verdict     lesson 14's verdict rules and the paired tables they judge (14)
Face (shared look and interaction):
    stats                       experiments over seeds, means with intervals, paired comparisons
    plots                       style and the plots several lessons share
    plots.palette               the course's colours and their meanings: camps, verdicts, roles
    widgets                     interactive demos that also render a static figure headless
    demo_grid                   a demo drawn at every setting of its controls, for the website
    figures                     a figure that falls back to its reference image while unfinished
    checking                    visible and hidden tests inside lessons, run where they are trusted
    testing                     helpers for tests (clear messages, the grader's seed)
Course tooling (never imported by the science, never importing it):
    course                      build, check and publish the lessons around nbgrader
    course.references           reference answers read from a lesson source (12's hidden checks)
    grading                     the safe, parallel grader: sandbox, normalise, score, gradebook
"""

__version__ = "0.1.0"
