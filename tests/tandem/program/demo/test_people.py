"""Names: many cultures, Unicode kept, e-mails ASCII and unique, mostly unique at scale."""

from __future__ import annotations

import numpy as np

from tandem.program.demo.people import CULTURES, GEOGRAPHIES, ascii_fold, compose_names


def test_ascii_fold_keeps_letters_and_drops_marks() -> None:
    assert ascii_fold("Zoë Ångström") == "Zoe Angstrom"
    assert ascii_fold("Nguyễn Thị Hoa") == "Nguyen Thi Hoa"
    assert ascii_fold("Łukasz Dąbrowski") == "Lukasz Dabrowski"
    assert ascii_fold("Søren Weiß") == "Soren Weiss"
    assert ascii_fold("Đặng") == "Dang"


def test_names_are_diverse_and_emails_unique_at_scale() -> None:
    rng = np.random.default_rng(3)
    geography = rng.integers(0, len(GEOGRAPHIES), 20_000)
    names, firsts, emails = compose_names(rng, geography)
    assert len(set(emails)) == len(emails)
    assert all(e.isascii() and e.count("@") == 1 for e in emails)
    assert len(set(names)) >= 0.97 * len(names)
    assert sum(not n.isascii() for n in names) > 0.15 * len(names)
    assert any(any("\u4e00" <= ch <= "\u9fff" for ch in n) for n in names)  # CJK script
    assert any("'" in n for n in names)  # O'Neill, O'Brien
    assert all(f and f in n for f, n in zip(firsts, names, strict=True))


def test_same_draws_give_the_same_names() -> None:
    geography = np.arange(500) % len(GEOGRAPHIES)
    first = compose_names(np.random.default_rng(5), geography)
    second = compose_names(np.random.default_rng(5), geography)
    assert first == second
    assert len(CULTURES) >= 12
