"""The dashboard's dump is named by a key of everything its data depends on."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.dashboard_dump import cache_dir, dump_key, dump_path
from bench.indicator_data import cached_dump

STATEMENTS = ("INSERT INTO events SELECT 1", "INSERT INTO indicator_facts SELECT 2")
PARAMETERS = {"pathways": 200, "per": 20, "facts": ["a", "b"]}
MIGRATIONS = ["0001_event_store\nCREATE TABLE events ()"]


def test_the_same_generator_gives_the_same_key() -> None:
    key = dump_key(STATEMENTS, PARAMETERS, MIGRATIONS)
    assert key == dump_key(STATEMENTS, dict(reversed(PARAMETERS.items())), MIGRATIONS)
    assert len(key) == 16 and int(key, 16) >= 0


@pytest.mark.parametrize(
    ("statements", "parameters", "migrations"),
    [
        ((STATEMENTS[0], STATEMENTS[1] + " WHERE true"), PARAMETERS, MIGRATIONS),
        (STATEMENTS, {**PARAMETERS, "pathways": 100_000}, MIGRATIONS),
        (STATEMENTS, {**PARAMETERS, "facts": ["a", "b", "c"]}, MIGRATIONS),
        (STATEMENTS, PARAMETERS, [*MIGRATIONS, "0002_more\nALTER TABLE events"]),
    ],
)
def test_a_change_to_the_generator_or_the_schema_changes_the_key(
    statements: tuple[str, ...], parameters: dict[str, object], migrations: list[str]
) -> None:
    assert dump_key(statements, parameters, migrations) != dump_key(
        STATEMENTS, PARAMETERS, MIGRATIONS
    )


def test_the_dump_is_named_by_size_and_key_under_the_cache_directory(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert dump_path(tmp_path, 100_000, 20, "0123456789abcdef") == (
        tmp_path / "indicators-100000x20-0123456789abcdef.dump"
    )
    monkeypatch.delenv("PATHWAYS_BENCH_CACHE", raising=False)
    assert cache_dir() == Path.home() / ".cache" / "pathways-bench"
    monkeypatch.setenv("PATHWAYS_BENCH_CACHE", str(tmp_path))
    assert cache_dir() == tmp_path
    assert cached_dump(200, 20).parent == tmp_path
    assert cached_dump(200, 20) != cached_dump(100_000, 20)
    assert cached_dump(200, 20) == cached_dump(200, 20)


def test_generate_only_leaves_a_cached_dump_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The dump is keyed by its generator, so one already cached is the one it would make:
    `--generate-only` says where it is instead of spending minutes making it again."""
    from bench import indicators_scale

    cached = tmp_path / "indicators.dump"
    cached.write_bytes(b"dump")
    monkeypatch.setattr(indicators_scale, "cached_dump", lambda pathways, per: cached)

    async def never(*args: object) -> None:
        raise AssertionError("generated again")

    monkeypatch.setattr(indicators_scale, "generate_dump", never)
    monkeypatch.setattr("sys.argv", ["indicators_scale", "--pathways", "50", "--generate-only"])
    indicators_scale.main()
    assert f'"dump": "{cached}"' in capsys.readouterr().out
    assert cached.read_bytes() == b"dump"


async def test_ensure_dump_makes_a_missing_dump_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`bench.indicator_part.ensure_dump`, what a full run calls first: it makes the dump
    when there is none, and finds it the second time."""
    from bench.indicator_part import ensure_dump

    monkeypatch.setenv("PATHWAYS_BENCH_CACHE", str(tmp_path))
    made = await ensure_dump(40)
    assert "error" not in made, made
    assert Path(made["dump"]).exists() and made["generation_s"] is not None
    again = await ensure_dump(40)
    assert again["dump"] == made["dump"] and again["generation_s"] is None
