"""Competency lists: ';'-separated, compared ignoring case and spacing."""

from __future__ import annotations

from tandem.program.competencies import normalised, overlap, parse_list


def test_parse_list_trims_and_drops_empty_items_keeping_order() -> None:
    assert parse_list(" Strategy ;; hiring ; ") == ["Strategy", "hiring"]
    assert parse_list(None) == [] and parse_list("") == []


def test_overlap_is_in_wanted_order_and_spelling_ignoring_case_and_spaces() -> None:
    assert normalised(["Data  Literacy", "AI"]) == {"data literacy", "ai"}
    offered = "data literacy; Stakeholder  influence"
    wanted = "Negotiation; Stakeholder Influence; Data Literacy"
    assert overlap(offered, wanted) == ["Stakeholder Influence", "Data Literacy"]
    assert overlap(None, wanted) == [] and overlap(offered, None) == []
