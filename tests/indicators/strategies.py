"""Random caseloads (hypothesis): a few pathways, each a random walk through real commands."""

from __future__ import annotations

from hypothesis import strategies as st

from tests.indicators.caseloads import Step, opening
from tests.unit.test_properties import HAPPY_PATH, POOL, steps

ORGANISATIONS = ("org-lecce", "org-bari")
GENDERS = ("female", "male")


@st.composite
def pathway_steps(draw: st.DrawFn, pathway_id: str) -> list[Step]:
    """A pathway's commands: opened in an organisation, then the property suite's steps."""
    organisation = draw(st.sampled_from(ORGANISATIONS))
    gender = draw(st.sampled_from(GENDERS))
    walk = draw(steps)
    out: list[Step] = []
    for index, actor, hours in walk:
        command = POOL[index]
        if command["type"] == "open_pathway":
            command = opening(pathway_id, organisation, gender)
        backdated = draw(st.sampled_from((0, 0, 0, 2)))
        out.append((command, actor, hours, backdated))
    if not walk or walk[0][0] != HAPPY_PATH[0][0]:
        first = (opening(pathway_id, organisation, gender), HAPPY_PATH[0][1], 1, 0)
        out.insert(0, first)
    return out


caseloads = st.integers(1, 4).flatmap(
    lambda n: st.tuples(*(pathway_steps(f"p-{i:03d}") for i in range(n)))
)
"""One to four pathways' steps."""
