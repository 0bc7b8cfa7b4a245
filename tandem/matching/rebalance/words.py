"""A suggestion in words a lead can read aloud: who moves from whom to whom, and why.

Pure functions over the plan's data; names come from the caller (``name``), so
a screen shows real names or pseudonyms (presenter mode) and the core never
decides which.  Numbers compared in a sentence are printed with as many
decimals as it takes for the comparison to read true ("44.9 is below 45",
never "45 is below 45"), on the 0–100 scale a person reads match scores on.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from tandem.matching.rebalance.model import RebalancePlan, RotationSuggestion, Suggestion
from tandem.program.words import plural

Name = Callable[[str], str]

#: A match score is stored and solved on 0–1 (the CLI's --json too); a person reads
#: it on 0–100, like health, whole unless a comparison needs a decimal.
SCORE_SCALE = 100
#: Decimals a match score is shown with (the cards, tables and sentences).
SCORE_DECIMALS = 0
_MAX_DECIMALS = 4  # the plan's values are exact at this many on 0–100 (micro-units on 0–1)


def score_text(value: float) -> str:
    """A match score as a person reads it everywhere: 0–100, whole ("97")."""
    return f"{value * SCORE_SCALE:.{SCORE_DECIMALS}f}"


def scores_text(*values: float) -> tuple[str, ...]:
    """Match scores read side by side (0–100): whole numbers, or as many decimals as it
    takes for scores that differ to print differently ("96.3" and "96.4", not "96" twice)."""
    scaled = [value * SCORE_SCALE for value in values]
    for decimals in range(SCORE_DECIMALS, _MAX_DECIMALS + 1):
        texts = [f"{value:.{decimals}f}" for value in scaled]
        if all(
            (a < b) == (float(x) < float(y))
            for a, x in zip(scaled, texts, strict=True)
            for b, y in zip(scaled, texts, strict=True)
        ):
            return tuple(texts)
    return tuple(f"{value:.{_MAX_DECIMALS}f}" for value in scaled)


def score_change_text(value: float) -> str:
    """A change of match score on the same 0–100 scale, signed ("+12.5", "+5,395.4")."""
    return f"{value * SCORE_SCALE:+,.1f}"


def compared(
    low: float, high: float, *, least: int = SCORE_DECIMALS, line: bool = False
) -> tuple[str, str]:
    """Match scores ``low`` and ``high`` (``low < high``, 0–1) as 0–100 texts that read
    in the same order.

    At least ``least`` decimals, more when fewer would print them equal or
    reversed ("44.9 is below 45", never "45 is below 45"); with ``line``
    (``high`` is a threshold) ``high`` is printed exactly, without trailing zeros ("45.5").
    """
    low, high = low * SCORE_SCALE, high * SCORE_SCALE
    # A threshold is a setting: printed as it is ("45.5"), never rounded to a whole.
    exact = _trim(f"{high:.{_MAX_DECIMALS}f}") if line else None
    for decimals in range(least, _MAX_DECIMALS + 1):
        a, b = f"{low:.{decimals}f}", exact or f"{high:.{decimals}f}"
        if float(a) < float(b):
            return a, b
    return f"{low:.{_MAX_DECIMALS}f}", exact or f"{high:.{_MAX_DECIMALS}f}"


def _trim(text: str) -> str:
    whole, _, decimals = text.partition(".")
    kept = decimals.rstrip("0")
    return f"{whole}.{kept}" if kept else whole


def joined(items: Sequence[str], word: str = "and") -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {word} " + items[-1]


def suggestion_sentence(s: Suggestion, name: Name) -> str:
    """One sentence: who moves from whom to whom, why they may move and why there."""
    mentee, current, suggested = (
        name(s.mentee_id),
        name(s.current_mentor_id),
        name(s.suggested_mentor_id),
    )
    why = joined(s.why_move) or "this pairing may be moved"
    text = f"Move mentee {mentee} from {current} to {suggested}: {why}"
    if s.why_better:
        text += f"; {suggested} {joined(s.why_better[:2])}"
    if s.gain >= 0:
        before, after = compared(s.current_score, s.suggested_score)
        text += f" (match score {before} → {after})."
    else:
        after, before = compared(s.suggested_score, s.current_score)
        text += (
            f". The match score drops from {before} to {after}; the plan accepts that "
            "to fix the problem above."
        )
    return text[0].upper() + text[1:]


def runner_up_sentence(s: Suggestion, name: Name) -> str:
    """Who came next, and — when that mentor scored higher — why the plan did not choose them."""
    if not s.runner_up_mentor_id or s.runner_up_score is None:
        return "No other mentor with a free place passes the rules."
    runner, suggested = name(s.runner_up_mentor_id), name(s.suggested_mentor_id)
    if s.runner_up_score < s.suggested_score:
        runner_text, chosen_text = compared(s.runner_up_score, s.suggested_score)
        return f"{runner} ({runner_text}), the next best after {suggested} ({chosen_text})."
    if s.runner_up_score == s.suggested_score:
        return (
            f"{runner} fits equally well ({score_text(s.runner_up_score)}); either is optimal "
            f"and the plan picked {suggested}."
        )
    chosen, better = compared(s.suggested_score, s.runner_up_score)
    taken = [name(m) for m in s.runner_up_taken_by]
    places = "free place goes" if s.runner_up_slots == 1 else "free places go"
    holders = joined(taken[:3] + ([plural(len(taken) - 3, "other")] if len(taken) > 3 else []))
    because = (
        f"{runner}'s {places} to {holders}, and that gives the program a higher total fit"
        if taken
        else "the best plan for the whole program places this mentee elsewhere"
    )
    return f"{runner} would fit this mentee better ({better} against {chosen}), but {because}."


def levels_from_mentee(gap: int) -> str:
    """A level gap (mentor − mentee) in words: "2 levels below the mentee"."""
    if gap == 0:
        return "at the mentee's level"
    side = "above" if gap > 0 else "below"
    return f"{plural(abs(gap), 'level')} {side} the mentee"


def plan_sentence(plan: RebalancePlan, gains: Sequence[float] | None = None) -> str:
    """What the whole plan does, in words a lead can read aloud: how many of the
    pairings that may move it moves, keeps or cannot place, and what a move gains.

    ``gains``: each move's gain, for a plan read from the store without its
    suggestions (they are read a page at a time); by default ``plan``'s own.
    """
    if not plan.movable:
        return (
            "No pairing needs to move: none is stalled, poorly matched, with an "
            "overloaded mentor or inside a reporting line."
        )
    gains = [s.gain for s in plan.suggestions] if gains is None else list(gains)
    moved = len(gains)
    parts = [f"moves {moved:,} to a better mentor" if moved else "moves none"]
    if plan.stays:
        parts.append(
            f"keeps {plan.stays:,} with their mentor (no move beats staying by the stay bonus)"
        )
    if plan.unresolved:
        parts.append(f"finds no acceptable place for {len(plan.unresolved):,}")
    text = f"Of the {plural(plan.movable, 'pairing')} that may move, the plan {joined(parts)}."
    if moved:
        average = sum(gains) / moved
        text += (
            f" A move changes the match score by {score_change_text(average)} on average "
            "(on its 0–100 scale)."
        )
    return text


def rotation_runner_up(r: RotationSuggestion, name: Name) -> str:
    """The rotation runner-up as a table cell: name and score, and — when it scores higher
    than the next mentor — who gets its free places."""
    if not r.runner_up_mentor_id or r.runner_up_score is None:
        return "—"
    score = scores_text(r.runner_up_score, *([r.score] if r.score is not None else []))[0]
    text = f"{name(r.runner_up_mentor_id)} ({score})"
    if r.score is not None and r.runner_up_score > r.score and r.runner_up_taken_by:
        holders = [name(m) for m in r.runner_up_taken_by]
        shown = holders[:2] + ([plural(len(holders) - 2, "other")] if len(holders) > 2 else [])
        text += f": their free place goes to {joined(shown)}"
    return text


def rotation_sentence(r: RotationSuggestion, name: Name) -> str:
    """Why a waiting mentee gets this next mentor (or none), in one sentence."""
    if not r.suggested_mentor_id or r.score is None:
        return (
            r.reasons[0] if r.reasons else "no suitable mentor has a free place"
        ).capitalize() + "."
    return f"{name(r.suggested_mentor_id)}: " + (joined(r.reasons) or "the best fit left") + "."
