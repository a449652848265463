"""The symbol tables the checks share: source attributes (catalogue + extensions) and targets."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

from syncrules.catalogue.attributes import (
    AttributeDef,
    is_directory_extension,
    source_attributes,
    target_attributes,
)
from syncrules.ir.nodes import Job


@dataclass
class CheckContext:
    job: Job
    sources: dict[str, AttributeDef]
    targets: dict[str, AttributeDef]

    @classmethod
    def for_job(cls, job: Job) -> CheckContext:
        sources = dict(source_attributes())
        for ext in job.extensions:
            for attr in ext.attributes:
                sources.setdefault(
                    attr.full_name,
                    AttributeDef(
                        name=attr.full_name, type=attr.type.value, multivalued=attr.multivalued
                    ),
                )
        return cls(job, sources, dict(target_attributes(job.target.value)))

    def source(self, name: str) -> AttributeDef | None:
        return self.sources.get(name)

    def target(self, name: str) -> AttributeDef | None:
        found = self.targets.get(name)
        if found is None and is_directory_extension(name):
            return AttributeDef(name=name, type="String", multivalued=False)
        return found

    @property
    def matching_sources(self) -> set[str]:
        """Source attributes read directly by matching mappings (always present on a record)."""
        from syncrules.ir.nodes import AttrRef

        return {
            m.expression.name
            for m in self.job.mappings
            if m.matching_priority and isinstance(m.expression, AttrRef)
        }


def did_you_mean(name: str, candidates: Iterable[str]) -> str | None:
    pool = list(candidates)
    close = difflib.get_close_matches(name, pool, n=1, cutoff=0.6)
    if not close:
        lowered = {c.lower(): c for c in pool}
        if name.lower() in lowered:
            close = [lowered[name.lower()]]
        else:
            tail = name.rsplit(":", 1)[-1].rsplit(".", 1)[-1]
            close = [c for c in pool if c.rsplit(":", 1)[-1] == tail][:1]
    if close:
        return f"did you mean '{close[0]}'?"
    return None
