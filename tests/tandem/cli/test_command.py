"""One subcommand as data (``tandem.cli.command``): its parser, help and the function that
runs it, and the options several commands word alike."""

from __future__ import annotations

import argparse
import datetime as dt

import pytest

from tandem.cli.command import Command, add_json_switch, add_today_option


def _parser(*commands: Command) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tandem")
    subparsers = parser.add_subparsers(dest="command")
    for command in commands:
        command.add_to(subparsers)
    return parser


def test_a_command_adds_its_words_options_and_function() -> None:
    def run(args: argparse.Namespace) -> int:
        return 7 if args.json else 0

    def arguments(parser: argparse.ArgumentParser) -> None:
        add_json_switch(parser)
        add_today_option(parser, "the day to count from")

    parser = _parser(Command("count", "count things", "Count the things.", arguments, run))
    args = parser.parse_args(["count", "--json", "--today", "2026-03-01"])
    assert args.func(args) == 7
    assert args.today == dt.date(2026, 3, 1)
    defaults = parser.parse_args(["count"])
    assert (defaults.json, defaults.today) == (False, None)
    assert "count things" in parser.format_help()


def test_a_group_of_nested_commands_sets_no_function_of_its_own() -> None:
    parser = _parser(Command("users", "manage users", "Who may sign in."))
    assert not hasattr(parser.parse_args(["users"]), "func")


def test_a_bad_date_is_refused_by_the_parser(capsys: pytest.CaptureFixture[str]) -> None:
    parser = _parser(Command("x", "x", "x", lambda p: add_today_option(p, "the day"), lambda a: 0))
    with pytest.raises(SystemExit):
        parser.parse_args(["x", "--today", "yesterday"])
    assert "--today" in capsys.readouterr().err
