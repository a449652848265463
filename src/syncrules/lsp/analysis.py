"""One document as the checker sees it: diagnostics, the job, the symbol tables, live values.

No LSP types here: the server (``server.py``) converts. ``analyse`` is ``prov check FILE`` over
the editor's buffers: the open documents replace the files on disk (``overlay``), so an import of
an open, unsaved file reads what the editor shows.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from syncrules.catalogue.attributes import AttributeDef
from syncrules.check import check_job
from syncrules.check.context import CheckContext
from syncrules.diagnostics import Code, Diagnostic, DiagnosticBag, Severity
from syncrules.ir.lower import load_job
from syncrules.ir.nodes import Job, Mapping, TestCase
from syncrules.source import SourceFile, display_path

_IMPORTS = re.compile(r'^[ \t]*import[ \t]+"([^"\n]*)"', re.MULTILINE)


@dataclass
class Analysis:
    """What the checker found in one document (and the files it imports)."""

    path: Path
    shown: str  # the document's display path, as spans name it
    source: SourceFile
    diagnostics: list[Diagnostic]
    job: Job | None
    ctx: CheckContext | None
    #: display path -> source of every file loaded (the document and its imports)
    sources: dict[str, SourceFile]
    #: resolved paths of the files this document read (itself included)
    files: set[Path] = field(default_factory=set)
    _live: list[LiveValue] | None = None

    @property
    def parsed(self) -> bool:
        return not any(
            d.code is Code.SYNTAX_ERROR and d.span.file == self.shown for d in self.diagnostics
        )

    def own(self, span_file: str) -> bool:
        return span_file == self.shown

    def live_values(self) -> list[LiveValue]:
        if self._live is None:
            self._live = live_values(self)
        return self._live


def _editor_params(path: Path) -> Any:
    """The parameter values a document is checked with: those of the environment PROV_ENV
    names (in the server's environment), else of the project file's only environment; None
    (an unset `$name` is PROV121, whose help says how to choose one) otherwise."""
    from syncrules.project import Environment, find_project, load_project, select_environment

    chosen = select_environment(None, path)
    if chosen is None:
        project_file = find_project(path)
        project = load_project(project_file) if project_file is not None else None
        environments = getattr(project, "environments", None) or {}
        if len(environments) == 1:
            [chosen] = environments.values()
    return chosen.param_values() if isinstance(chosen, Environment) else None


def analyse(
    path: Path,
    text: str,
    overlay: dict[Path, str] | None = None,
    parse: Callable[[SourceFile, DiagnosticBag], Any] | None = None,
) -> Analysis:
    """Check ``text`` as the file ``path`` (imports read from ``overlay`` first, then disk);
    ``parse`` replaces the parser (the server's ``ItemParser``)."""
    key = path.resolve()
    buffers = dict(overlay or {})
    buffers[key] = text
    bag = DiagnosticBag()
    loaded = load_job(path, bag, _editor_params(path), overlay=buffers, parse=parse)
    shown = display_path(path)
    ctx = None
    if loaded.job is not None and not any(
        d.severity is Severity.ERROR and d.code is Code.SYNTAX_ERROR for d in bag.items
    ):
        ctx = check_job(loaded.job, bag)
    source = loaded.sources.get(shown) or SourceFile(shown, text.replace("\r\n", "\n"))
    # every file read, parsed or not, and the imports of this one (even when missing): a
    # change to any of them means this document is checked again
    files = {u.path.resolve() for u in loaded.units} | {key}
    files |= {span_path(shown_path).resolve() for shown_path in loaded.sources}
    files |= {(path.parent / target).resolve() for target in _IMPORTS.findall(text)}
    return Analysis(
        path=path,
        shown=shown,
        source=source,
        diagnostics=bag.sorted(),
        job=loaded.job,
        ctx=ctx,
        sources=dict(loaded.sources),
        files=files,
    )


def span_path(file: str) -> Path:
    """The file a span names (display paths are relative to the working directory)."""
    p = Path(file)
    return p if p.is_absolute() else (Path.cwd() / p)


# ---- attribute tables ---------------------------------------------------------------------------


def aliases(job: Job | None) -> dict[str, str]:
    """alias -> URN of the job's extensions."""
    if job is None:
        return {}
    return {e.alias: e.urn for e in job.extensions if e.alias}


def source_names(job: Job | None, ctx: CheckContext | None) -> dict[str, AttributeDef]:
    """Every source attribute by full name (catalogue + declared extensions)."""
    if ctx is not None:
        return dict(ctx.sources)
    from syncrules.catalogue.attributes import source_attributes

    return source_attributes()


def short_name(name: str, alias_map: dict[str, str]) -> str | None:
    """``alias:Attr`` for a full URN name when an alias names its extension."""
    for alias, urn in sorted(alias_map.items()):
        if name.startswith(urn + ":"):
            return f"{alias}:{name[len(urn) + 1 :]}"
    return None


def declared_at(job: Job | None, name: str) -> Any:
    """The ExtAttribute declaring the full name ``name``, if an extension block does."""
    if job is None:
        return None
    for ext in job.extensions:
        for attr in ext.attributes:
            if attr.full_name == name:
                return attr
    return None


# ---- live values ------------------------------------------------------------------------------


@dataclass(frozen=True)
class LiveValue:
    """The value one mapping gives the sample record."""

    mapping: Mapping
    label: str  # short text for an inlay hint: "Barbara Jensen", does not flow, error
    detail: str  # a sentence for hover
    sample: str  # which record: 'test "name", given user 1'


@dataclass(frozen=True)
class Sample:
    record: dict[str, Any] | None
    description: str
    test: TestCase | None
    problem: str | None = None  # why the record named by `// prov-sample:` cannot be used


#: ``// prov-sample: new-hires.json#2``: the record live values use (a fixture file, relative to
#: the document's folder or to its ``<job>.fixtures/`` folder, and a 1-based record number)
SAMPLE_DIRECTIVE = re.compile(r"^[ \t]*//[ \t]*prov-sample:[ \t]*(\S+?)(?:#(\d+))?[ \t]*$", re.M)


def _named_sample(analysis: Analysis, name: str, number: int) -> Sample:
    from syncrules.testing.fixtures import fixture_folder, read_records

    folder = analysis.path.parent
    candidates = [folder / name]
    fixtures = fixture_folder(analysis.job) if analysis.job is not None else None
    if fixtures is not None:
        candidates.append(fixtures / name)
    path = next((c for c in candidates if c.is_file()), None)
    described = f"fixture {name}, record {number}"
    if path is None:
        return Sample(None, described, None, f"prov-sample: no file {name}")
    try:
        records = read_records(path)
    except ValueError as exc:
        return Sample(None, described, None, f"prov-sample: {exc}")
    if not 1 <= number <= len(records):
        return Sample(None, described, None, f"prov-sample: {name} has {len(records)} record(s)")
    record = records[number - 1]
    if not isinstance(record, dict):
        return Sample(None, described, None, f"prov-sample: record {number} is not a user")
    return Sample(record, described, None)


def sample_record(analysis: Analysis) -> Sample | None:
    """The record live values are computed for: the one a ``// prov-sample: FILE#N`` comment
    names, else the first `given user` of the first test in the document, else of a test in a
    file it imports, else the first record of the job's fixture folder (``<job>.fixtures/``)."""
    job = analysis.job
    if job is None:
        return None
    directive = SAMPLE_DIRECTIVE.search(analysis.source.text)
    if directive is not None:
        return _named_sample(analysis, directive.group(1), int(directive.group(2) or 1))
    tests = sorted(job.tests, key=lambda t: not analysis.own(t.span.file))
    for test in tests:
        if test.given and isinstance(test.given[0], dict):
            return Sample(test.given[0], f'test "{test.name}", first given user', test)
    from syncrules.testing.fixtures import fixture_files, read_records

    for path in fixture_files(job):
        try:
            records = read_records(path)
        except ValueError:
            continue
        for index, record in enumerate(records, 1):
            if isinstance(record, dict):
                return Sample(record, f"fixture {path.name}, record {index}", None)
    return None


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 80 else text[:79] + "…"


def live_values(analysis: Analysis) -> list[LiveValue]:
    """The value of each mapping of the document for the sample record (tree-walking
    interpreter over the runtime `prov test`'s evaluators share)."""
    job, ctx = analysis.job, analysis.ctx
    if job is None or ctx is None:
        return []
    sample = sample_record(analysis)
    if sample is None:
        return []
    from syncrules.reference_interpreter import evaluate_mapping
    from syncrules.runtime import EvalContext, ExpressionError
    from syncrules.runtime.context import parse_instant
    from syncrules.runtime.scim import flatten
    from syncrules.testing.runner import DEFAULT_NOW, DEFAULT_SEED

    test = sample.test
    now = DEFAULT_NOW
    if test is not None and test.now:
        try:
            now = parse_instant(test.now)
        except ValueError:
            now = DEFAULT_NOW
    table = tuple((a.name, a.type, a.multivalued) for a in ctx.sources.values())
    unreadable = sample.problem or ""
    try:
        attributes = flatten(sample.record, table) if sample.record is not None else None
    except Exception as exc:  # a record the reader cannot take: say so on every mapping
        attributes = None
        unreadable = f"the sample record cannot be read: {exc}"
    out = []
    for mapping in job.mappings:
        if not analysis.own(mapping.span.file):
            continue
        if attributes is None:
            out.append(LiveValue(mapping, f"error: {unreadable}", unreadable, sample.description))
            continue
        evaluation = EvalContext(
            now=now,
            seed=test.seed if test is not None and test.seed is not None else DEFAULT_SEED,
            default_domain=test.domain if test is not None else None,
            taken=frozenset(test.taken) if test is not None else frozenset(),
        )
        evaluation.target = mapping.target
        try:
            flows, value = evaluate_mapping(mapping.expression, attributes, evaluation)
        except ExpressionError as exc:
            out.append(LiveValue(mapping, f"error: {exc.message}", exc.message, sample.description))
            continue
        except RecursionError:
            text = "the expression is nested too deeply"
            out.append(LiveValue(mapping, f"error: {text}", text, sample.description))
            continue
        if not flows:
            label = "does not flow"
            detail = "does not flow: IgnoreFlowIfNullOrEmpty dropped the attribute"
        elif value is None and mapping.default is not None:
            label = f"{_show(mapping.default)} (default, on create)"
            detail = (
                f"NULL, so the default {_show(mapping.default)} is written when the user is "
                "created; on update the attribute does not flow"
            )
        elif value is None:
            label = "does not flow"
            detail = "does not flow: the value is NULL, which Entra does not provision"
        else:
            label = _show(value)
            detail = f"{_show(value)}" + (
                " (on create only)" if mapping.flow.value != "Always" else ""
            )
        out.append(LiveValue(mapping, label, detail, sample.description))
    return out
