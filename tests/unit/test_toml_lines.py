"""The line locator: every key of a valid TOML document, found on the line that writes it."""

from __future__ import annotations

import tomllib
from importlib import resources
from typing import Any

from infra.toml_lines import KeyPath, key_lines, line_of

TRICKY = '''\
# [not.a.table] in a comment, nor is key = "value"
title = "x" # trailing comment with [brackets]
notes = """
[revisions]
fake = "inside a multi-line string"
"""
literal = \'\'\'
also = [not, parsed]\'\'\'
"quoted.key" = 1
dotted . inner = 2
when = 1979-05-27 07:32:00Z
list = [
  "a", # a comment in an array
  [1, 2],
  { x = 1, y = "}" },
]
ending = """two quotes end it"""""

[[revisions]]
effective_from = 2026-01-01

[revisions.deadlines]
baseline = "7 days"

[[revisions.ladder]]
step = "a"

[[revisions.ladder]]
step = "b"

[[revisions]]
effective_from = 2026-07-01
ladder = [
  { step = "c", offset = "0s" },
  { step = "d" },
]
'''


def leaves(value: Any, path: KeyPath = ()) -> list[KeyPath]:
    """Every path of a parsed document: tables and arrays, and what they hold."""
    found = [path] if path else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += leaves(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += leaves(item, (*path, index))
    return found


def test_paths_of_a_tricky_document_map_to_their_lines() -> None:
    lines = key_lines(TRICKY)
    expected = {
        ("title",): 2,
        ("notes",): 3,
        ("literal",): 7,
        ("quoted.key",): 9,
        ("dotted", "inner"): 10,
        ("when",): 11,
        ("list",): 12,
        ("list", 0): 13,
        ("list", 1): 14,
        ("list", 2): 15,
        ("list", 2, "y"): 15,
        ("ending",): 17,
        ("revisions",): 19,
        ("revisions", 0): 19,
        ("revisions", 0, "effective_from"): 20,
        ("revisions", 0, "deadlines"): 22,
        ("revisions", 0, "deadlines", "baseline"): 23,
        ("revisions", 0, "ladder"): 25,
        ("revisions", 0, "ladder", 1): 28,
        ("revisions", 0, "ladder", 1, "step"): 29,
        ("revisions", 1): 31,
        ("revisions", 1, "effective_from"): 32,
        ("revisions", 1, "ladder", 0, "offset"): 34,
        ("revisions", 1, "ladder", 1, "step"): 35,
    }
    assert {path: lines.get(path) for path in expected} == expected
    assert ("revisions", 0, "fake") not in lines and ("also",) not in lines


def test_every_path_of_a_document_is_found() -> None:
    shipped = resources.files("infra").joinpath("policies").joinpath("default.toml")
    for text in (TRICKY, shipped.read_text(encoding="utf-8")):
        lines = key_lines(text)
        missing = [p for p in leaves(tomllib.loads(text)) if line_of(lines, p) is None]
        assert missing == []
        for path, line in lines.items():
            if isinstance(path[-1], str):  # a key: its name is on its line
                assert path[-1].split(".")[-1] in text.splitlines()[line - 1], (path, line)


def test_a_path_not_written_down_points_at_its_nearest_written_parent() -> None:
    lines = key_lines(TRICKY)
    assert line_of(lines, ("revisions", 1, "deadlines", "baseline")) == 31
    assert line_of(lines, ("revisions", 0, "ladder", 0, "notify")) == 25
    assert line_of(lines, ("nothing", "here")) is None
