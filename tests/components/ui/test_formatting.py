"""``plain``: untrusted text made inert for every Streamlit element that renders markdown.

What Streamlit does with a markdown string, in two steps: markdown resolves
backslash escapes (CommonMark: a backslash before ASCII punctuation stands
for that character), then plugins rewrite patterns in the resulting *text*:
bare URLs and e-mail addresses become links (GFM autolink literals) and
``:material/…:`` becomes an icon.  The browser test
(tests/browser/test_untrusted_text.py) checks the rendered page itself.
"""

from __future__ import annotations

import re
import string

import pytest

from components.ui.formatting import plain

PAYLOADS = [
    "![x](http://127.0.0.1:9/pixel.png)",
    "[Sign in](http://127.0.0.1:9/phish)",
    "<img src=http://127.0.0.1:9/p.png>",
    '<a href="http://127.0.0.1:9/x">x</a>',
    "<http://127.0.0.1:9/angle>",
    "**bold** __strong__ *it* _it_ ~~gone~~ `code`",
    ":red[alarm] :blue-background[x] :orange-badge[y]",
    ":material/warning: :smile: :+1:",
    "http://127.0.0.1:9/bare https://127.0.0.1:9/s",
    "www.evil.example",
    "evil@evil.example mailto:evil@evil.example",
    "$x^2$ $$y$$",
    "# heading\n\n- item\n1. one\n> quote\n---\n| a | b |",
    "&lt;img&gt; &#58; &amp;",
    "a\\*b\\ c \\\\ back",
    "Zoë Ångström, O'Brien & Co. (Wealth) — 50% · 10:30",
    "",
]
# What CommonMark lets a backslash escape.
_PUNCTUATION = re.escape(string.punctuation)
_WORD_JOINER = "\u2060"


def resolve_escapes(source: str) -> str:
    """The text markdown makes of ``source`` when it holds no syntax but escapes."""
    return re.sub(rf"\\([{_PUNCTUATION}])", r"\1", source)


def live_syntax(source: str) -> list[str]:
    """The markdown-special characters of ``source`` that no backslash escapes."""
    found = []
    escaped = False
    for char in source:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char in "`*_{}[]()<>#+-.!|~$:=&@":
            found.append(char)
    return found


@pytest.mark.parametrize("payload", PAYLOADS)
def test_escaped_text_reads_exactly_as_given(payload: str) -> None:
    assert resolve_escapes(plain(payload)).replace(_WORD_JOINER, "") == payload


@pytest.mark.parametrize("payload", PAYLOADS)
def test_no_markdown_character_is_left_live(payload: str) -> None:
    source = plain(payload)
    assert live_syntax(source) == []
    # A trailing lone backslash would escape whatever the caller writes next.
    assert not re.search(r"(?<!\\)(\\\\)*\\$", source)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_nothing_in_the_text_turns_into_a_link_or_an_icon(payload: str) -> None:
    text = resolve_escapes(plain(payload))  # what the autolink and icon plugins see
    assert not re.search(r"https?://|www\.", text, re.IGNORECASE)
    # An e-mail address (mailto: and xmpp: link only with one after them).
    assert not re.search(r"[\w.+-]+@[\w-]+\.[\w-]", text)
    assert not re.search(r":[\w+-]+(/[\w-]+)?:", text)  # icons and emoji shortcodes


def test_ordinary_text_gets_escapes_only() -> None:
    # Copied or searched on the page, it is the same text: no invisible characters.
    assert plain("Zoë Ångström") == "Zoë Ångström"
    assert plain("Dr. Okafor, 10:30 (EMEA)") == "Dr\\. Okafor, 10\\:30 \\(EMEA\\)"
    assert plain(42) == "42"
    assert plain(None) == "None"


@pytest.mark.parametrize(
    ("text", "joined"),
    [
        ("http://x", "http:\u2060//x"),
        ("www.x", "www\u2060.x"),
        ("WWW.x", "WWW\u2060.x"),
        ("a@b.example", "a@\u2060b.example"),
        (":material/skull:", ":\u2060material/skull:"),
        (":+1:", ":\u2060+1:"),
    ],
)
def test_a_word_joiner_breaks_each_pattern_where_it_starts(text: str, joined: str) -> None:
    assert resolve_escapes(plain(text)) == joined


def test_dates_read_the_house_way() -> None:
    import datetime as dt

    from components.ui.formatting import date_range_text, date_text

    assert date_text(dt.date(2026, 9, 9)) == "9 Sep 2026"
    assert date_text(None) == "—" and date_text(None, "undated") == "undated"
    assert date_range_text(dt.date(2026, 9, 9), dt.date(2026, 12, 8)) == "9 Sep – 8 Dec 2026"
    assert date_range_text(dt.date(2025, 12, 1), dt.date(2026, 2, 28)) == (
        "1 Dec 2025 – 28 Feb 2026"
    )
