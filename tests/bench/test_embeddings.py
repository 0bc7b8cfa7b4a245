"""The optional MiniLM mode: never breaks an install without torch; its scoring is exact."""

from __future__ import annotations

import numpy as np
import pytest

from bench.themes import embeddings
from tandem.themes.engine import CodebookTheme


def test_available_is_a_bool_and_never_raises() -> None:
    assert isinstance(embeddings.available(), bool)


@pytest.mark.skipif(embeddings.available(), reason="the embeddings extra is installed here")
def test_without_the_extra_embed_says_what_is_missing() -> None:
    with pytest.raises(RuntimeError, match=r"requirements-embeddings\.txt"):
        embeddings.embed(["We keep cancelling."])
    assert embeddings.embed([]).shape == (0, embeddings.DIMENSIONS)


def test_prototypes_take_description_examples_and_coded_notes() -> None:
    themes = [
        CodebookTheme("A", "about a", ("a one", "a two")),
        CodebookTheme("B", "", ("b one", "  ")),
    ]
    coded = [("z coded b", "B"), ("unknown theme", "C"), ("a coded", "A")]
    texts, labels, weights = embeddings.prototypes(themes, coded)
    assert texts == ["about a", "a one", "a two", "b one", "a coded", "z coded b"]
    assert labels.tolist() == [0, 0, 0, 1, 0, 1]
    assert weights.tolist() == [1, 1, 1, 1, embeddings.CODED_WEIGHT, embeddings.CODED_WEIGHT]
    # The order in which coded notes arrive does not matter.
    assert embeddings.prototypes(themes, list(reversed(coded)))[0] == texts


def test_similarity_is_the_mean_of_the_k_nearest_prototypes() -> None:
    notes = np.array([[1.0, 0.0], [0.0, 1.0]], dtype=np.float32)
    protos = np.array([[1.0, 0.0], [0.8, 0.6], [0.0, 1.0], [0.6, 0.8]], dtype=np.float32)
    labels = np.array([0, 0, 1, 1])
    weights = np.ones(4, dtype=np.float32)
    k1 = embeddings.similarity_to_prototypes(notes, protos, labels, weights, 3, k=1)
    np.testing.assert_allclose(k1, [[1.0, 0.6, 0.0], [0.6, 1.0, 0.0]], atol=1e-6)
    k2 = embeddings.similarity_to_prototypes(notes, protos, labels, weights, 3, k=2)
    np.testing.assert_allclose(k2, [[0.9, 0.3, 0.0], [0.3, 0.9, 0.0]], atol=1e-6)
    # A coded note (weight above 1) pulls its theme up.
    heavier = embeddings.similarity_to_prototypes(
        notes, protos, labels, np.array([1, 1, 1, 2], dtype=np.float32), 3, k=1
    )
    assert heavier[0, 1] == pytest.approx(1.2)
    empty = embeddings.similarity_to_prototypes(notes[:0], protos, labels, weights, 3)
    assert empty.shape == (0, 3)
