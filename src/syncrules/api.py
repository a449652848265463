"""The public Python API: check and compile .prov files. The CLI only wraps these functions.

>>> from syncrules.api import check_paths, compile_paths
>>> result = check_paths(["rules/"])
>>> result.ok, [d.message for d in result.diagnostics]
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from syncrules.check import check_job
from syncrules.diagnostics import Code, Diagnostic, DiagnosticBag, Severity
from syncrules.frontend.parse import collector_paused
from syncrules.frontend.paths import expand_paths
from syncrules.ir.lower import load_job
from syncrules.ir.nodes import Job
from syncrules.ir.params import ParamValues
from syncrules.safeio import resolved
from syncrules.source import SourceFile


@dataclass
class CheckResult:
    """Diagnostics (sorted) and the jobs that loaded, keyed by their root file."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    jobs: list[Job] = field(default_factory=list)
    sources: dict[str, SourceFile] = field(default_factory=dict)
    #: job -> True when its root file holds the job block (False: a test file importing a job)
    owns_job: dict[int, bool] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not any(d.severity is Severity.ERROR for d in self.diagnostics)

    def compiled_jobs(self) -> list[Job]:
        return [j for j in self.jobs if self.owns_job.get(id(j), True)]


@dataclass
class CompileResult(CheckResult):
    #: (job name, compiled document) for every job that compiled
    documents: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    #: files written (relative to out_dir), in order
    written: list[Path] = field(default_factory=list)


def check_paths(paths: Iterable[str | Path], params: ParamValues | None = None) -> CheckResult:
    """Parse, lower and check every job under ``paths``; report every problem.

    ``params``: the values of ``$name`` parameters (an environment of the project file)."""
    result = CheckResult()
    with collector_paused():
        _run(paths, result, params)
    return result


def _run(
    paths: Iterable[str | Path], result: CheckResult, params: ParamValues | None = None
) -> None:
    bag = DiagnosticBag()
    files = expand_paths(list(paths), bag)
    imported: set[Path] = set()
    per_file: list[tuple[Path, bool, DiagnosticBag, Any]] = []
    seen: set[Path] = set()
    for path, from_folder in files:
        key = resolved(path)
        if key in seen:
            continue
        seen.add(key)
        local = DiagnosticBag()
        loaded = load_job(path, local, params)
        for shown, source in loaded.sources.items():
            result.sources.setdefault(shown, source)
        for unit in loaded.units:
            if resolved(unit.path) != key:
                imported.add(resolved(unit.path))
        if loaded.job is not None and not any(
            d.severity is Severity.ERROR and d.code is Code.SYNTAX_ERROR for d in local.items
        ):
            check_job(loaded.job, local)
            result.jobs.append(loaded.job)
            result.owns_job[id(loaded.job)] = loaded.has_own_job
        per_file.append((key, from_folder, local, loaded))
    for key, from_folder, local, _loaded in per_file:
        for diag in local.items:
            if diag.code is Code.NO_JOB and from_folder and key in imported:
                continue  # a shared library file inside a folder of jobs
            bag.items.append(diag)
    _check_job_names(result.compiled_jobs(), bag)
    result.diagnostics = bag.sorted()


def _check_job_names(jobs: list[Job], bag: DiagnosticBag) -> None:
    """PROV009 for a job whose output name (``slug``) another job among the paths has: `prov
    compile` would write both to the same files, so `prov check` refuses it too."""
    owners: dict[str, Job] = {}
    for job in jobs:
        name = slug(job.name)
        first = owners.setdefault(name, job)
        if first is not job:
            where = first.span
            bag.add(
                Code.DUPLICATE_JOB_NAME,
                job.span,
                name=name,
                hint=f"the other job is at {where.file}:{where.line}:{where.col}",
            )


def slug(name: str) -> str:
    text = re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-").lower()
    return text or "job"


def compile_paths(
    paths: Iterable[str | Path],
    out_dir: str | Path | None = None,
    targets: tuple[str, ...] = ("json", "python"),
    params: ParamValues | None = None,
) -> CompileResult:
    """Check, then build each job's artefacts; write them under ``out_dir`` when given.

    The cyclic garbage collector is paused meanwhile: what is built stays alive until the end,
    and collections walking it again and again would make the time grow faster than the rules.
    """
    with collector_paused():
        return _compile_paths(paths, out_dir, targets, params)


def _compile_paths(
    paths: Iterable[str | Path],
    out_dir: str | Path | None,
    targets: tuple[str, ...],
    params: ParamValues | None,
) -> CompileResult:
    from syncrules.backends.jobconfig.emit import build_document, dumps
    from syncrules.backends.jobconfig.schema import validate

    result = CompileResult()
    _run(paths, result, params)
    if not result.ok:
        return result
    from syncrules.backends.python.emit import emit_package

    bag = DiagnosticBag()
    artefacts: dict[Path, str] = {}
    for job in result.compiled_jobs():  # names differ: checked by _run (PROV009)
        name = slug(job.name)
        if "json" in targets:
            document = build_document(job)
            problems = validate(document)
            if problems:
                bag.add(Code.SCHEMA_VALIDATION, job.span, detail="; ".join(problems[:5]))
                continue
            if job.preserved is not None:
                from syncrules.backends.jobconfig.merge import merge_schema

                merged = merge_schema(job.preserved, document["schema"])  # type: ignore[arg-type]
                if merged.problems:
                    bag.add(Code.PRESERVE_MERGE, job.span, detail="; ".join(merged.problems))
                    continue
                document["schema"] = merged.schema
            result.documents.append((job.name, document))
            artefacts[Path(f"{name}.json")] = dumps(document)
        if "python" in targets:
            for rel, text in emit_package(job, name, bag).items():
                artefacts[Path(name) / rel] = text
    result.diagnostics = sorted(result.diagnostics + bag.sorted(), key=Diagnostic.sort_key)
    if out_dir is not None and result.ok:
        root = Path(out_dir)
        for artefact in sorted(artefacts):
            target = root / artefact
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(artefacts[artefact], encoding="utf-8", newline="\n")
            result.written.append(artefact)
    return result


def compile_path(path: str | Path, params: ParamValues | None = None) -> CompileResult:
    """Compile one file or folder in memory (nothing written)."""
    return compile_paths([path], None, ("json",), params)
