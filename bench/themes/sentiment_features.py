"""Which additions to the sentiment model generalise?  Three readings of each variant (issue #20).

    .venv/bin/python bench/themes/sentiment_features.py            # every variant
    .venv/bin/python bench/themes/sentiment_features.py base tb    # some of them

Variants add features to the shipped model (``tandem.themes.sentiment``: TF-IDF
words + VADER/workplace-rule features, logistic regression):

* ``neg``: words in a negation's scope marked (``N:NOT_bad`` up to 3 words after
  not/no/never/…n't, to the next punctuation or contrast word);
* ``contrast``: VADER's compound of the clause after the last "but/though/
  however/yet" (what a mixed note ends on);
* ``tb``: TextBlob's pattern-lexicon polarity and subjectivity of the note and
  its last clause (the lexicon ships inside the ``textblob`` wheel);
* ``wl``: WordLlama's 256-dimension note embedding (weights inside its wheel,
  see eval_wordllama.py) as features; ``wl-ens``: a separate logistic
  regression on the embedding, its probabilities averaged in at 0.3;
* ``C1``/``C16``: the regularisation (shipped C = 4).

Readings: 5-fold CV over the 717 reference notes (dev + test + holdout2, as
cv_accuracy.py, workplace notes always in training; "clean" = test + holdout2
part); leave one set out (each of dev, test, holdout2 read by a model fitted on
the other two and the workplace notes: sets written at different times, so
closer to a change of hands than random folds); and holdout3, the blind set,
read by a model fitted on all of them.  Variants are chosen by the first two
only; holdout3 is reported.  ``textblob`` and ``wordllama`` are not in the
project's requirements: put them on ``WORDLLAMA_PATH`` (see eval_wordllama.py).
"""

from __future__ import annotations

import csv
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.themes import eval_wordllama  # noqa: E402  (also puts WORDLLAMA_PATH on the path)
from bench.themes.cv_accuracy import folds  # noqa: E402
from bench.themes.cv_accuracy import load as load_reference  # noqa: E402
from bench.themes.learning_curve import load  # noqa: E402
from tandem.themes import sentiment  # noqa: E402
from tandem.themes.engine import analyse_words  # noqa: E402

VARIANTS: dict[str, dict[str, Any]] = {
    "base": {},
    "C1": {"C": 1.0},
    "C16": {"C": 16.0},
    "neg": {"neg": True},
    "contrast": {"contrast": 1.0},
    "tb": {"tb": 1.0},
    "wl": {"wl": 1.0},
    "wl-ens": {"ens": 0.3},
}

_TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)?|[.,;:!?]")
_NEGATOR = re.compile(r"^(?:not|no|never|nothing|none|nobody|hardly|barely|without|\w+n't|cannot)$")
_SCOPE_END = re.compile(r"^[.,;:!?]$|^(?:but|though|although|however|yet)$")
_CONTRAST = re.compile(r"\b(?:but|though|although|however|yet)\b", re.IGNORECASE)
NEGATION_SCOPE = 3


def negated_words(text: str) -> list[str]:
    """``N:NOT_word`` for each word in a negation's scope."""
    out: list[str] = []
    scope = 0
    for token in _TOKEN.findall(text.lower().replace("\u2019", "'")):
        if _SCOPE_END.match(token):
            scope = 0
        elif _NEGATOR.match(token):
            scope = NEGATION_SCOPE
        elif scope:
            out.append(f"N:NOT_{token}")
            scope -= 1
    return out


def _with_negation(text: str) -> list[str]:
    return analyse_words(text) + negated_words(text)


def last_clause(text: str) -> str:
    """The clause after the last contrast word, or "" when there is none."""
    parts = _CONTRAST.split(text)
    return parts[-1] if len(parts) > 1 else ""


def _contrast(texts: Sequence[str]) -> np.ndarray:
    analyzer = sentiment._analyzer()
    clauses = [last_clause(t) for t in texts]
    return np.array([[analyzer.polarity_scores(c)["compound"] if c else 0.0] for c in clauses])


def _textblob(texts: Sequence[str]) -> np.ndarray:
    from textblob import TextBlob

    rows = []
    for text in texts:
        whole = TextBlob(text).sentiment
        clause = last_clause(text)
        rows.append([whole.polarity, whole.subjectivity, TextBlob(clause or text).polarity])
    return np.asarray(rows)


class Variant:
    """The shipped model's features plus a variant's; fitted on (texts, labels)."""

    def __init__(self, texts: Sequence[str], labels: Sequence[str], options: dict[str, Any]):
        self.options = options
        self.words = TfidfVectorizer(
            analyzer=_with_negation if options.get("neg") else analyse_words, sublinear_tf=True
        )
        self.classifier = LogisticRegression(
            C=options.get("C", sentiment.REGULARISATION_C), max_iter=5000
        )
        self.classifier.fit(self._matrix(texts, fit=True), list(labels))
        self.embedded: LogisticRegression | None = None
        if options.get("ens"):
            self.embedded = LogisticRegression(max_iter=5000).fit(
                eval_wordllama.embed(texts), labels
            )
        classes = list(self.classifier.classes_)
        self.positive, self.negative = classes.index("positive"), classes.index("negative")

    def _matrix(self, texts: Sequence[str], fit: bool = False) -> sp.csr_matrix:
        words = self.words.fit_transform(texts) if fit else self.words.transform(texts)
        blocks = [words, sp.csr_matrix(_rules(texts))]
        extra = (("contrast", _contrast), ("tb", _textblob), ("wl", eval_wordllama.embed))
        for key, build in extra:
            if self.options.get(key):
                blocks.append(sp.csr_matrix(self.options[key] * build(texts)))
        return sp.hstack(blocks).tocsr()

    def polarities(self, texts: Sequence[str]) -> list[str]:
        proba = self.classifier.predict_proba(self._matrix(texts))
        if self.embedded is not None:
            share = self.options["ens"]
            proba = (1 - share) * proba + share * self.embedded.predict_proba(
                eval_wordllama.embed(texts)
            )
        scores = sentiment.decisive_score(proba, self.positive, self.negative)
        return [sentiment.polarity(float(s)) for s in scores]


_RULES: dict[str, np.ndarray] = {}


def _rules(texts: Sequence[str]) -> np.ndarray:
    """The shipped rule/VADER features, cached per text (they dominate the run time)."""
    missing = [t for t in dict.fromkeys(texts) if t not in _RULES]
    if missing:
        _RULES.update(zip(missing, sentiment._dense_features(missing), strict=True))
    return np.stack([_RULES[t] for t in texts])


def _agreement(predicted: Sequence[str], truth: Sequence[str]) -> float:
    return float(np.mean([p == t for p, t in zip(predicted, truth, strict=True)]))


def readings(options: dict[str, Any]) -> list[float]:
    """CV all, CV clean, leave-one-set-out dev/test/holdout2 and mean, holdout3."""
    texts, themes, labels, origin = load_reference()
    work = [r for r in csv.DictReader(sentiment.WORKPLACE_NOTES.open(encoding="utf-8"))]
    base_texts = [r["text"] for r in work if r["polarity"] in sentiment.CLASSES]
    base_labels = [r["polarity"] for r in work if r["polarity"] in sentiment.CLASSES]
    right = np.zeros(len(texts), dtype=bool)
    for train, test in folds(themes):
        model = Variant(
            base_texts + [texts[i] for i in train],
            base_labels + [labels[i] for i in train],
            options,
        )
        right[test] = [
            p == labels[i]
            for p, i in zip(model.polarities([texts[i] for i in test]), test, strict=True)
        ]
    clean = [i for i, o in enumerate(origin) if o != "dev_notes.csv"]
    out = [float(right.mean()), float(right[clean].mean())]
    for name in ("dev_notes.csv", "test_notes.csv", "holdout2_notes.csv"):
        kept = [i for i, o in enumerate(origin) if o != name]
        left = [i for i, o in enumerate(origin) if o == name]
        model = Variant(
            base_texts + [texts[i] for i in kept],
            base_labels + [labels[i] for i in kept],
            options,
        )
        out.append(
            _agreement(model.polarities([texts[i] for i in left]), [labels[i] for i in left])
        )
    out.append(float(np.mean(out[2:5])))
    blind = load("holdout3_notes.csv")
    model = Variant(base_texts + texts, base_labels + labels, options)
    out.append(
        _agreement(model.polarities([r["text"] for r in blind]), [r["polarity"] for r in blind])
    )
    return out


def main() -> int:
    names = sys.argv[1:] or list(VARIANTS)
    print("| variant | CV all | CV clean | left out: dev | test | holdout2 | mean | holdout3 |")
    print("|---|---|---|---|---|---|---|---|")
    for name in names:
        cells = " | ".join(f"{value:.3f}" for value in readings(VARIANTS[name]))
        print(f"| {name} | {cells} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
