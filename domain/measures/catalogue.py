"""Finds the measures: every module of this package with a `SPEC`, and the kinds they name.

Adding a measure is writing its module (docs/adding-a-measure.md): nothing lists the
modules by hand. A module here is either shared (`SHARED_MODULES`) or a measure, and a
measure without a `SPEC`, or whose `SPEC` misses a part, fails the import with its name.
The catalogue, the unions of the models and `MeasureKind` are derived from `SPECS`.
"""

from __future__ import annotations

import importlib
import pkgutil
from enum import StrEnum
from typing import TYPE_CHECKING

from domain.measures.spec import MeasureSpec
from domain.values import WorkPackage

SHARED_MODULES = frozenset({"base", "catalogue", "spec", "state", "unions"})
"""The modules of domain/measures/ that are not a measure."""


def measure_modules() -> list[str]:
    """The names of the measure modules of this package, without the shared ones."""
    found = pkgutil.iter_modules(importlib.import_module(__package__).__path__)
    return sorted(m.name for m in found if m.name not in SHARED_MODULES and not m.ispkg)


def _spec_of(name: str) -> MeasureSpec:
    try:
        module = importlib.import_module(f"{__package__}.{name}")
    except Exception as e:
        e.add_note(f"in the measure module domain/measures/{name}.py")
        raise
    spec = getattr(module, "SPEC", None)
    if not isinstance(spec, MeasureSpec):
        raise TypeError(
            f"domain/measures/{name}.py declares no SPEC: a measure module fills in a "
            "MeasureSpec (docs/adding-a-measure.md), a shared one is in SHARED_MODULES"
        )
    return spec


def _listed(spec: MeasureSpec) -> tuple[int, str]:
    return list(WorkPackage).index(spec.work_package), spec.kind


SPECS: tuple[MeasureSpec, ...] = tuple(sorted(map(_spec_of, measure_modules()), key=_listed))
"""Every measure's spec, by work package of the seed and then by kind: the order in which
forms and reports list them."""

if TYPE_CHECKING:

    class MeasureKind(StrEnum):
        """A kind of measure: one per module with a `SPEC` (members are made at import)."""

else:
    MeasureKind = StrEnum(
        "MeasureKind", [(spec.kind.upper(), spec.kind) for spec in SPECS], module=__name__
    )
