"""Does WordLlama (a static embedding model shipped inside its PyPI wheel) help theme assignment?

    .venv/bin/python bench/themes/eval_wordllama.py                # w from the tuning set
    .venv/bin/python bench/themes/eval_wordllama.py --weight 0.25  # the curve at another w

``wordllama`` 0.4.0.post1 (MIT) carries its 256-dimension token embeddings
(``weights/l2_supercat_256.safetensors``, 16 MB) and its tokenizer inside the
wheel; ``load_offline`` builds the model from those two files and nothing else
(``WordLlama.load()`` looks for the tokenizer in the wrong folder and then tries
the network, so it is not used).  Not in the project's requirements: install it
beside the venv for this measurement, e.g.
``.venv/bin/pip install --target /tmp/wl wordllama==0.4.0.post1 tokenizers safetensors toml``
and set ``WORDLLAMA_PATH=/tmp/wl``.

Hybrid as in eval_embeddings.py: per note, z(lexical scores) + w × z(embedding
scores), where the embedding score of a theme is the mean cosine to its
``k`` nearest prototypes (the codebook's descriptions and examples at 1, the
reference notes at the engine's ``REFERENCE_WEIGHT``, coded notes at
``embeddings.CODED_WEIGHT``).  Notes the lexical engine leaves unassigned stay
unassigned (its evidence gate).  w is chosen on the tuning set (holdout2 with
reference notes dev + test, 0 coded notes) and then the learning curve of
learning_curve.py (queue at once and random, 0/10/30/60 coded) is read on the
blind set holdout3 for w = 0 (lexical-v3) and the chosen w.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import adjusted_mutual_info_score

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
if os.environ.get("WORDLLAMA_PATH"):
    sys.path.append(os.environ["WORDLLAMA_PATH"])  # after the venv: never shadow its packages

from bench.themes.embeddings import CODED_WEIGHT, similarity_to_prototypes  # noqa: E402
from bench.themes.learning_curve import SEEDS, SHARE, SIZES, UNASSIGNED, Curve, load  # noqa: E402
from tandem.themes import engine  # noqa: E402
from tandem.themes.engine import reference_notes  # noqa: E402

WEIGHTS = (0.0, 0.25, 0.5, 1.0, 2.0)
PROTOTYPE_K = 4  # as the lexical k-NN (engine.KNN_K)


@lru_cache(maxsize=1)
def load_offline() -> Any:
    """WordLlama from the files inside its wheel; raises if they are missing (never downloads)."""
    import wordllama
    from safetensors import safe_open
    from tokenizers import Tokenizer
    from wordllama.inference import WordLlamaInference

    root = Path(wordllama.__file__).parent
    with safe_open(str(root / "weights" / "l2_supercat_256.safetensors"), framework="np") as f:
        table = f.get_tensor("embedding.weight")
    tokenizer = Tokenizer.from_file(str(root / "tokenizers" / "l2_supercat_tokenizer_config.json"))
    return WordLlamaInference(table, tokenizer)


_VECTORS: dict[str, np.ndarray] = {}


def embed(texts: Sequence[str]) -> np.ndarray:
    """Unit-length embeddings of ``texts`` (cached per text: the curve re-reads the same notes)."""
    missing = [t for t in dict.fromkeys(texts) if t not in _VECTORS]
    if missing:
        vectors = load_offline().embed(missing, norm=True)
        _VECTORS.update(zip(missing, np.asarray(vectors, dtype=np.float32), strict=True))
    return np.stack([_VECTORS[t] for t in texts])


def standardise(scores: np.ndarray) -> np.ndarray:
    centred = scores - scores.mean(axis=1, keepdims=True)
    return centred / np.maximum(scores.std(axis=1, keepdims=True), 1e-9)


class HybridCurve(Curve):
    """The learning curve with the engine's scores blended with WordLlama's."""

    def __init__(
        self,
        rows: list[dict[str, str]],
        reference: Sequence[tuple[str, str]],
        w: float,
        lexical: float = 1.0,
    ) -> None:
        super().__init__(rows, reference)
        self.w = w
        self.lexical = lexical  # 0: the embedding view alone
        self.vectors = embed(self.texts)

    def _prototypes(self, coded: Sequence[int]) -> tuple[list[str], np.ndarray, np.ndarray]:
        index = {theme.name: i for i, theme in enumerate(self.codebook)}
        rows: list[tuple[str, int, float]] = []
        for i, theme in enumerate(self.codebook):
            rows += [(t, i, 1.0) for t in (theme.description, *theme.examples) if t.strip()]
        rows += [(t, index[n], engine.REFERENCE_WEIGHT) for t, n in self.reference if n in index]
        rows += [(self.texts[i], index[str(self.truth[i])], CODED_WEIGHT) for i in coded]
        return (
            [r[0] for r in rows],
            np.array([r[1] for r in rows]),
            np.array([r[2] for r in rows], dtype=np.float32),
        )

    def read(self, coded: Sequence[int]) -> tuple[np.ndarray, list[float]]:
        model = self.model(coded)
        found = model.assign(self.texts)
        confidences = [a.confidence for a in found]
        if self.w == 0:
            return np.array([a.theme or UNASSIGNED for a in found]), confidences
        texts, labels, weights = self._prototypes(coded)
        emb = similarity_to_prototypes(
            self.vectors, embed(texts), labels, weights, len(self.codebook), PROTOTYPE_K
        )
        total = self.lexical * standardise(model.scores(self.texts)) + self.w * standardise(emb)
        names = np.array([theme.name for theme in self.codebook])
        gate = np.array([a.theme is not None for a in found])
        return np.where(gate, names[total.argmax(axis=1)], UNASSIGNED), confidences


def curve(curve: Curve, n: int) -> dict[str, dict[int, tuple[float, float]]]:
    """Median (rest, fixed half) AMI per strategy and size, as learning_curve.run."""
    results: dict[str, dict[int, list[tuple[float, float]]]] = {
        s: {size: [] for size in SIZES} for s in ("queue, at once", "random")
    }
    for seed in range(SEEDS):
        rng = np.random.default_rng(seed)
        members = np.sort(rng.choice(n, int(SHARE * n), replace=False))
        half, pool = members[1::2], members[0::2]
        for size in SIZES:
            randomly = [int(i) for i in rng.permutation(pool)[:size]]
            queued = curve.queue(pool, [], size, True)
            results["random"][size].append(curve.agreement(members, half, randomly))
            results["queue, at once"][size].append(curve.agreement(members, half, queued))
    return {
        s: {size: tuple(np.median(np.array(v), axis=0)) for size, v in by_size.items()}
        for s, by_size in results.items()
    }


def choose_weight() -> float:
    """w by AMI on the tuning set (holdout2, reference dev + test), nothing coded."""
    rows = load("holdout2_notes.csv")
    reference = [
        (r["text"], r["theme"]) for s in ("dev_notes.csv", "test_notes.csv") for r in load(s)
    ]
    truth = [r["theme"] for r in rows]
    alone, _ = HybridCurve(rows, reference, 1.0, lexical=0.0).read([])
    alone_ami = adjusted_mutual_info_score(truth, alone)
    print(f"tuning set (holdout2), WordLlama alone: AMI {alone_ami:.3f}")
    best, best_ami = 0.0, -1.0
    for w in WEIGHTS:
        predicted, _ = HybridCurve(rows, reference, w).read([])
        ami = float(adjusted_mutual_info_score(truth, predicted))
        print(f"tuning set (holdout2), w = {w}: AMI {ami:.3f}", flush=True)
        if ami > best_ami:
            best, best_ami = w, ami
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weight", type=float, help="read the curve with this w instead")
    args = parser.parse_args()
    started = time.process_time()
    load_offline()
    print(f"model loaded from the wheel in {time.process_time() - started:.2f} CPU-s")
    w = choose_weight()
    if args.weight is not None:
        w = args.weight  # the curve for a w the tuning set did not choose, to show the trend
    rows = load("holdout3_notes.csv")
    print(f"\n### holdout3 ({len(rows)} notes), AMI rest / fixed half\n")
    print("| scores | chosen by | " + " | ".join(str(s) for s in SIZES) + " |")
    print("|---|---|" + "---|" * len(SIZES))
    for weight in dict.fromkeys((0.0, w)):
        label = "lexical-v3" if weight == 0 else f"lexical + {weight} × WordLlama"
        for strategy, by_size in curve(
            HybridCurve(rows, reference_notes(), weight), len(rows)
        ).items():
            cells = [f"{by_size[s][0]:.3f} / {by_size[s][1]:.3f}" for s in SIZES]
            print(f"| {label} | {strategy} | " + " | ".join(cells) + " |", flush=True)
    vectors_cpu = time.process_time()
    notes = [f"{r['text']} ({i})" for i, r in enumerate(rows * 4)][:1000]
    embed(notes)
    print(f"\nembedding 1,000 new notes: {time.process_time() - vectors_cpu:.2f} CPU-s")
    print(f"CPU in all: {time.process_time() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
