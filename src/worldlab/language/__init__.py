"""Language models small enough to read: n-grams, the reversal curse, hallucination (lessons 03 and 04).

Modules, one idea each:

* :mod:`~worldlab.language.ngram_lm` — n-gram models and how new their text is (03);
* :mod:`~worldlab.language.reversal` — the reversal curse with tied and untied embeddings (03);
* :mod:`~worldlab.language.hallucination` — missing mass, calibrated / closure / grounded models (04);
* :mod:`~worldlab.language.plots` — lesson 03's figures: routes out of the closure, reversal (03).

Import from the module that holds a name (``from worldlab.language.ngram_lm import …``).
"""
