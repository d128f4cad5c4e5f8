"""Write the grammar corpus the lessons read: train.txt and heldout.txt, one sentence per line.

Both are samples of the grammar in ``worldlab.worlds.grammar`` (2000 training sentences, then
500 held-out ones, from one seeded generator), so every line is grammatical and the held-out
text plays the part of new "human" text. Run from anywhere:
``python data/grammar/make_corpus.py``.
"""

from pathlib import Path

from worldlab.worlds.grammar import (
    CORPUS_HELDOUT,
    CORPUS_SEED,
    CORPUS_TRAIN,
    format_sentence,
    train_heldout_split,
)

HERE = Path(__file__).resolve().parent


def main() -> None:
    train, heldout = train_heldout_split(CORPUS_TRAIN, CORPUS_HELDOUT, CORPUS_SEED)
    for name, sentences in (("train.txt", train), ("heldout.txt", heldout)):
        lines = "".join(format_sentence(sentence) + "\n" for sentence in sentences)
        (HERE / name).write_text(lines, encoding="utf-8")
        print(f"wrote {len(sentences)} sentences to {HERE / name}")


if __name__ == "__main__":
    main()
