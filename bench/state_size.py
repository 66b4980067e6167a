"""How a pathway's state grows with its events: the whole state, and its measures' progress.

Issue 25 saw `MeasureState.progress` at 60 KB after 1,600 events. The state is what the
workflow carries across continue-as-new and what an as-of snapshot stores, so its size is
what they cost. The pathway is the bench's long one (`bench.reads`: the command mix, one
command a minute), decided and folded in memory; at every `--step` events the JSON size of
the state, of the largest measure's progress and of all progress together, as JSON.

    python -m bench.state_size --events 1600 --step 200
"""

from __future__ import annotations

import argparse
import json
from datetime import datetime, timedelta
from typing import Any

from bench import mix
from bench.reads import LONG_PATHWAY
from domain.decider import decide
from domain.evolution import fold
from domain.state import PathwayState
from domain.stream import record_events, stream_id_for


def sizes(events: int, step: int) -> list[dict[str, Any]]:
    """The state's sizes at every `step` events up to `events`."""
    stream_id = stream_id_for(LONG_PATHWAY)
    commands = iter([mix.opening(LONG_PATHWAY), *mix.preparation(LONG_PATHWAY)])
    stream = mix.mixed(LONG_PATHWAY, seed=7)
    state, now = PathwayState(), datetime.now().astimezone() - timedelta(minutes=events + 10)
    rows: list[dict[str, Any]] = []
    mark = step
    while state.version < events:
        envelope = next(commands, None) or next(stream)
        now += timedelta(minutes=1)
        batch = record_events(stream_id, state.version, envelope, decide(state, envelope, now), now)
        state = fold(batch, state)
        if state.version >= mark:
            mark += step
            progress = [
                (len(m.progress), len(_compact([p.model_dump(mode="json") for p in m.progress])))
                for m in state.measures.values()
            ]
            entries, largest = max(progress, default=(0, 0), key=lambda p: p[1])
            rows.append(
                {
                    "events": state.version,
                    "state_bytes": len(state.model_dump_json()),
                    "progress_bytes_all_measures": sum(size for _, size in progress),
                    "largest_progress_bytes": largest,
                    "largest_progress_entries": entries,
                    "measures": len(state.measures),
                }
            )
    return rows


def _compact(value: Any) -> str:
    """JSON as `model_dump_json` writes it (no spaces), so the sizes add up."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="The state's size against its events.")
    parser.add_argument("--events", type=int, default=1600)
    parser.add_argument("--step", type=int, default=200)
    args = parser.parse_args(argv)
    print(json.dumps(sizes(args.events, args.step), indent=2))


if __name__ == "__main__":
    main()
