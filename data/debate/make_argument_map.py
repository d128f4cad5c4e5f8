"""Write the debate's argument map as tidy CSV: claims.csv and edges.csv.

The claims are the ids of ../shared/THREAD.md (C01…C33), each with its camp, its topic and a
one-line paraphrase written for this course (never a quotation of the original posts). The edges
say which claim answers which, and how: ``supports`` (strengthens it) or ``rebuts`` (argues
against it). Run from anywhere: ``python data/debate/make_argument_map.py``.
"""

import csv
from pathlib import Path

HERE = Path(__file__).resolve().parent

TOPICS = {
    "hype": "Is 'world models' hype?",
    "core": "The skeptic's core argument",
    "rl": "RL on LLMs",
    "novelty": "Novelty and generative closure",
    "continual": "Continual learning and memory",
    "drives": "Emotion, drives and curiosity",
}

# id, camp (O optimist, S skeptic, E side thread), topic, paraphrase
CLAIMS = [
    ("C01", "O", "hype", "World models stayed a promise for decades while LLMs delivered."),
    (
        "C02",
        "O",
        "hype",
        "LLMs fed image tokens can predict the future too, so the two ideas merge.",
    ),
    (
        "C03",
        "S",
        "hype",
        "'World model' names two things: decodable internals and a model of how the world reacts.",
    ),
    (
        "C04",
        "S",
        "core",
        "Next-token training makes LLMs a powerful copying technology, short of human level.",
    ),
    (
        "C05",
        "S",
        "core",
        "Predicting text instead of the world leaves LLMs ungrounded, hence hallucinations.",
    ),
    (
        "C06",
        "S",
        "core",
        "Animals predict the world and learn from the errors of those predictions.",
    ),
    (
        "C07",
        "S",
        "core",
        "Acting teaches an animal the effects of its actions; with planning it reaches goals.",
    ),
    (
        "C08",
        "S",
        "core",
        "Predictions checked against perception stay grounded and do not hallucinate.",
    ),
    (
        "C09",
        "O",
        "rl",
        "RL after pre-training made models solve problems and run long agentic tasks.",
    ),
    ("C10", "O", "rl", "RL with verifiable rewards trains task solving, not next-token guessing."),
    ("C11", "S", "rl", "RL only reweights which continuations get chosen; the model still copies."),
    (
        "C12",
        "S",
        "rl",
        "RL skill stays in its domain: a compiler-writing model fails an everyday riddle.",
    ),
    (
        "C13",
        "O",
        "rl",
        "Proofs and formal maths need real logic; riddle failures are like optical illusions.",
    ),
    (
        "C14",
        "S",
        "rl",
        "Models learn to steer toward rewarded steps; scale makes that look like more.",
    ),
    (
        "C15",
        "S",
        "rl",
        "Leading researchers expect a few more transformer-sized breakthroughs are needed.",
    ),
    (
        "C16",
        "S",
        "novelty",
        "New outputs lie in the generative closure of the training data: novel, not discovered.",
    ),
    (
        "C17",
        "O",
        "novelty",
        "Scaffolded search (autoresearch, evolved programs) can find real improvements.",
    ),
    (
        "C18",
        "S",
        "novelty",
        "Autoresearch today is tuning and bug fixing; compute, not ideas, is the bottleneck.",
    ),
    (
        "C19",
        "O",
        "novelty",
        "Most research fills gaps between ideas; automating that speeds humans up.",
    ),
    (
        "C20",
        "S",
        "novelty",
        "Curiosity bolted onto LLMs might escape the closure; expect hybrids first.",
    ),
    ("C21", "S", "continual", "An LLM stops learning at deployment; an animal never stops."),
    (
        "C22",
        "O",
        "continual",
        "Memory files and fine-tuning can give LLMs continual learning; it is engineering.",
    ),
    ("C23", "S", "continual", "Memory is not learning: skills must live in the weights that act."),
    (
        "C24",
        "S",
        "continual",
        "Fine-tuning again and again causes catastrophic forgetting; still unsolved.",
    ),
    (
        "C25",
        "O",
        "continual",
        "Fine-tuning works, just costs: restart from the base model each time.",
    ),
    (
        "C26",
        "E",
        "drives",
        "Creativity needs emotion, so a machine that cannot feel cannot be truly intelligent.",
    ),
    (
        "C27",
        "S",
        "drives",
        "Scientific creativity comes from surprise driving curiosity and exploration.",
    ),
    (
        "C28",
        "S",
        "drives",
        "Emotions are chemical mechanisms; artificial systems could have them too.",
    ),
    ("C29", "E", "drives", "Evolution made exploring feel good, among many other signals."),
    (
        "C30",
        "S",
        "drives",
        "Behaviour comes first; the feeling-based explanation is made up afterwards.",
    ),
    (
        "C31",
        "S",
        "drives",
        "Low energy can trigger food seeking directly; 'I was hungry' is said later.",
    ),
    (
        "C32",
        "S",
        "drives",
        "Many animals eat without hunger as the cause: instinct, season, habit.",
    ),
    (
        "C33",
        "O",
        "hype",
        "Predicting in a learned representation is interesting research, not yet useful.",
    ),
]

# source answers target: relation, and why (in a few words)
EDGES = [
    ("C02", "C01", "rebuts", "world models and LLMs need not be rivals"),
    ("C03", "C01", "rebuts", "the two camps mean different things"),
    ("C03", "C02", "rebuts", "predicting tokens is not modelling reactions to actions"),
    ("C05", "C04", "supports", "a consequence of copying text"),
    ("C06", "C04", "supports", "the contrast that defines copying"),
    ("C07", "C06", "supports", "action extends prediction-error learning"),
    ("C08", "C05", "supports", "grounding is the missing ingredient"),
    ("C08", "C06", "supports", "perception supplies the error signal"),
    ("C09", "C04", "rebuts", "RL-trained agents do more than continue text"),
    ("C10", "C09", "supports", "verifiable rewards are the mechanism"),
    ("C11", "C09", "rebuts", "capability gained, nature unchanged"),
    ("C11", "C10", "rebuts", "rewarded continuations are still continuations"),
    ("C12", "C11", "supports", "narrow generalisation fits reweighting"),
    ("C13", "C11", "rebuts", "choosing continuations is itself learning"),
    ("C13", "C12", "rebuts", "failures resemble illusions, not a missing faculty"),
    ("C14", "C13", "rebuts", "scale explains the surprise; few new results"),
    ("C15", "C14", "supports", "experts expect missing breakthroughs"),
    ("C16", "C13", "rebuts", "proofs can be assembled from known parts"),
    ("C16", "C04", "supports", "closure makes copying precise"),
    ("C17", "C16", "rebuts", "search can leave the closure"),
    ("C18", "C17", "rebuts", "the search is shallow and compute-bound"),
    ("C19", "C18", "rebuts", "filling gaps is most research anyway"),
    ("C20", "C16", "supports", "closure is the limit to escape"),
    ("C20", "C17", "rebuts", "search needs curiosity, not only scaffolding"),
    ("C21", "C09", "rebuts", "deployed models no longer learn"),
    ("C21", "C06", "supports", "lifelong prediction-error learning"),
    ("C22", "C21", "rebuts", "memory and fine-tuning add learning after deployment"),
    ("C23", "C22", "rebuts", "memory stores facts, not skills"),
    ("C24", "C22", "rebuts", "fine-tuning forgets"),
    ("C25", "C24", "rebuts", "retraining from the base avoids forgetting"),
    ("C26", "C21", "rebuts", "creativity needs feeling, not just learning"),
    ("C27", "C26", "rebuts", "surprise, not emotion, drives discovery"),
    ("C27", "C21", "supports", "surprise drives the learning cycle"),
    ("C28", "C26", "rebuts", "feelings are mechanisms a machine could have"),
    ("C29", "C27", "supports", "evolution rewards curiosity"),
    ("C30", "C26", "rebuts", "feelings explain behaviour after the fact"),
    ("C31", "C30", "supports", "hunger as a worked example"),
    ("C32", "C31", "supports", "eating often has other causes than hunger"),
    ("C33", "C06", "rebuts", "the animal-like alternative is not yet useful"),
    ("C33", "C02", "supports", "token and pixel prediction keep scaling"),
]


def write_tables(folder: Path = HERE) -> None:
    """Write claims.csv and edges.csv into ``folder``."""
    with open(folder / "claims.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["id", "camp", "topic", "topic_title", "paraphrase"])
        for claim_id, camp, topic, paraphrase in CLAIMS:
            writer.writerow([claim_id, camp, topic, TOPICS[topic], paraphrase])
    with open(folder / "edges.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["source", "target", "relation", "why"])
        writer.writerows(EDGES)


if __name__ == "__main__":
    write_tables()
    print(f"wrote {len(CLAIMS)} claims and {len(EDGES)} edges to {HERE}")
