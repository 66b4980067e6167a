"""What a recorded run's history holds, for tests that prove which shape a run has."""

from __future__ import annotations

from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHistory

PATCH_MARKER = "core_patch"
CHANGE_VERSION = "TemporalChangeVersion"
"""The search attribute the SDK upserts beside each patch marker: the patches a run took."""


def patch_events(run: WorkflowHistory) -> tuple[int, int]:
    """(patch markers, upserts of the SDK's change version) in one run's history."""
    markers = sum(
        1
        for e in run.events
        if e.event_type == EventType.EVENT_TYPE_MARKER_RECORDED
        and e.marker_recorded_event_attributes.marker_name == PATCH_MARKER
    )
    upserts = sum(
        1
        for e in run.events
        if e.event_type == EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES
        and CHANGE_VERSION
        in e.upsert_workflow_search_attributes_event_attributes.search_attributes.indexed_fields
    )
    return markers, upserts
