"""Fixture folders: `<job>.fixtures/*.json` beside a job file hold SCIM users or bulk payloads;
their evaluated results are snapshot-tested (pytest plugin) and diffed by `prov plan`.

A fixture file holds a BulkRequest (as sent to /bulkUpload), a JSON array of SCIM users, or one
SCIM user. Records are processed in order against an empty in-memory directory (so a repeated
worker updates what it created), with the fixed clock and seed of rule tests.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType
from typing import Any

from syncrules.ir.nodes import Job
from syncrules.run.jsoncodec import LONE_SURROGATE, TOO_DEEP, has_lone_surrogate, json_kind
from syncrules.runtime.scim import member
from syncrules.safeio import read_input_text
from syncrules.testing.runner import DEFAULT_NOW, DEFAULT_SEED, _Directory


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
    try:
        doc = json.loads(read_input_text(path))  # refuses FIFOs, devices, huge files
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        raise ValueError(f"cannot read {path}: {reason}") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path} is not valid JSON: {exc.msg} at line {exc.lineno}") from None
    except RecursionError:
        raise ValueError(f"{path}: {TOO_DEEP}") from None
    except ValueError as exc:  # an integer past Python's 4,300-digit limit
        raise ValueError(f"{path}: {exc}") from None
    if isinstance(doc, list):
        return doc
    if isinstance(doc, dict):
        ops = member(doc, "Operations")
        if isinstance(ops, list):
            out = []
            for op in ops:
                data = member(op, "data") if isinstance(op, dict) else None
                out.append(data)
            return out
        return [doc]
    raise ValueError(f"{path} holds neither users nor a BulkRequest")


def entry_problem(record: Any) -> str | None:
    """Why a fixture entry cannot be evaluated (it is not a JSON object, or it holds a lone
    surrogate escape), or None."""
    if not isinstance(record, dict):
        return f"not a JSON object ({json_kind(record)})"
    try:
        if has_lone_surrogate(record):
            return LONE_SURROGATE
    except RecursionError:
        return TOO_DEEP
    return None


def evaluate_records(module: ModuleType, records: list[Any]) -> list[dict[str, Any]]:
    """One result per record, in order; an entry that cannot be evaluated (``entry_problem``)
    fails alone with the reason and the others are evaluated."""
    directory = _Directory(None)
    results = []
    for index, record in enumerate(records, 1):
        problem = entry_problem(record)
        if problem is not None:
            # "not a JSON object" without the kind: the text snapshots already hold
            error = "not a JSON object" if not isinstance(record, dict) else problem
            results.append({"record": index, "action": "fail", "error": error})
            continue
        ctx = module.EvalContext(now=DEFAULT_NOW, seed=DEFAULT_SEED)
        ctx.taken = directory.taken(ctx, frozenset())
        keys = module.matching_keys(record, ctx)
        existing = directory.find(keys)
        outcome = module.evaluate(record, existing, ctx)
        directory.apply(outcome, existing)
        entry: dict[str, Any] = {
            "record": index,
            "externalId": record.get("externalId"),
            "action": outcome.action,
            "reason": outcome.reason,
            "scopeGroup": outcome.scope.group,
        }
        if outcome.action == "create":
            entry["values"] = dict(sorted(outcome.values.items()))
        elif outcome.changes:
            entry["changes"] = {
                k: {"old": old, "new": new} for k, (old, new) in sorted(outcome.changes.items())
            }
        if outcome.no_flow:
            entry["doesNotFlow"] = sorted(outcome.no_flow)
        if outcome.error:
            entry["error"] = outcome.error
        results.append(entry)
    return results


def fixture_snapshot(module: ModuleType, path: Path) -> str:
    """The canonical JSON text of a fixture's evaluated results."""
    results = evaluate_records(module, read_records(path))
    return json.dumps(results, indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\n"
