"""worldlab — the lab kit of the course *Predicting the World*.

Worlds (``worldlab.worlds``), small and seeded:
    coin            a biased coin (lesson 00)
    pixel_strip     an agent on a strip, seen as a tiny image (01)
    grid_walks      random legal walks on a grid (02)
    grammar         an English-like language with an exact grammaticality check (03)
    facts           a population of facts mentioned with a Zipf law (04)
    maze            Sutton & Barto's Dyna maze with a movable goal (06)
    strategy_tasks  verifiable tasks: strategy problems and chain puzzles (07)
    task_stream     a stream of conflicting classification tasks (08)
Learners and measurements:
    stats               experiments over seeds, means with CIs, paired comparisons (all lessons)
    debate              the debate's argument map as tidy tables (00)
    transition_models   count-table world models, rollouts (01)
    world_model_tests   k-grams, behavioural tests, probes and their experiments (02)
    world_model_figures the figures of those experiments (02)
    ngram_lm, reversal  n-gram models and novelty; the reversal curse (03)
    hallucination       missing mass, calibrated / closure / grounded models (04)
    rescorla_wagner     conditioning schedules, the copying learner, blocking (05)
    online_learning     online world models that take a learning rule, surprise (05)
    in_context          a frozen-weight model that adapts in its context window (05)
    planning            Q-learning, Dyna-Q, behaviour cloning, value iteration (06)
    rlvr, pass_at_k     imitation, RL loops that take the update, pass@k curves (07)
    rlvr_experiments    lesson 07's one-seed experiments and demo (07)
    mlp, continual      a tiny numpy MLP; forgetting, replay, EWC, memory (package) (02, 08)
Face (shared look and interaction):
    plots       palette, style and the plots lessons share
    widgets     interactive demos that also render a static figure headless
    testing     helpers for the tests inside lessons (clear messages, the grader's seed)
Course tooling (never imported by the science):
    course      build and check the lessons around nbgrader
    grading     the safe, parallel grader: sandbox, normalise, score, gradebook, reports
"""

__version__ = "0.1.0"
