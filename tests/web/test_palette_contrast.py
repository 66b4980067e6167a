"""The stylesheet's colours meet WCAG 2.1 AA contrast: 4.5:1 for text, 3:1 for the focus ring.

axe-core (tests/browser/test_accessibility.py) measures the text the pages show; this reads
web/static/pathways.css itself, so a colour that only some state shows (an unread card, a
badge, a pressed button, the focus ring) is checked too, in microseconds.
"""

from __future__ import annotations

import re
from pathlib import Path

from coloraide import Color

CSS = Path(__file__).parents[2] / "web" / "static" / "pathways.css"
TEXT = 4.5
NON_TEXT = 3.0
RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
DECLARATION = re.compile(r"([a-z-]+)\s*:\s*([^;]+)")
VARIABLE = re.compile(r"var\((--[a-z-]+)(?:,\s*([^)]+))?\)")
TEXT_ON = {
    "--ink": ("--paper", "--wash", "--warn-wash", "--danger-wash"),
    "--muted": ("--paper", "--wash", "--warn-wash"),
    "--accent": ("--paper", "--wash", "--warn-wash"),
    "--danger": ("--paper", "--danger-wash"),
    "--paper": ("--ink",),
    "--accent-ink": ("--accent",),
}
"""Text colours and the backgrounds they are drawn on in rules of their own."""


def rules(css: str) -> list[tuple[str, dict[str, str]]]:
    """Each rule's selector and declarations (the innermost blocks; comments dropped)."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    return [
        (selector.strip(), {k: v.strip() for k, v in DECLARATION.findall(block)})
        for selector, block in RULE.findall(css)
    ]


def palette(css: str) -> dict[str, str]:
    return next(decls for selector, decls in rules(css) if selector == ":root")


def colour(value: str, variables: dict[str, str]) -> str | None:
    """The colour a declaration's value names, its variables resolved; None if none."""
    value = VARIABLE.sub(lambda m: variables.get(m[1], m[2] or ""), value)
    found = re.search(r"#[0-9a-fA-F]{3,8}\b", value)
    return found[0] if found else None


def ratio(foreground: str, background: str) -> float:
    return float(Color(foreground).contrast(background, method="wcag21"))


def problems(css: str) -> list[str]:
    """Every pair of colours of the stylesheet below its minimum contrast."""
    variables = palette(css)
    found = [
        f"{text} on {ground}: {ratio(variables[text], variables[ground]):.2f}:1"
        for text, grounds in TEXT_ON.items()
        for ground in grounds
        if ratio(variables[text], variables[ground]) < TEXT
    ]
    for selector, decls in rules(css):
        text = colour(decls.get("color", ""), variables)
        ground = colour(decls.get("background", decls.get("background-color", "")), variables)
        if text and ground and ratio(text, ground) < TEXT:
            found.append(f"{selector}: {text} on {ground}: {ratio(text, ground):.2f}:1")
    # The focus ring is two bands, the --focus outline around an --ink shadow, so that one
    # of them stands out on the light pages and on the dark header alike.
    for ground in ("--paper", "--wash", "--ink"):
        if max(ratio(variables[band], variables[ground]) for band in ("--focus", "--ink")) < 3:
            found.append(f"the focus ring on {ground}")
    if ratio(variables["--focus"], variables["--ink"]) < NON_TEXT:
        found.append("the focus ring's two bands")
    return found


def test_every_colour_pair_of_the_stylesheet_meets_aa() -> None:
    assert problems(CSS.read_text()) == []


def test_the_check_finds_a_pair_below_the_minimum() -> None:
    css = CSS.read_text()
    pale = css.replace("--muted: #4a5260;", "--muted: #9aa2b0;", 1)
    assert any(p.startswith("--muted on --paper") for p in problems(pale)), problems(pale)
    badge = css + "\n.badge.pale { background: #fff0c2; color: #c9a227; }"
    assert [p for p in problems(badge) if p.startswith(".badge.pale")], problems(badge)
    ring = css.replace("--focus: #ffbf47;", "--focus: #2a2f36;", 1)
    assert "the focus ring's two bands" in problems(ring)
