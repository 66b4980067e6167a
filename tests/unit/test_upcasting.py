"""Old event shapes are read through upcasters, never rewritten (docs/versioning.md).

The fixture is a `CaseworkerReassigned` as stored before schema version 2 gave
reassignments a reason.
"""

from __future__ import annotations

from pathlib import Path

from domain.events import SCHEMA_VERSIONS, CaseworkerReassigned, parse_event
from domain.evolution import fold
from domain.records import EventRecord
from tests.scenarios import SUPERVISOR, Scenario

OLD = EventRecord.model_validate_json(
    (Path(__file__).parent / "fixtures" / "caseworker_reassigned_v1.json").read_text()
)


def test_a_version_1_reassignment_reads_as_the_current_shape_without_a_reason() -> None:
    assert OLD.schema_version == 1 < SCHEMA_VERSIONS["CaseworkerReassigned"]
    event = parse_event(OLD.type, OLD.schema_version, OLD.data)
    assert event == CaseworkerReassigned(
        caseworker_id="luca", previous_caseworker_id="anna", reason=None
    )
    assert OLD.data == {"caseworker_id": "luca", "previous_caseworker_id": "anna"}, "unchanged"


def test_a_stream_mixing_old_and_new_shapes_folds() -> None:
    s = Scenario().opened()
    old = OLD.model_copy(update={"version": 2, "stream_id": s.records[0].stream_id})
    assert fold([*s.records, old]).caseworker_id == "luca"


def test_new_reassignments_are_recorded_at_version_2_with_their_reason() -> None:
    s = Scenario().opened()
    s.given(
        {"type": "reassign_caseworker", "caseworker_id": "luca", "reason": "Anna on leave"},
        SUPERVISOR,
    )
    record = s.records[-1]
    assert (record.type, record.schema_version) == ("CaseworkerReassigned", 2)
    assert record.data["reason"] == "Anna on leave"
