"""Fixture folders: `<job>.fixtures/*.json` beside a job file hold SCIM users or bulk payloads;
their evaluated results are snapshot-tested (pytest plugin) and diffed by `prov plan`.

A fixture file holds a BulkRequest (as sent to /bulkUpload), a JSON array of SCIM users, one
SCIM user, or ``{"users": [...]}``. Its records are one cycle of `prov run` (``run.replay``)
against an empty in-memory directory (so a repeated worker updates what it created, a second
"John Smith" collides), with the fixed clock and seed of rule tests unless given otherwise: a
BulkRequest or a ``{"users": [...]}`` object may carry ``"context": {"now": "<ISO time>",
"seed": N, "defaultDomain": "contoso.com"}``, which wins over the command line's
(``--now``, ``--seed``, ``--default-domain`` of `prov plan`; ``--prov-now``, ``--prov-seed``,
``--prov-default-domain`` of pytest), which win over the defaults.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import ModuleType
from typing import Any

from syncrules.ir.nodes import Job
from syncrules.jsontext import TOO_DEEP, json_error
from syncrules.run.jsoncodec import UnusableJson, load_document
from syncrules.run.replay import entry_problem
from syncrules.run.scim_input import bulk_operations
from syncrules.runtime.scim import member
from syncrules.safeio import cannot_read, read_input_text
from syncrules.testing.runner import DEFAULT_NOW, DEFAULT_SEED

__all__ = [
    "FixtureContext", "entry_problem", "evaluate_records", "fixture_files", "fixture_folder",
    "fixture_snapshot", "read_fixture", "read_records",
]  # fmt: skip

#: The keys a fixture file's ``context`` may hold.
CONTEXT_KEYS = ("now", "seed", "defaultDomain")


@dataclass(frozen=True)
class FixtureContext:
    """What fixture records are evaluated with: the clock, the seed, the default domain."""

    now: datetime = DEFAULT_NOW
    seed: int | None = DEFAULT_SEED
    default_domain: str | None = None

    def over(self, own: dict[str, Any]) -> FixtureContext:
        """This context with a fixture file's own ``context`` values on top."""
        changes: dict[str, Any] = {}
        if "now" in own:
            changes["now"] = own["now"]
        if "seed" in own:
            changes["seed"] = own["seed"]
        if "defaultDomain" in own:
            changes["default_domain"] = own["defaultDomain"]
        return dataclasses.replace(self, **changes)


def _context(path: Path, raw: Any) -> dict[str, Any]:
    """A fixture file's ``context`` member, checked (ValueError with the reason)."""
    from syncrules.runtime.context import parse_instant

    if not isinstance(raw, dict):
        raise ValueError(f"{path}: context must be a JSON object")
    unknown = sorted(set(raw) - set(CONTEXT_KEYS))
    if unknown:
        raise ValueError(f"{path}: context: unknown key {unknown[0]!r} (known: "
                         + ", ".join(CONTEXT_KEYS) + ")")
    own: dict[str, Any] = {}
    if "now" in raw:
        try:
            own["now"] = parse_instant(raw["now"]) if isinstance(raw["now"], str) else None
        except ValueError:
            own["now"] = None
        if own["now"] is None:
            shown = json.dumps(raw["now"], default=repr)
            raise ValueError(f"{path}: context: now must be an ISO-8601 time such as "
                             f"\"2025-01-01T00:00:00Z\", not {shown}")
    if "seed" in raw:
        seed = raw["seed"]
        if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= 2**31 - 1:
            raise ValueError(f"{path}: context: seed must be an integer from 0 to 2147483647, "
                             f"not {json.dumps(seed, default=repr)}")
        own["seed"] = seed
    if "defaultDomain" in raw:
        domain = raw["defaultDomain"]
        if not isinstance(domain, str) or not domain:
            raise ValueError(f"{path}: context: defaultDomain must be a non-empty string, "
                             f"not {json.dumps(domain, default=repr)}")
        own["defaultDomain"] = domain
    return own


def fixture_folder(job: Job) -> Path | None:
    if not job.source_path:
        return None
    source = Path(job.source_path)
    folder = source.with_name(source.stem + ".fixtures")
    return folder if folder.is_dir() else None


def fixture_files(job: Job) -> list[Path]:
    folder = fixture_folder(job)
    return sorted(folder.glob("*.json")) if folder else []


def read_records(path: Path) -> list[Any]:
    """The user records of a fixture file (raises ValueError with a readable reason).

    Entries are returned as they are: ``entry_problem`` says which cannot be evaluated."""
    return read_fixture(path)[0]


def read_fixture(path: Path) -> tuple[list[Any], dict[str, Any]]:
    """The user records of a fixture file and its own ``context`` values (empty when it has
    none); raises ValueError with a readable reason."""
    try:
        # refuses FIFOs, devices, huge files; NaN or a huge number is a marker that fails its
        # record alone (``entry_problem``)
        doc = load_document(read_input_text(path))
    except OSError as exc:
        raise ValueError(cannot_read(path, exc)) from None
    except UnicodeDecodeError:
        raise ValueError(f"{path} is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise ValueError(json_error(exc, str(path))) from None
    except (RecursionError, UnusableJson):
        raise ValueError(f"{path}: {TOO_DEEP}") from None
    if isinstance(doc, list):
        return doc, {}
    if isinstance(doc, dict):
        ops = member(doc, "Operations")
        users = doc.get("users")
        if isinstance(ops, list) or isinstance(users, list):
            own = _context(path, doc["context"]) if "context" in doc else {}
            if isinstance(users, list):
                return users, own
            # every operation's data, whatever its method or path: a fixture is evaluated, not
            # sent (an entry that is not a user fails alone: ``entry_problem``); an operation
            # that is not an object is reported as what it is
            return [
                op.data if isinstance(op.operation, dict) else op.operation
                for op in bulk_operations(ops)
            ], own
        return [doc], {}
    raise ValueError(f"{path} holds neither users nor a BulkRequest")


def evaluate_records(
    job: Job, module: ModuleType, records: list[Any], context: FixtureContext | None = None
) -> list[dict[str, Any]]:
    """One result per record, in order, from one cycle over an empty in-memory directory (the
    `prov run` cycle: ``run.replay``); an entry that cannot be evaluated (``entry_problem``)
    fails alone with the reason and the others are evaluated."""
    from syncrules.run.cycle import RunOptions
    from syncrules.run.memory import MemoryStore
    from syncrules.run.replay import replay
    from syncrules.testing.runner import evaluator_references

    context = context or FixtureContext()
    options = RunOptions(now=context.now, seed=context.seed,
                         default_domain=context.default_domain, apply=True)
    references = [m.target for m in evaluator_references(job)]
    results = []
    for item in replay(job, module, records, options, MemoryStore()):
        index, record, outcome = item.index, records[item.index - 1], item.outcome
        result = item.result
        if outcome is None:
            # "not a JSON object" without the kind: the text snapshots already hold
            problem = entry_problem(record)
            error = "not a JSON object" if not isinstance(record, dict) else problem
            results.append({"record": index, "action": "fail", "error": error})
            continue
        entry: dict[str, Any] = {
            "record": index,
            "externalId": record.get("externalId"),
            "action": result.action,
            "reason": outcome.reason,
            "scopeGroup": outcome.scope.group,
        }
        if result.action == "create":
            entry["values"] = dict(sorted(item.flowing(references).items()))
        elif result.changes:
            entry["changes"] = {
                k: {"old": old, "new": new} for k, old, new in sorted(result.changes)
            }
        if outcome.no_flow:
            entry["doesNotFlow"] = sorted(outcome.no_flow)
        if result.status == "failure":
            entry["reason"], entry["error"] = result.error_reason, result.error_code
        elif result.status == "warning" and result.error_code is not None:
            entry["warning"] = f"{result.error_code}: {result.error_reason}"
        results.append(entry)
    return results


def fixture_snapshot(
    job: Job, module: ModuleType, path: Path, context: FixtureContext | None = None
) -> str:
    """The canonical JSON text of a fixture's evaluated results (the file's own context, when
    it carries one, over ``context``)."""
    records, own = read_fixture(path)
    results = evaluate_records(job, module, records, (context or FixtureContext()).over(own))
    return json.dumps(results, indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\n"
