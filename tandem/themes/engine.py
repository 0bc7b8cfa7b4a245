"""The theme engine: reads a feedback note and says which codebook theme it means.

Lexical, offline, CPU-only and deterministic.  It is a few-shot classifier: the
"training set" is each theme's description and example notes from the codebook,
plus every note a person coded by hand (``feedback.coded_theme``), so a lead's
coding sharpens the engine for similar notes.

Why this design (measured on ``bench/themes/dev_notes.csv``, see
``bench/themes/RESULTS.md``): real notes rarely repeat a theme's keywords, so a
single view is brittle.  Three complementary scores are combined:

* similarity to the nearest example notes (k-NN over TF-IDF of stemmed word
  1–2-grams and character 3–5-grams: the latter catch "reschedul-" in
  "rescheduled" and "resched" alike, British and American spellings too);
* a complement naive Bayes classifier fitted on the same examples (it learns
  which words separate the themes rather than which words are frequent);
* a hand-built cue lexicon per default theme (``codebook.CUES``): idioms such as
  "radio silence" or "box-ticking" that examples alone under-weight.

Notes a person coded (``coded``) are not mixed into those examples: measured
on held-out notes, a few coded notes among ~1,900 examples either drowned
(weight 1) or pulled unrelated notes by shared style words (weight 2).  They
form a layer of their own: a note gets, per theme, the similarity of its
nearest coded example above ``CODED_FLOOR`` (scaled by ``CODED_WEIGHT``), so a
coded note moves the notes like it, outweighs the codebook for them, and
leaves every other note exactly as the codebook reads it.  A note coded "no
theme" (``NO_THEME``) keeps the notes most like it unassigned.  The learning
curve is in bench/themes/RESULTS.md (issue #20).

Besides the codebook's examples, the model learns from ``reference_notes.csv``:
717 hand-labelled realistic notes (the bench's dev, test and holdout2 sets)
for the themes of the default codebook, matched by name, weighed below the
examples (``REFERENCE_WEIGHT``).  Chosen by 5-fold cross-validation, see
bench/themes/RESULTS.md (session 3).

A note whose best combined score is below ``threshold``, or that shares no
content word with the codebook, is left unassigned (``None``) rather than forced
into a theme.  Everything is vectorised over sparse matrices and the model is
fitted once per codebook (well under a second).

Cost is linear in the number of notes: the k-NN step compares each note with
every training example, so the hand-coded examples are capped per theme
(``training_sample``: the most recent ``MAX_CODED_PER_THEME``), notes are
scored ``SUB_CHUNK`` at a time (the dense notes × examples block stays a few
tens of MB) and identical notes are scored once.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.naive_bayes import ComplementNB
from sklearn.preprocessing import normalize

from tandem.themes.codebook import CUES, DEFAULT_THEMES, ThemeSpec

METHOD = "lexical-v3"

# Weights of the combined score and the "unassigned" threshold, chosen by a grid
# search on the dev set (the ablation in bench/themes/RESULTS.md shows each part);
# k = 4 with the reference notes, by cross-validation (session 3).
KNN_K = 4
WEIGHT_KNN = 1.0
WEIGHT_NB = 0.5
WEIGHT_CUE = 0.05
CUE_CAP = 3
NB_ALPHA = 0.3
THRESHOLD = 0.18
# A note must also share some content word (not a stop word) with the codebook:
# character n-grams and the logistic regression give every string *some* score,
# so without this gate "asdf qwerty" would be forced into a theme.
MIN_EVIDENCE = 0.1
# The coded layer: a note's score for a theme grows by CODED_WEIGHT × how far its
# nearest coded note of that theme is above CODED_FLOOR (cosine, scaled to 0…1).
# Below the floor a coded note changes nothing (chosen on holdout2 with the
# reference notes left out: a floor of 0.1 pulled loosely similar notes and
# lowered agreement on notes not like any coded one; 0.15–0.2 never did).
CODED_WEIGHT = 1.0
CODED_FLOOR = 0.2
# A note at least this similar to a note coded "no theme" (and more similar to it
# than to any coded note with a theme) is left unassigned.
NO_THEME_FLOOR = 0.5
#: ``coded_theme`` of a note a person said is about no theme of the codebook.
NO_THEME = ""
# The bundled hand-labelled notes weigh less than a codebook example: at 1.0 or
# more they pull notes towards themes by shared style words rather than topic
# (5-fold cross-validated AMI 0.678 at 1.0, 0.686 at 0.6, 0.526 at 2.0).
REFERENCE_WEIGHT = 0.6
REFERENCE_NOTES = Path(__file__).with_name("reference_notes.csv")
# The hand-coded notes each theme learns from (the most recent ones).  Without a
# cap the k-NN step grows with notes × coded notes (quadratic as a program
# codes more); measured in bench/themes/RESULTS.md, held-out AMI does not drop.
MAX_CODED_PER_THEME = 100
# Notes scored at a time: the dense notes × training-examples block of the k-NN
# step is SUB_CHUNK × (examples + coded) floats (≈ 35 MB at 2,000 × 2,200).
SUB_CHUNK = 2_000


@dataclass(frozen=True)
class CodebookTheme:
    """A theme as the engine sees it (from the themes table or the defaults)."""

    name: str
    description: str = ""
    examples: tuple[str, ...] = ()
    theme_id: int | None = None


@dataclass(frozen=True)
class CodedNote:
    """A note a person coded by hand, as a candidate training example."""

    feedback_id: str
    date: dt.date | None
    text: str
    theme: str


def training_sample(
    coded: Iterable[CodedNote], per_theme: int | None = None
) -> list[tuple[str, str]]:
    """The hand-coded examples the model learns from: the ``per_theme`` most recent per theme.

    Recency is the note's date, then its id (both descending), so the choice
    never depends on row order; the result is sorted (text, theme) pairs.
    Recent notes are kept because they speak the program's current language.
    ``per_theme`` defaults to ``MAX_CODED_PER_THEME``.
    """
    cap = MAX_CODED_PER_THEME if per_theme is None else per_theme
    by_theme: dict[str, list[CodedNote]] = {}
    for note in coded:
        if note.text.strip():
            by_theme.setdefault(note.theme, []).append(note)
    chosen: list[tuple[str, str]] = []
    for theme, notes in by_theme.items():
        notes.sort(key=lambda n: (n.date or dt.date.min, n.feedback_id), reverse=True)
        chosen += [(n.text, theme) for n in notes[: max(0, cap)]]
    return sorted(chosen)


@lru_cache(maxsize=1)
def reference_notes() -> tuple[tuple[str, str], ...]:
    """The bundled hand-labelled notes as sorted (text, default theme name) pairs."""
    with REFERENCE_NOTES.open(newline="", encoding="utf-8") as handle:
        rows = [(row["text"], row["theme"]) for row in csv.DictReader(handle)]
    return tuple(sorted(row for row in rows if row[0].strip()))


@dataclass(frozen=True)
class Assignment:
    """The engine's reading of one note: a theme name (or None) and a confidence 0…1."""

    theme: str | None
    confidence: float


def default_codebook() -> list[CodebookTheme]:
    """The shipped codebook as engine input (no database needed)."""
    return [_from_spec(spec) for spec in DEFAULT_THEMES]


def _from_spec(spec: ThemeSpec) -> CodebookTheme:
    return CodebookTheme(name=spec.name, description=spec.description, examples=spec.examples)


# --- Text normalisation -----------------------------------------------------

_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_US_UK = (
    (re.compile(r"(\w{3,})iz(e|es|ed|ing|ation)\b"), r"\1is\2"),
    (re.compile(r"(\w{2,})yz(e|es|ed|ing)\b"), r"\1ys\2"),
    (re.compile(r"\b(behavi|favo|hono|labo|colo)r"), r"\1ur"),
    (re.compile(r"\bcenter"), "centre"),
    (re.compile(r"\bprogram\b"), "programme"),
    (re.compile(r"\bskeptic"), "sceptic"),
)
_SUFFIXES = ("ingly", "ings", "ing", "edly", "ed", "ies", "ied", "ly", "es", "s")


def normalise(text: str) -> str:
    """Lower-case, unify curly quotes and British/American spellings."""
    lowered = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    for pattern, replacement in _US_UK:
        lowered = pattern.sub(replacement, lowered)
    return lowered


@lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    """A light suffix stripper: enough to join "cancelled"/"cancels"/"cancelling".

    Cached: a program's vocabulary is small next to its word count.
    """
    if "'" in word:
        return word
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            root = word[: -len(suffix)]
            if suffix in ("ies", "ied"):
                return root + "y"
            if len(root) > 3 and root[-1] == root[-2] and root[-1] not in "lsz":
                root = root[:-1]
            return root
    return word


def analyse_words(text: str) -> list[str]:
    """Stemmed unigrams and bigrams of a note (the word view of TF-IDF)."""
    return _analyse_normalised(normalise(text))


def _analyse_normalised(text: str) -> list[str]:
    tokens = [stem(token) for token in _TOKEN.findall(text)]
    return tokens + [f"{a} {b}" for a, b in itertools.pairwise(tokens)]


def _is_function_ngram(term: str) -> bool:
    """An n-gram made only of stop words or very short tokens carries no topic."""
    return all(token in ENGLISH_STOP_WORDS or len(token) < 3 for token in term.split())


# --- The model --------------------------------------------------------------


@dataclass
class ThemeModel:
    """A fitted few-shot classifier for one codebook (+ hand-coded notes)."""

    themes: list[CodebookTheme]
    coded: list[tuple[str, str]] = field(default_factory=list)
    cues: Mapping[str, Sequence[str]] = field(default_factory=lambda: CUES)
    threshold: float = THRESHOLD
    weight_knn: float = WEIGHT_KNN
    weight_nb: float = WEIGHT_NB
    weight_cue: float = WEIGHT_CUE
    min_evidence: float = MIN_EVIDENCE
    # Bundled labelled notes (text, theme name); those of themes not in the codebook are ignored.
    reference: Sequence[tuple[str, str]] = field(default_factory=reference_notes)

    def __post_init__(self) -> None:
        self.names = [theme.name for theme in self.themes]
        index = {name: i for i, name in enumerate(self.names)}
        docs: list[str] = []
        labels: list[int] = []
        weights: list[float] = []
        for i, theme in enumerate(self.themes):
            seeds = [theme.description, *theme.examples]
            for doc in seeds:
                if doc.strip():
                    docs.append(doc)
                    labels.append(i)
                    weights.append(1.0)
        for text, name in sorted(self.reference):
            if name in index and text.strip():
                docs.append(text)
                labels.append(index[name])
                weights.append(REFERENCE_WEIGHT)
        # Both views read text normalised once by ``normalise`` (done per batch).
        self._word = TfidfVectorizer(analyzer=_analyse_normalised, sublinear_tf=True, min_df=1)
        self._char = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=1, lowercase=False
        )
        self._labels = np.asarray(labels)
        self._weights = np.asarray(weights)
        # One alternation over every theme's cues, a named group per theme: a
        # single scan of each note instead of one per theme.
        groups = [
            f"(?P<t{j}>" + "|".join(self.cues[name]) + ")"
            for j, name in enumerate(self.names)
            if self.cues.get(name)
        ]
        self._cue_pattern = re.compile(r"\b(?:" + "|".join(groups) + r")\b") if groups else None
        self._nb: ComplementNB | None = None
        # Coded notes in a stable order: results never depend on row order.
        self._coded = [
            (text, index.get(name, -1))
            for text, name in sorted(self.coded)
            if text.strip() and (name in index or name == NO_THEME)
        ]
        self._coded_features: sp.csr_matrix | None = None
        if not docs:
            self._train = None
            return
        normalised = [normalise(doc) for doc in docs]
        words = self._word.fit_transform(normalised)
        chars = self._char.fit_transform(normalised)
        self._train = self._combine(words, chars)
        # The k-NN view holds the examples grouped by theme (a contiguous slice
        # per theme), so top-k needs no boolean mask copy per theme.
        order = np.argsort(self._labels, kind="stable")
        self._knn_train = self._train[order].T.tocsr()
        self._knn_weights = self._weights[order]
        bounds = np.searchsorted(self._labels[order], np.arange(len(self.names) + 1))
        self._knn_slices = [(int(a), int(b)) for a, b in itertools.pairwise(bounds)]
        # Content-word view (stop words and short tokens masked) for the evidence gate.
        vocabulary = self._word.get_feature_names_out()
        self._content_mask = sp.diags(
            np.array([0.0 if _is_function_ngram(term) else 1.0 for term in vocabulary])
        )
        self._train_content = normalize(words @ self._content_mask).T.tocsc()
        self._coded_features = (
            self.features([text for text, _ in self._coded]).T.tocsr() if self._coded else None
        )
        self._coded_labels = np.array([label for _, label in self._coded], dtype=np.intp)
        if len(set(labels)) >= 2:
            # Complement naive Bayes: as accurate as a logistic regression on the
            # dev set (AMI 0.71 vs 0.71) but fits in milliseconds instead of
            # seconds, which matters because every refresh process fits afresh.
            self._nb = ComplementNB(alpha=NB_ALPHA)
            self._nb.fit(self._train, self._labels, sample_weight=self._weights)

    @staticmethod
    def _combine(words: sp.spmatrix, chars: sp.spmatrix) -> sp.csr_matrix:
        return normalize(sp.hstack([words, chars]).tocsr())

    def features(self, texts: Sequence[str]) -> sp.csr_matrix:
        """The TF-IDF view of ``texts`` (the vocabulary of the codebook)."""
        normalised = [normalise(text) for text in texts]
        return self._combine(self._word.transform(normalised), self._char.transform(normalised))

    def cue_counts(self, texts: Sequence[str]) -> np.ndarray:
        """How many cue idioms of each theme occur in each note (capped)."""
        return self._cue_counts([normalise(text) for text in texts])

    def _cue_counts(self, normalised: Sequence[str]) -> np.ndarray:
        counts = np.zeros((len(normalised), len(self.names)), dtype=np.float64)
        if self._cue_pattern is None:
            return counts
        finditer = self._cue_pattern.finditer
        for i, text in enumerate(normalised):
            for match in finditer(text):
                counts[i, int(match.lastgroup[1:])] += 1  # type: ignore[index]
        return np.minimum(counts, CUE_CAP)

    def knn_scores(self, features: sp.csr_matrix) -> np.ndarray:
        """Per theme, the mean (weighted) cosine similarity of the note to its k nearest examples.

        Computed ``SUB_CHUNK`` notes at a time so the dense similarity block stays small.
        """
        assert self._train is not None
        features = sp.csr_matrix(features)
        out = np.zeros((features.shape[0], len(self.names)))
        for start in range(0, features.shape[0], SUB_CHUNK):
            stop = min(start + SUB_CHUNK, features.shape[0])
            out[start:stop] = self._knn_block(features[start:stop])
        return out

    def _knn_block(self, features: sp.csr_matrix) -> np.ndarray:
        sims = (features @ self._knn_train).toarray()
        out = np.zeros((features.shape[0], len(self.names)))
        for j, (first, last) in enumerate(self._knn_slices):
            size = last - first
            if size == 0:
                continue
            block = sims[:, first:last] * self._knn_weights[first:last]
            k = min(KNN_K, size)
            if size > k:  # the k largest, unordered: linear instead of a full sort
                block = np.partition(block, size - k, axis=1)[:, size - k :]
            # Descending before the mean: the same summation order as a full sort.
            top = -np.sort(-block, axis=1)
            out[:, j] = top.mean(axis=1)
        return out

    def scores(self, texts: Sequence[str]) -> np.ndarray:
        """Combined score of every note (rows) against every theme (columns)."""
        return self._scores([normalise(text) for text in texts])[0]

    def _scores(self, normalised: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Combined scores, and each note's best content-word similarity to the codebook.

        Takes normalised texts; scores ``SUB_CHUNK`` notes at a time (every
        score is per note, so the blocks give exactly the whole's result).
        """
        if self._train is None or not normalised:
            return np.zeros((len(normalised), len(self.names))), np.zeros(len(normalised))
        totals = np.zeros((len(normalised), len(self.names)))
        evidence = np.zeros(len(normalised))
        for start in range(0, len(normalised), SUB_CHUNK):
            block = normalised[start : start + SUB_CHUNK]
            totals[start : start + len(block)], evidence[start : start + len(block)] = (
                self._scores_block(block)
            )
        return totals, evidence

    def _scores_block(self, normalised: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        words = self._word.transform(normalised)
        features = self._combine(words, self._char.transform(normalised))
        content = normalize(words @ self._content_mask)
        evidence = (content @ self._train_content).max(axis=1).toarray().ravel()
        total = self.weight_knn * self._knn_block(features)
        if self._nb is not None:
            proba = np.zeros((len(normalised), len(self.names)))
            proba[:, self._nb.classes_] = self._nb.predict_proba(features)
            total += self.weight_nb * proba
        if self.weight_cue:
            total += self.weight_cue * self._cue_counts(normalised)
        if self._coded_features is not None:
            blocked = self._add_coded_layer(features, total)
            evidence[blocked] = 0.0
        return total, evidence

    def _add_coded_layer(self, features: sp.csr_matrix, total: np.ndarray) -> np.ndarray:
        """Add the coded notes' layer to ``total`` in place; which notes "no theme" keeps out."""
        sims = (features @ self._coded_features).toarray()
        nearest_themed = np.zeros(features.shape[0])
        for j in np.unique(self._coded_labels[self._coded_labels >= 0]):
            best = sims[:, self._coded_labels == j].max(axis=1)
            nearest_themed = np.maximum(nearest_themed, best)
            total[:, j] += CODED_WEIGHT * np.clip(best - CODED_FLOOR, 0.0, None) / (1 - CODED_FLOOR)
        none = self._coded_labels < 0
        if not none.any():
            return np.zeros(features.shape[0], dtype=bool)
        nearest_none = sims[:, none].max(axis=1)
        return (nearest_none >= NO_THEME_FLOOR) & (nearest_none > nearest_themed)

    def assign(self, texts: Sequence[str]) -> list[Assignment]:
        """The theme each note means, or None where no theme scores above threshold."""
        if not self.names:
            return [Assignment(None, 0.0) for _ in texts]
        # Identical notes ("Good session.") are scored once.
        normalised = [normalise(text) for text in texts]
        unique = list(dict.fromkeys(normalised))
        totals, evidence = self._scores(unique)
        if len(unique) < len(normalised):
            position = {text: i for i, text in enumerate(unique)}
            rows = np.fromiter((position[t] for t in normalised), dtype=np.intp, count=len(texts))
            totals, evidence = totals[rows], evidence[rows]
        best = totals.argmax(axis=1)
        top = totals[np.arange(len(texts)), best]
        # Confidence: the best score squashed to 0…1 and discounted by how close
        # the runner-up is (a note torn between two themes is less certain).
        second = np.sort(totals, axis=1)[:, -2] if totals.shape[1] > 1 else np.zeros(len(texts))
        margin = np.clip((top - second) / np.maximum(top, 1e-9), 0.0, 1.0)
        confidence = np.clip(top / (top + 0.5), 0.0, 1.0) * (0.5 + 0.5 * margin)
        return [
            Assignment(
                self.names[b]
                if top[i] >= self.threshold and evidence[i] >= self.min_evidence
                else None,
                round(float(confidence[i]), 4),
            )
            for i, b in enumerate(best)
        ]


def fingerprint(themes: Iterable[CodebookTheme], coded: Iterable[tuple[str, str]]) -> str:
    """A hash of everything the model learns from: the codebook and the hand-coded notes.

    Part of each note's input hash, so editing the codebook or coding a note by
    hand recomputes every note (the model changed) while new notes alone do not.
    The bundled reference notes count too (a release that changes them recomputes).
    """
    digest = hashlib.sha256(METHOD.encode())
    for text, name in reference_notes():
        digest.update(b"\x00R" + name.encode() + b"\x00" + text.encode())
    for theme in sorted(themes, key=lambda t: t.name):
        digest.update(f"\x00T{theme.theme_id}\x00{theme.name}\x00{theme.description}".encode())
        for example in theme.examples:
            digest.update(b"\x00e" + example.encode())
    for text, name in sorted(coded):
        digest.update(b"\x00C" + name.encode() + b"\x00" + text.encode())
    return digest.hexdigest()
