"""Redaction of people's names and e-mail addresses: the one mechanism.

``NameIndex.from_names(full_names)`` prepares the people of a program once;
``redact(text, index)`` replaces their names in a note with "[name]" and every
e-mail address with "[email]" (a run like "[name] [name]" becomes one).  Only a
``NameIndex`` is accepted: a raw set or list of names is a ``TypeError``, so a
caller can never hand over names that nothing was prepared from.

What counts as a name.  Each word of each full name, as written in notes:
the full name, the first name, the surname, each part of a hyphenated or
apostrophe name ("Álvarez-Núñez", "Núñez", "O'Connor", "Connor") and the
parts written together ("Doyun"), with or without diacritics ("Zoe" for
"Zoë"), possessives included ("Priya's", "Priya’s"), and Chinese names in
their characters (the whole name, the one-character surname and the given
name).  Single letters (middle initials) are not names; an initial between
two name words ("Marcus T. Bell") goes with them.

Names that are also words.  A name word that is an ordinary English word
("will", "grace", "long", "may", "do") — one that appears in lower case in a
dictionary (english-words' Webster's list) *and* is used as a common word
often enough (pyspellchecker's counts of non-proper-noun uses in subtitles,
at least ``ORDINARY_MIN_COUNT``) — is judged by where it stands:

- in lower case (or in capitals inside mixed-case text: an acronym or
  emphasis) it is the word: "we will", "what to do", "with grace" — except in
  a note written all in lower case, where it is a name when followed by what
  follows a person ("grace cancelled twice");
- capitalised inside a sentence it is a name ("I owe Will a coffee"), unless
  it is a month in a date ("since June", "by mid-May");
- capitalised at the start of a sentence (or a line, a bullet, after a colon)
  it is a name when the context says so: another part of a name next to it
  ("Grace Okafor"), a possessive ("Grace's"), a courtesy title before it, or a
  finite verb after it ("Will moved", "Long asked", "Grace is", "Hope
  role-played", "Mark sends" — but not "Long sessions don't", a plural
  subject), "and I" after it ("Joy and I"), "to" in a bullet or numbered item
  ("- May to send the list"), or a comma, colon or "!" right after it ("Will,
  thanks", "Grace: great session"; a month before a colon is a heading);
  otherwise it is the word ("Will see how it goes", "Long story short", "Mark
  the date", "Do we need…").

A note written all in capitals, and text whose case was lost on the way
(``case_lost=True``: theme keywords and labels), lose every name word.

The word lists that context reads are data (``redaction_words.toml``); the
rules were chosen by measuring them on a labelled set (bench/redaction/).
"""

from __future__ import annotations

import functools
import itertools
import re
import tomllib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, select
from sqlalchemy.orm import Session

from tandem.program.db import connected
from tandem.program.models import Person

NAME_TOKEN = "[name]"
EMAIL_TOKEN = "[email]"

#: A name word is an "ordinary word" when pyspellchecker counted at least this
#: many non-proper-noun uses of it (and the dictionary lists it in lower case).
#: Chosen on bench/redaction/ (see RESULTS.md).
ORDINARY_MIN_COUNT = 3000
MIN_NAME_LENGTH = 2
WORDS_FILE = Path(__file__).with_name("redaction_words.toml")

_EMAIL = re.compile(r"[\w.+'’-]+@[\w-]+(?:\.[\w-]+)+")
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_SEPARATORS = re.compile(r"['’-]")
_POSSESSIVE = re.compile(r"^(.+?)['’]s$", re.IGNORECASE)
# Han ideographs (with compatibility forms): Chinese names are written without
# spaces, so they are found inside runs of characters, not as words.
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_INITIAL_GAP = re.compile(r"\s+[A-Z]\.\s+")
_RUNS = re.compile(r"\[name\](?:(?:[ \t]+|-)\[name\])+")
_NUMBERED = re.compile(r"\d{1,3}[.)]")
_OPENERS = "\"'“‘([{«"
_BULLETS = "-*•–—>"
_FOLD = str.maketrans(
    {"ø": "o", "đ": "d", "ł": "l", "ß": "ss", "æ": "ae", "œ": "oe", "ı": "i", "þ": "th"}
)
# How German and Nordic names are spelt without their letters ("Mueller", "Soeren").
_TRANSLITERATE = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ø": "oe", "å": "aa"})


def fold(word: str) -> str:
    """``word`` compared as written in notes: lower case, diacritics removed ('Zoë' → 'zoe')."""
    decomposed = unicodedata.normalize("NFKD", word.casefold().translate(_FOLD))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@dataclass(frozen=True)
class _Context:
    function_words: frozenset[str]
    finite_verbs: frozenset[str]
    plural_verbs: frozenset[str]
    and_people: frozenset[str]
    months: frozenset[str]
    date_words: frozenset[str]
    titles: frozenset[str]


@functools.lru_cache(maxsize=1)
def _context() -> _Context:
    data = tomllib.loads(WORDS_FILE.read_text(encoding="utf-8"))
    return _Context(**{key: frozenset(map(fold, data[key])) for key in _Context.__annotations__})


@functools.lru_cache(maxsize=4)
def ordinary_words(min_count: int = ORDINARY_MIN_COUNT) -> frozenset[str]:
    """Lower-case English words in common use (loaded once, from the two packages' data)."""
    from english_words import get_english_words_set
    from spellchecker import SpellChecker

    dictionary = get_english_words_set(["web2"], lower=False)
    counts = SpellChecker(language="en", distance=1).word_frequency
    common = {word for word, count in counts.items() if count >= min_count}
    return frozenset((common & dictionary) | _context().function_words)


@dataclass(frozen=True)
class NameIndex:
    """The name words of a set of people, prepared for ``redact``.

    ``names`` are words never used otherwise (redacted in any case and
    position), ``ambiguous`` those that are also ordinary English words (judged
    by context), ``han`` Chinese names and their parts in characters.  All
    but ``han`` are folded (see ``fold``).
    """

    names: frozenset[str]
    ambiguous: frozenset[str]
    han: frozenset[str]
    people: int
    #: Folded neighbouring words of one name, both ways round ("grace okafor",
    #: "okafor grace"): two ordinary words side by side that make a name.
    pairs: frozenset[str] = frozenset()

    @classmethod
    def from_names(
        cls, full_names: Iterable[str], *, min_count: int = ORDINARY_MIN_COUNT
    ) -> NameIndex:
        """Prepare the full names of people (as in the people table); empty ones are skipped."""
        if isinstance(full_names, str):
            raise TypeError("from_names takes an iterable of full names, not one string")
        unique = {name for name in full_names if name}
        # Work on the few thousand distinct parts, not the 70,000 names: a regex
        # call per name cost seconds on the Quotes view.
        split = [name.split() for name in unique]
        parts = {part for name in split for part in name}
        tokens = {part: [(t, fold(t)) for t in _WORD.findall(part)] for part in parts}
        words: set[str] = set()
        han: set[str] = set()
        for token, plain in {pair for found in tokens.values() for pair in found}:
            if _HAN.fullmatch(token):
                han.update(_han_parts(token))
                continue
            spellings = {plain}
            if not token.isascii():
                spellings.add(fold(token.casefold().translate(_TRANSLITERATE)))
            for spelling in spellings:
                words.add(spelling)
                if _SEPARATORS.search(spelling):
                    words.update(_SEPARATORS.split(spelling))
                    words.add(_SEPARATORS.sub("", spelling))
        words = {word for word in words if len(word) >= MIN_NAME_LENGTH}
        # A month is an ordinary word too, though not in lower case ("since June").
        ordinary = ordinary_words(min_count) | _context().months
        ambiguous = frozenset(word for word in words if word in ordinary)
        # Neighbouring words of one name where one is also an ordinary word.
        marked = {part for part, found in tokens.items() if any(f in ambiguous for _t, f in found)}
        pairs: set[str] = set()
        for name in split:
            if len(name) > 1 and not marked.isdisjoint(name):
                folded = [f for part in name for _t, f in tokens[part]]
                for a, b in itertools.pairwise(folded):
                    if a in ambiguous or b in ambiguous:
                        pairs.update((f"{a} {b}", f"{b} {a}"))
        return cls(
            names=frozenset(words - ambiguous),
            ambiguous=ambiguous,
            han=frozenset(han),
            people=len(unique),
            pairs=frozenset(pairs),
        )

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str):
            return False
        folded = fold(word)
        return folded in self.names or folded in self.ambiguous or word in self.han


def _han_parts(token: str) -> set[str]:
    """A Chinese name and, for two to four characters, its surname and given name."""
    parts = {token}
    if 2 <= len(token) <= 4:
        parts.update({token[0], token[1:]})
    return parts


@functools.lru_cache(maxsize=8)
def _cached_index(names: frozenset[str]) -> NameIndex:
    return NameIndex.from_names(names)


def name_index(full_names: Iterable[str]) -> NameIndex:
    """``NameIndex.from_names``, cached on the set of names (the same people: no rebuild)."""
    return _cached_index(frozenset(name for name in full_names if name))


def people_index(bind: Engine | Connection | Session) -> NameIndex:
    """The index of everyone in the program's people table (cached while they are the same)."""
    statement = select(Person.name)
    with connected(bind) as connection:
        return name_index(connection.execute(statement).scalars())


def redact(text: str, index: NameIndex, *, case_lost: bool = False) -> str:
    """``text`` with e-mail addresses and the names of ``index``'s people replaced.

    ``case_lost``: the text was lower-cased on its way here (theme keywords and
    the labels made from them), so case says nothing and every name word is
    taken, ordinary or not.  Pure function; ``index`` must be a ``NameIndex``
    (``TypeError`` otherwise).
    """
    if not isinstance(index, NameIndex):
        kind = type(index).__name__
        raise TypeError(f"redact needs a NameIndex (NameIndex.from_names(names)), not {kind}")
    if not text:
        return text
    spans = name_spans(text, index, case_lost=case_lost)
    out: list[str] = []
    last = 0
    for start, end, token in spans:
        out.append(text[last:start])
        out.append(token)
        last = end
    out.append(text[last:])
    return _RUNS.sub(NAME_TOKEN, "".join(out))


def name_spans(
    text: str, index: NameIndex, *, case_lost: bool = False
) -> list[tuple[int, int, str]]:
    """The ``(start, end, replacement)`` of every e-mail address and name in ``text``, in order."""
    if not isinstance(index, NameIndex):
        raise TypeError(f"name_spans needs a NameIndex, not {type(index).__name__}")
    spans: list[tuple[int, int, str]] = []
    emails = [(m.start(), m.end()) for m in _EMAIL.finditer(text)]
    spans.extend((start, end, EMAIL_TOKEN) for start, end in emails)
    words = [m for m in _WORD.finditer(text) if not _inside(m.start(), emails)]
    reader = _Reader(text, words, index, case_lost=case_lost)
    for position in range(len(words)):
        spans.extend(reader.judge(position))
    spans.sort()
    return _with_initials(text, spans)


def _inside(position: int, ranges: list[tuple[int, int]]) -> bool:
    return any(start <= position < end for start, end in ranges)


def _with_initials(text: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Join "Marcus T. Bell": an initial between two names is part of the name."""
    merged: list[tuple[int, int, str]] = []
    for span in spans:
        if (
            merged
            and merged[-1][2] == NAME_TOKEN == span[2]
            and _INITIAL_GAP.fullmatch(text[merged[-1][1] : span[0]])
        ):
            merged[-1] = (merged[-1][0], span[1], NAME_TOKEN)
        else:
            merged.append(span)
    return merged


class _Reader:
    """Reads the words of one text, judging each against the index in its context."""

    def __init__(
        self, text: str, words: list[re.Match[str]], index: NameIndex, *, case_lost: bool
    ) -> None:
        self.text = text
        self.words = words
        self.index = index
        self.context = _context()
        self.lower_case = not any(ch.isupper() for ch in text)
        # A note in capitals says nothing by case: every name word is taken.
        self.case_lost = case_lost or not any(ch.islower() for ch in text)

    # --- one word ---------------------------------------------------------

    def judge(self, i: int) -> list[tuple[int, int, str]]:
        match = self.words[i]
        token = match.group(0)
        if _HAN.search(token):
            return self._han(match)
        base, possessive = _strip_possessive(token)
        folded = fold(base)
        start = match.start()
        if folded in self.index.names or (
            folded in self.index.ambiguous
            and (self.case_lost or self._is_name(i, base, possessive))
        ):
            return [(start, start + len(base), NAME_TOKEN)]
        if not _SEPARATORS.search(base):
            return []
        joined = _SEPARATORS.sub("", folded)
        if joined in self.index.names:
            return [(start, start + len(base), NAME_TOKEN)]
        # "Priya-led", "Núñez's": name parts inside a compound.  Parts that are
        # also ordinary words stay ("Long-term", "Mark-to-market", "mid-June").
        spans = []
        taken = self.index.names | self.index.ambiguous if self.case_lost else self.index.names
        for part in re.finditer(r"[^'’-]+", base):
            if fold(part.group(0)) in taken:
                spans.append((start + part.start(), start + part.end(), NAME_TOKEN))
        return spans

    def _han(self, match: re.Match[str]) -> list[tuple[int, int, str]]:
        spans = []
        for run in _HAN.finditer(match.group(0)):
            chars, position = run.group(0), 0
            while position < len(chars):
                for length in range(min(4, len(chars) - position), 0, -1):
                    if chars[position : position + length] in self.index.han:
                        begin = match.start() + run.start() + position
                        spans.append((begin, begin + length, NAME_TOKEN))
                        position += length
                        break
                else:
                    position += 1
        return spans

    # --- a name word that is also an ordinary word -------------------------

    def _is_name(self, i: int, word: str, possessive: bool) -> bool:
        folded = fold(word)
        ctx = self.context
        if not _capitalised(word):
            # Lower case is the word ("we will"), except in a note written all in
            # lower case, where a word followed by what follows a person is one
            # ("grace cancelled twice").
            return (
                self.lower_case
                and word.islower()
                and folded not in ctx.function_words
                and (possessive or self._subject(i, bullet=False))
            )
        if self._neighbour_is_name(i):
            return True
        if folded in ctx.function_words:
            return False
        if possessive:
            return True
        previous = self._previous(i)
        if previous is not None and fold(previous) in ctx.titles:
            return True
        if folded in ctx.months and self._is_date(i):
            return False
        start, bullet = self._sentence_start(i)
        if not start:
            return True
        return self._subject(i, bullet) or self._listed(i)

    def _subject(self, i: int, bullet: bool) -> bool:
        """At a sentence start: is the word followed by what follows a person?"""
        ctx = self.context
        end = self.words[i].end()
        stop = self.words[i + 1].start() if i + 1 < len(self.words) else len(self.text)
        gap = self.text[end:stop].strip()
        if gap[:1] in (",", ":", "!", "?") or gap == ".":
            # "Will, thanks for…", "Grace: great session", "Grace!" — addressed or
            # named on their own; but "May: two sessions" is a month.
            return not (gap[:1] == ":" and fold(self.words[i].group(0)) in ctx.months)
        following = self._next(i)
        if following is None:
            return False
        nxt = fold(following)
        if nxt in ctx.finite_verbs:
            return True
        if nxt == "and":
            after = self._next(i + 1)
            return after is not None and (
                fold(after) in ctx.and_people or (_capitalised(after) and after in self.index)
            )
        if nxt == "to":
            return bullet
        if _past(nxt):
            return True
        if _third_person(nxt) and nxt not in ctx.function_words:
            # "Mark sends" (a person) against "Long sessions don't" (a plural noun).
            after = self._next(i + 1)
            if after is None:
                return True
            verb = fold(after)
            return not (verb in ctx.plural_verbs or verb in ctx.finite_verbs or _past(verb))
        return False

    def _listed(self, i: int) -> bool:
        """ "Grace, Will and I met": a list of people at the start of a sentence."""
        if i + 1 >= len(self.words):
            return False
        gap = self.text[self.words[i].end() : self.words[i + 1].start()]
        following = _strip_possessive(self.words[i + 1].group(0))[0]
        return (
            gap.strip() == ","
            and _capitalised(following)
            and following in self.index
            and fold(following) not in self.context.function_words
        )

    def _neighbour_is_name(self, i: int) -> bool:
        """Another capitalised part of a name right next to the word ("Grace Okafor",
        "Jack White", "He Wei")."""
        this = fold(_strip_possessive(self.words[i].group(0))[0])
        for j in (i - 1, i + 1):
            if not 0 <= j < len(self.words) or not self._adjacent(min(i, j)):
                continue
            word = _strip_possessive(self.words[j].group(0))[0]
            if not _capitalised(word):
                continue
            other = fold(word)
            pair = f"{other} {this}" if j < i else f"{this} {other}"
            if other in self.index.names or pair in self.index.pairs:
                return True
        return False

    def _is_date(self, i: int) -> bool:
        """A month in a date: "since June", "by mid-May", "May 2026", "May–June"."""
        ctx = self.context
        match = self.words[i]
        previous = self._previous(i)
        if previous is not None and fold(previous.split("-")[-1]) in ctx.date_words:
            return True
        if previous is not None and fold(previous) in ("to", "and", "or") and self._month_before(i):
            return True  # "from May to June", "between May and June"
        token = match.group(0)
        if "-" in token:
            parts = [fold(part) for part in token.split("-")]
            if all(part in ctx.months or part in ctx.date_words for part in parts):
                return True
        after = self.text[match.end() : match.end() + 12]
        if re.match(r"\s*\d", after) or re.match(r"\s*[–-]\s*[A-Z][a-z]+", after):
            return True
        before = self.text[max(0, match.start() - 12) : match.start()]
        return bool(re.search(r"[A-Z][a-z]+\s*[–-]\s*$", before))

    def _month_before(self, i: int) -> bool:
        """Is there a month in a date earlier in the same sentence?"""
        for j in range(i - 1, -1, -1):
            word = self.words[j].group(0)
            if fold(word) in self.context.months and _capitalised(word) and self._is_date(j):
                return True
            if self._sentence_start(j)[0]:
                return False
        return False

    # --- reading around a word ---------------------------------------------

    def _adjacent(self, i: int) -> bool:
        """Are words ``i`` and ``i + 1`` separated by spaces only?"""
        gap = self.text[self.words[i].end() : self.words[i + 1].start()]
        return gap.isspace() and "\n" not in gap

    def _next(self, i: int) -> str | None:
        if i + 1 < len(self.words) and self._adjacent(i):
            return self.words[i + 1].group(0)
        return None

    def _previous(self, i: int) -> str | None:
        if i > 0:
            gap = self.text[self.words[i - 1].end() : self.words[i].start()]
            if gap.strip() in ("", ".") and "\n" not in gap:
                return self.words[i - 1].group(0)
        return None

    def _sentence_start(self, i: int) -> tuple[bool, bool]:
        """(Does word ``i`` start a sentence, line or list item?  Is it a bullet?)"""
        start = self.words[i - 1].end() if i > 0 else 0
        gap = self.text[start : self.words[i].start()]
        line_start = i == 0 or "\n" in gap
        if line_start:
            head = gap.rsplit("\n", 1)[-1].strip(" \t" + _OPENERS)
            return True, bool(head) and (
                head[0] in _BULLETS or _NUMBERED.fullmatch(head) is not None
            )
        gap = gap.strip(" \t" + _OPENERS)
        return (bool(gap) and gap[-1] in ".!?:;…"), False


def _past(word: str) -> bool:
    """A regular past tense ("moved", "role-played"), not "need" or "speed"."""
    return len(word) > 3 and word.endswith("ed") and not word.endswith("eed")


def _third_person(word: str) -> bool:
    """Looks like a third-person verb ("sends", "delegates"), not "this", "class" or "us"."""
    return len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is"))


def _capitalised(word: str) -> bool:
    return word[:1].isupper() and not (len(word) > 1 and word.isupper())


def _strip_possessive(token: str) -> tuple[str, bool]:
    match = _POSSESSIVE.match(token)
    if match and not _SEPARATORS.search(match.group(1)[-1:]):
        return match.group(1), True
    return token, False
