"""Discovery: what are the notes the codebook does not cover talking about?

Unassigned notes are clustered (TF-IDF over content words, k-means with a fixed
seed, so the same notes give the same clusters) and each cluster is labelled by
its distinctive phrases (class-based TF-IDF: terms frequent in this cluster and
rare in the others).  Clusters are stored as ``ThemeCandidate`` rows; a lead can
promote one into the codebook, where its member notes become its first examples.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.cluster import KMeans
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
from sklearn.preprocessing import normalize
from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from tandem.program import audit
from tandem.program.db import transaction
from tandem.program.models import Feedback, utcnow
from tandem.program.theme_tables import Theme, ThemeCandidate, theme_name_key

MAX_NOTES = 5_000  # discovery looks at this many unassigned notes at most
MIN_SIZE = 3
MAX_CLUSTERS = 8
EXAMPLES_KEPT = 5


@dataclass(frozen=True)
class Candidate:
    """A cluster of unassigned notes and its distinctive phrases."""

    label: str
    keywords: tuple[str, ...]
    size: int
    example_ids: tuple[str, ...]


def distinctive_terms(texts_by_class: Sequence[Sequence[str]], top: int = 8) -> list[list[str]]:
    """Top class-based TF-IDF terms (uni- and bigrams) of each group of texts."""
    joined = [" ".join(texts) for texts in texts_by_class]
    if not any(j.strip() for j in joined):
        return [[] for _ in joined]
    vectorizer = CountVectorizer(
        stop_words="english", ngram_range=(1, 2), token_pattern=r"[a-zA-Z][a-zA-Z']+"
    )
    try:
        counts = vectorizer.fit_transform(joined)
    except ValueError:  # only stop words
        return [[] for _ in joined]
    terms = vectorizer.get_feature_names_out()
    tf = normalize(counts.astype(np.float64), norm="l1")
    frequency = np.asarray(counts.sum(axis=0)).ravel()
    average = counts.sum() / max(len(joined), 1)
    weights = tf.multiply(np.log1p(average / np.maximum(frequency, 1))).toarray()
    out = []
    for row in weights:
        order = np.lexsort((terms, -row))  # ties broken alphabetically: deterministic
        out.append([str(terms[i]) for i in order[:top] if row[i] > 0])
    return out


def discover(
    ids: Sequence[str], texts: Sequence[str], *, max_clusters: int = MAX_CLUSTERS
) -> list[Candidate]:
    """Cluster notes (already sorted by id for determinism) into candidate themes."""
    ids = list(ids)[:MAX_NOTES]
    texts = list(texts)[:MAX_NOTES]
    if len(texts) < 2 * MIN_SIZE:
        return []
    vectorizer = CountVectorizer(
        stop_words="english", ngram_range=(1, 2), min_df=2, token_pattern=r"[a-zA-Z][a-zA-Z']+"
    )
    try:
        counts = vectorizer.fit_transform(texts)
    except ValueError:
        return []
    features = normalize(TfidfTransformer(sublinear_tf=True).fit_transform(counts))
    keep = np.asarray(features.sum(axis=1)).ravel() > 0
    if keep.sum() < 2 * MIN_SIZE:
        return []
    rows = np.flatnonzero(keep)
    matrix = features[rows]
    k = int(max(2, min(max_clusters, len(rows) // 10)))
    model = KMeans(n_clusters=k, n_init=4, random_state=0).fit(matrix)
    labels = model.labels_
    groups = [np.flatnonzero(labels == c) for c in range(k)]
    terms = distinctive_terms([[texts[rows[i]] for i in group] for group in groups])
    candidates = []
    for c, group in enumerate(groups):
        if len(group) < MIN_SIZE or not terms[c]:
            continue
        centre = model.cluster_centers_[c]
        closeness = np.asarray(matrix[group] @ centre).ravel()
        order = group[np.lexsort((group, -closeness))]
        candidates.append(
            Candidate(
                label=" / ".join(terms[c][:3]),
                keywords=tuple(terms[c]),
                size=len(group),
                example_ids=tuple(ids[rows[i]] for i in order[:EXAMPLES_KEPT]),
            )
        )
    candidates.sort(key=lambda cand: (-cand.size, cand.label))
    return candidates


def store_candidates(session: Session, candidates: Sequence[Candidate]) -> int:
    """Replace the open candidates with ``candidates`` (promoted ones are kept)."""
    session.execute(delete(ThemeCandidate).where(ThemeCandidate.status == "open"))
    for cand in candidates:
        session.add(
            ThemeCandidate(
                label=cand.label,
                keywords=";".join(cand.keywords),
                size=cand.size,
                example_ids=";".join(cand.example_ids),
                status="open",
                created_at=utcnow(),
            )
        )
    return len(candidates)


def list_candidates(engine: Engine) -> list[ThemeCandidate]:
    """Open candidates, biggest first."""
    with transaction(engine) as session:
        return list(
            session.scalars(
                select(ThemeCandidate)
                .where(ThemeCandidate.status == "open")
                .order_by(ThemeCandidate.size.desc(), ThemeCandidate.candidate_id)
            )
        )


def promote_candidate(
    engine: Engine, candidate_id: int, name: str, description: str, actor: str
) -> int:
    """Add a candidate to the codebook (origin "discovered"); returns the new theme_id.

    Its example notes become the theme's first examples, so the next refresh
    assigns similar notes to it.
    """
    clean = name.strip()
    if not clean:
        raise ValueError("a theme needs a name")
    with transaction(engine) as session:
        cand = session.get(ThemeCandidate, candidate_id)
        if cand is None or cand.status != "open":
            raise LookupError(f"no open candidate {candidate_id}")
        if (
            session.scalars(select(Theme).where(Theme.name_key == theme_name_key(clean))).first()
            is not None
        ):
            raise ValueError(f"a theme named {clean!r} already exists")
        ids = [i for i in cand.example_ids.split(";") if i]
        # Never copy a private note into the codebook (candidates made before
        # discovery skipped private notes may still list one).
        texts = session.scalars(
            select(Feedback.text)
            .where(Feedback.feedback_id.in_(ids), Feedback.visibility != "private")
            .order_by(Feedback.feedback_id)
        ).all()
        theme = Theme(
            name=clean,
            description=description.strip(),
            examples="\n".join(t.replace("\n", " ").strip() for t in texts),
            keywords=cand.keywords,
            origin="discovered",
            active=True,
            updated_at=utcnow(),
            version=1,
        )
        session.add(theme)
        session.flush()
        cand.status = "promoted"
        cand.promoted_theme_id = theme.theme_id
        audit.record(
            session,
            actor=actor,
            action="promote_candidate",
            entity="theme",
            entity_id=str(theme.theme_id),
            before={"candidate_id": candidate_id, "label": cand.label},
            after={"name": clean, "description": theme.description, "examples": len(texts)},
        )
        return theme.theme_id
