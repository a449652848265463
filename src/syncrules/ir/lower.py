"""Load .prov files (with their imports) and lower the textX models to one IR ``Job``.

Structural problems that decide the IR's shape (no job, a second job, unknown target, unknown
action, unknown type, duplicate settings, unreadable or cyclic imports) are reported here; every
other check runs over the IR in ``syncrules.check``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from syncrules.diagnostics import Code, DiagnosticBag
from syncrules.frontend.parse import parse_source
from syncrules.ir.expressions import ExpressionLowerer, unescape
from syncrules.ir.nodes import (
    INT32_MAX,
    AttrType,
    Clause,
    CsvEntry,
    Expectation,
    ExtAttribute,
    Extension,
    FlowType,
    GraphConfig,
    Job,
    Mapping,
    ScopeGroup,
    Str,
    TargetKind,
    TestCase,
)
from syncrules.ir.params import ParamTable, ParamValues
from syncrules.jsontext import JsonFileError, read_json_object_file
from syncrules.safeio import cannot_read, read_input, refusal, resolved, why_unreadable
from syncrules.source import SourceFile, Span, display_path, span_of

ACTIONS = ("create", "update", "delete")
TYPES = {
    "string": AttrType.STRING,
    "boolean": AttrType.BOOLEAN,
    "integer": AttrType.INTEGER,
    "datetime": AttrType.DATETIME,
    "reference": AttrType.REFERENCE,
    "binary": AttrType.BINARY,
}
TEST_ACTIONS = ("create", "update", "enable", "disable", "delete", "skip", "none", "fail")


def read_source(path: Path, bag: DiagnosticBag, span: Span | None = None) -> SourceFile | None:
    """Read a file as UTF-8 (a BOM is accepted); unreadable files become PROV002."""
    shown = display_path(path)
    where = span or Span(shown, 1, 1, 1, 1)
    try:
        data = read_input(path)  # refuses FIFOs, devices, huge files
    except OSError as exc:  # no such file, a folder, a link loop, no permission, a FIFO...
        bag.add(Code.UNREADABLE_FILE, where, detail=cannot_read(shown, exc))
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bad = SourceFile(shown, data[: exc.start].decode("utf-8", "replace"))
        line, col = bad.line_col(len(bad.text))
        bag.add(
            Code.UNREADABLE_FILE,
            Span(shown, line, col, line, col + 1),
            detail=f"{shown} is not UTF-8 text"
            f" (byte 0x{data[exc.start]:02x} at offset {exc.start})",
            hint="re-save the file as UTF-8",
        )
        return None
    if "\x00" in text:
        bag.add(Code.UNREADABLE_FILE, where, detail=f"{shown} is a binary file, not .prov text")
        return None
    return SourceFile(shown, text.replace("\r\n", "\n"))


@dataclass
class _Unit:
    """One parsed file: its source and textX model."""

    path: Path
    source: SourceFile
    model: Any


@dataclass
class Loader:
    """Reads a file and, depth first, everything it imports (each file once)."""

    bag: DiagnosticBag
    #: texts that replace files on disk (an editor's unsaved buffers), by resolved path
    overlay: dict[Path, str] = field(default_factory=dict)
    #: the parser (`prov lsp` passes one that reuses the models of unchanged items)
    parse: Callable[[SourceFile, DiagnosticBag], Any] = parse_source
    units: list[_Unit] = field(default_factory=list)
    sources: dict[str, SourceFile] = field(default_factory=dict)
    _done: set[Path] = field(default_factory=set)
    _stack: list[Path] = field(default_factory=list)

    def load(self, path: Path, span: Span | None = None) -> None:
        key = resolved(path)
        if key in self._stack:
            cycle = " -> ".join(display_path(p) for p in [*self._stack, key])
            self.bag.add(Code.IMPORT_CYCLE, span or Span.unknown(display_path(path)), cycle=cycle)
            return
        if key in self._done:
            return
        buffer = self.overlay.get(key)
        if span is not None and path.suffix.lower() != ".prov":
            # never read: a parse error would quote the file's first line (a token file, say)
            # in `prov check` output, which CI logs show
            self.bag.add(
                Code.UNREADABLE_FILE,
                span,
                detail=f"an import must name a .prov file; {display_path(path)} is not read",
                hint="shared rules go in a .prov file; other files are never shown",
            )
            self._done.add(key)
            return
        if buffer is None and span is not None and not path.is_file():
            why = refusal(path)
            if why is not None and path.exists():
                self.bag.add(Code.UNREADABLE_FILE, span, detail=f"{display_path(path)} {why}")
            else:
                self.bag.add(Code.IMPORT_NOT_FOUND, span, path=display_path(path))
            self._done.add(key)
            return
        if buffer is not None:
            source: SourceFile | None = SourceFile(
                display_path(path), buffer.removeprefix("\ufeff").replace("\r\n", "\n")
            )
        else:
            source = read_source(path, self.bag, span)
        self._done.add(key)
        if source is None:
            return
        self.sources[source.path] = source  # kept even when parsing fails: excerpts for errors
        model = self.parse(source, self.bag)
        if model is None:
            return
        self._stack.append(key)
        for imp in model.imports:
            target = resolved(path.parent / unescape(imp.path.raw))
            self.load(target, span_of(imp, source))
        self._stack.pop()
        self.units.append(_Unit(path, source, model))


_JSON_WORDS = {"true": True, "false": False, "null": None}


def _json_value(
    obj: Any,
    bad_number: Callable[[Any], None] | None = None,
    duplicate: Callable[[Any, str], None] | None = None,
) -> Any:
    """The value of a JSON literal in a test block; a number Python cannot read (an integer of
    more than 4,300 digits) is given to ``bad_number`` and read as null; a member whose name an
    earlier member of the same object has (ignoring case, as SCIM names do) is given to
    ``duplicate`` with the earlier name (the last one is kept)."""
    if isinstance(obj, str) and obj in _JSON_WORDS:  # textX gives match rules as text
        return _JSON_WORDS[obj]
    kind = type(obj).__name__
    if kind == "JsonObject":
        out: dict[str, Any] = {}
        seen: dict[str, str] = {}
        for m in obj.members:
            key = _json_value(m.key)
            key = key if isinstance(key, str) else unescape(m.key.raw)
            earlier = seen.setdefault(key.lower(), key)
            if earlier is not key and duplicate is not None:
                duplicate(m.key, earlier)
            out[key] = _json_value(m.value, bad_number, duplicate)
        return out
    if kind == "JsonArray":
        return [_json_value(i, bad_number, duplicate) for i in obj.items]
    if kind == "StringLit":
        # JSON strings in tests follow JSON escaping rules.
        try:
            return json.loads(obj.raw)
        except ValueError:
            return unescape(obj.raw)
    if kind == "NumberLit":
        try:
            return json.loads(obj.raw)
        except ValueError:  # past Python's 4,300-digit limit for integers
            if bad_number is not None:
                bad_number(obj)
            return None
    if kind == "JsonTrue":
        return True
    if kind == "JsonFalse":
        return False
    if kind == "JsonNull":
        return None
    raise AssertionError(f"unexpected JSON node {kind}")


class _JobBuilder:
    """Accumulates the items of all units into one Job."""

    def __init__(self, bag: DiagnosticBag, root: Path, params: ParamValues | None = None) -> None:
        self.bag = bag
        self.root = root
        self.params = ParamTable(bag, params)
        self.job_seen: Span | None = None
        self.name = ""
        self.job_span = Span.unknown(display_path(root))
        self.target: TargetKind | None = None
        self.actions: tuple[str, ...] = ("create", "update")
        self.threshold: int | None = None
        self.objects: tuple[str, str] = ("User", "User")
        self.extensions: list[Extension] = []
        self.mappings: list[Mapping] = []
        self.scope: list[ScopeGroup] = []
        self.csv: list[CsvEntry] = []
        self.graph: GraphConfig | None = None
        self.tests: list[TestCase] = []
        self.aliases: dict[str, str] = {}
        self.preserve_path: str | None = None
        self.preserved: object | None = None

    # Aliases are collected from every unit before expressions are lowered.
    def collect_aliases(self, units: list[_Unit]) -> None:
        for unit in units:
            for item in unit.model.items:
                if type(item).__name__ == "Extension" and item.alias is not None:
                    alias = item.alias.name
                    urn = unescape(item.urn.raw)
                    if alias in self.aliases and self.aliases[alias] != urn:
                        self.bag.add(
                            Code.EXTENSION_CLASH,
                            span_of(item.alias, unit.source),
                            detail=f"alias '{alias}' is already used for {self.aliases[alias]}",
                        )
                        continue
                    self.aliases[alias] = urn

    # Parameters too: a `$name` may come before (or in another file than) its declaration.
    def collect_params(self, units: list[_Unit]) -> None:
        for unit in units:
            for item in unit.model.items:
                if type(item).__name__ == "Param":
                    self.params.declare(
                        item.name.name,
                        item.type.name,
                        span_of(item, unit.source),
                        span_of(item.type, unit.source),
                    )

    def _constant(self, value: Any, src: SourceFile) -> str:
        """A scope value: a string, a number as written, or a parameter's value as text."""
        kind = type(value).__name__
        if kind == "StringLit":
            return unescape(value.raw)
        if kind == "ParamRef":
            const = self.params.resolve(value.raw[1:], span_of(value, src))
            return const.value if isinstance(const, Str) else const.text  # type: ignore[attr-defined]
        return str(value.raw)

    def resolve(self, name: str) -> str:
        head, sep, rest = name.partition(":")
        if sep and head in self.aliases and not name.startswith("urn:"):
            return f"{self.aliases[head]}:{rest}"
        return name

    def add_unit(self, unit: _Unit) -> None:
        src = unit.source
        lower = ExpressionLowerer(src, self.resolve, self.params.resolve)
        for item in unit.model.items:
            kind = type(item).__name__
            getattr(self, f"_item_{kind}")(item, src, lower)

    def _item_Job(self, item: Any, src: SourceFile, lower: ExpressionLowerer) -> None:
        span = span_of(item, src)
        if self.job_seen is not None:
            self.bag.add(Code.MULTIPLE_JOBS, span, hint=f"the first job is at {_at(self.job_seen)}")
            return
        self.job_seen = span
        self.job_span = span
        self.name = unescape(item.name.raw)
        seen: dict[str, Span] = {}
        for setting in item.settings:
            skind = type(setting).__name__
            sspan = span_of(setting, src)
            label = {"TargetSetting": "target", "ActionsSetting": "actions",
                     "ObjectsSetting": "objects"}.get(skind, "deletion threshold")
            if label in seen:
                self.bag.add(Code.DUPLICATE_SETTING, sspan, setting=label)
                continue
            seen[label] = sspan
            if skind == "TargetSetting":
                value = setting.kind.name
                if value in ("entra", "ad"):
                    self.target = TargetKind(value)
                else:
                    self.bag.add(
                        Code.UNKNOWN_TARGET_KIND,
                        span_of(setting.kind, src),
                        name=value,
                        hint=_suggest(value, ("entra", "ad")),
                    )
            elif skind == "ActionsSetting":
                actions = []
                for word in setting.actions:
                    if word.name in ACTIONS:
                        if word.name not in actions:
                            actions.append(word.name)
                    else:
                        self.bag.add(
                            Code.UNKNOWN_ACTION,
                            span_of(word, src),
                            name=word.name,
                            hint=_suggest(word.name, ACTIONS),
                        )
                self.actions = tuple(a for a in ACTIONS if a in actions)
            elif skind == "ObjectsSetting":
                self.objects = (unescape(setting.source.raw), unescape(setting.target.raw))
            else:
                threshold = self._number(setting.value, src, "deletion threshold", 0)
                if threshold is None:  # too long, reported: the job still has a threshold
                    threshold = INT32_MAX + 1
                elif not 0 <= threshold <= INT32_MAX:
                    # reported here, at the number (the job keeps no position for it)
                    self.bag.add(
                        Code.NUMBER_OUT_OF_RANGE,
                        span_of(setting.value, src),
                        what="deletion threshold",
                        value=threshold,
                        low=0,
                    )
                self.threshold = threshold
        if "target" not in seen:
            self.bag.add(Code.NO_TARGET, span)

    def _number(self, node: Any, src: SourceFile, what: str, low: int) -> int | None:
        """An integer literal; one too long for any setting (past 12 digits, far below where
        ``int()`` refuses to parse) is reported (PROV310) and gives None."""
        raw = node.raw
        if len(raw.lstrip("-")) > 12:
            self.bag.add(
                Code.NUMBER_OUT_OF_RANGE,
                span_of(node, src),
                what=what,
                value=f"{raw[:12]}… ({len(raw.lstrip('-'))} digits)",
                low=low,
            )
            return None
        return int(raw)

    def _item_Extension(self, item: Any, src: SourceFile, lower: ExpressionLowerer) -> None:
        urn = unescape(item.urn.raw)
        attrs = []
        for attr in item.attributes:
            tname = attr.type.name
            atype = TYPES.get(tname.lower())
            if atype is None:
                self.bag.add(
                    Code.UNKNOWN_TYPE,
                    span_of(attr.type, src),
                    name=tname,
                    hint=_suggest(tname.lower(), tuple(TYPES)),
                )
                atype = AttrType.STRING
            attrs.append(
                ExtAttribute(
                    name=attr.name.name,
                    full_name=f"{urn}:{attr.name.name}",
                    type=atype,
                    multivalued=bool(attr.multi),
                    span=span_of(attr, src),
                )
            )
        alias = item.alias.name if item.alias is not None else None
        self.extensions.append(
            Extension(urn=urn, alias=alias, attributes=tuple(attrs), span=span_of(item, src))
        )

    def _item_Match(self, item: Any, src: SourceFile, lower: ExpressionLowerer) -> None:
        priority = None
        if item.priority is not None:
            priority = self._number(item.priority, src, "matching priority", 1)
            if priority is not None and priority < 1:
                # 0 would silently make the pair an ordinary mapping
                self.bag.add(
                    Code.NUMBER_OUT_OF_RANGE,
                    span_of(item.priority, src),
                    what="matching priority",
                    value=priority,
                    low=1,
                )
                priority = None
        if priority is None:
            used = [m.matching_priority for m in self.mappings if m.matching_priority]
            priority = max(used, default=0) + 1
        default, flow = _options(item.options)
        self.mappings.append(
            Mapping(
                target=item.target.name,
                expression=lower.lower(item.source),
                matching_priority=priority,
                default=default,
                flow=flow,
                span=span_of(item, src),
                text=_text(item.source, src),
            )
        )

    def _item_Scope(self, item: Any, src: SourceFile, lower: ExpressionLowerer) -> None:
        for group in item.groups:
            clauses = []
            for clause in group.clauses:
                values = []
                for value in clause.values:
                    values.append(self._constant(value, src))
                clauses.append(
                    Clause(
                        attribute=self.resolve(clause.attribute.raw[1:-1]),
                        operator=" ".join(clause.operator.name.split()),
                        values=tuple(values),
                        span=span_of(clause, src),
                    )
                )
            self.scope.append(
                ScopeGroup(
                    name=unescape(group.name.raw), clauses=tuple(clauses), span=span_of(group, src)
                )
            )

    def _item_MapBlock(self, item: Any, src: SourceFile, lower: ExpressionLowerer) -> None:
        for mapping in item.mappings:
            default, flow = _options(mapping.options)
            self.mappings.append(
                Mapping(
                    target=mapping.target.name,
                    expression=lower.lower(mapping.expression),
                    default=default,
                    flow=flow,
                    span=span_of(mapping, src),
                    text=_text(mapping.expression, src),
                )
            )

    def _item_SourceCsv(self, item: Any, src: SourceFile, lower: ExpressionLowerer) -> None:
        for entry in item.entries:
            self.csv.append(
                CsvEntry(
                    path=self.resolve(entry.path.name),
                    expression=lower.lower(entry.expression),
                    span=span_of(entry, src),
                )
            )

    def _item_Graph(self, item: Any, src: SourceFile, lower: ExpressionLowerer) -> None:
        values: dict[str, str] = {}
        for setting in item.settings:
            key = {"GraphSpSetting": "service_principal", "GraphJobSetting": "job"}.get(
                type(setting).__name__, "url"
            )
            values[key] = unescape(setting.value.raw)
        self.graph = GraphConfig(span=span_of(item, src), **values)

    def _item_Preserve(self, item: Any, src: SourceFile, lower: ExpressionLowerer) -> None:
        span = span_of(item, src)
        if self.preserve_path is not None:
            self.bag.add(Code.DUPLICATE_SETTING, span, setting="preserve")
            return
        path = Path(src.path).parent / unescape(item.path.raw)
        self.preserve_path = display_path(path)
        try:
            doc = read_json_object_file(path, read=read_input, why_unreadable=why_unreadable)
        except JsonFileError as exc:
            self.bag.add(Code.UNREADABLE_FILE, span, detail=str(exc))
            return
        value = doc.get("schema")
        schema: dict[str, Any] = value if isinstance(value, dict) else doc
        if not isinstance(schema.get("synchronizationRules"), list):
            self.bag.add(
                Code.UNREADABLE_FILE,
                span,
                detail=f"{self.preserve_path} holds no synchronizationSchema",
            )
            return
        self.preserved = schema

    def _item_Param(self, item: Any, src: SourceFile, lower: ExpressionLowerer) -> None:
        return None  # declarations are collected first (collect_params)

    def _test_param(self, step: Any, src: SourceFile) -> tuple[str, str | int] | None:
        name = step.name.name
        kind = type(step.value).__name__
        span = span_of(step.value, src)
        if kind == "ParamRef":
            self.bag.add(
                Code.PARAMETER_TYPE,
                span,
                detail=f"a test gives parameter '{name}' a constant, not a parameter "
                f"({step.value.raw})",
            )
            return None
        value: str | int
        if kind == "StringLit":
            value = unescape(step.value.raw)
        else:
            try:
                value = int(step.value.raw)
            except ValueError:  # 2.5: a number that is not an integer
                self.bag.add(
                    Code.PARAMETER_TYPE,
                    span,
                    detail=f"the test gives parameter '{name}' the number {step.value.raw}; "
                    "parameters are strings or integers",
                )
                return None
        if not self.params.check_value(name, value, span, "the test", span_of(step.name, src)):
            return None
        return name, value

    def _item_Test(self, item: Any, src: SourceFile, lower: ExpressionLowerer) -> None:
        params: dict[str, str | int] = {}
        given: list[object] = []
        existing: list[object] = []
        taken: list[str] = []
        now = seed = domain = None
        action = "create"
        group = None
        expectations: list[Expectation] = []
        saw_expect = False

        def bad_number(node: Any) -> None:
            digits = len(node.raw.lstrip("-").split(".")[0])
            self.bag.add(Code.UNKNOWN_EXPECTATION, span_of(node, src),
                         detail=f"a number of {digits} digits is too long to read (at most "
                         "4300 digits)")

        def duplicate(node: Any, earlier: str) -> None:
            key = _json_value(node)
            if key == earlier:
                detail = f"member {json.dumps(key)} is given twice; only the last one is kept"
            else:
                detail = (f"member {json.dumps(key)} is {json.dumps(earlier)} again (SCIM names "
                          "ignore case): the record holds the attribute twice")
            self.bag.add(Code.DUPLICATE_JSON_KEY, span_of(node, src), detail=detail)

        for step in item.steps:
            kind = type(step).__name__
            if kind == "TestGiven":
                given.append(_json_value(step.record, bad_number, duplicate))
            elif kind == "TestExisting":
                existing.append(_json_value(step.record, bad_number, duplicate))
            elif kind == "TestTaken":
                taken.extend(unescape(v.raw) for v in step.values)
            elif kind == "TestNow":
                now = unescape(step.value.raw)
            elif kind == "TestSeed":
                seed = self._number(step.value, src, "test seed", 0)
                if seed is not None and not 0 <= seed <= INT32_MAX:
                    self.bag.add(
                        Code.NUMBER_OUT_OF_RANGE,
                        span_of(step.value, src),
                        what="test seed",
                        value=seed,
                        low=0,
                    )
                    seed = None
            elif kind == "TestDomain":
                domain = unescape(step.value.raw)
            elif kind == "TestParam":
                pair = self._test_param(step, src)
                if pair is not None:
                    params[pair[0]] = pair[1]
            elif kind == "TestExpect":
                saw_expect = True
                action = step.action.name
                if action not in TEST_ACTIONS:
                    self.bag.add(
                        Code.UNKNOWN_EXPECTATION,
                        span_of(step.action, src),
                        detail=f"unknown expected action '{action}'",
                        hint=_suggest(action, TEST_ACTIONS),
                    )
                group = unescape(step.group.raw) if step.group is not None else None
                for check in step.checks:
                    ckind = type(check.check).__name__
                    if isinstance(check.check, str):  # textX gives keyword-only rules as text
                        ckind = "ExpectNotSet" if check.check.endswith("set") else "ExpectNoFlow"
                    expectations.append(
                        Expectation(
                            attribute=check.attribute.name,
                            kind={"ExpectEquals": "equals", "ExpectNotSet": "not_set"}.get(
                                ckind, "no_flow"
                            ),
                            value=_json_value(check.check.value, bad_number, duplicate)
                            if ckind == "ExpectEquals"
                            else None,
                            span=span_of(check, src),
                        )
                    )
        span = span_of(item, src)
        if not given:
            self.bag.add(
                Code.UNKNOWN_EXPECTATION,
                span,
                detail="a test needs at least one `given user {...}`",
            )
        if not saw_expect:
            self.bag.add(Code.UNKNOWN_EXPECTATION, span, detail="a test needs an `expect` line")
        self.tests.append(
            TestCase(
                name=unescape(item.name.raw),
                given=tuple(given),
                existing=tuple(existing),
                taken=tuple(taken),
                now=now,
                seed=seed,
                domain=domain,
                action=action,
                group=group,
                expectations=tuple(expectations),
                params=tuple(sorted(params.items())),
                span=span,
            )
        )

    def build(self, library: bool = False) -> Job | None:
        """The Job; None without a job block (PROV003 unless the file is a library)."""
        if self.job_seen is None:
            if not library:
                self.bag.add(Code.NO_JOB, Span(display_path(self.root), 1, 1, 1, 1))
            return None
        return Job(
            name=self.name,
            target=self.target or TargetKind.ENTRA,
            actions=self.actions,
            deletion_threshold=self.threshold,
            source_object=self.objects[0],
            target_object=self.objects[1],
            extensions=tuple(self.extensions),
            mappings=tuple(self.mappings),
            scope=tuple(self.scope),
            csv=tuple(self.csv),
            graph=self.graph,
            tests=tuple(self.tests),
            span=self.job_span,
            source_path=display_path(self.root),
            preserved=self.preserved,
            preserve_path=self.preserve_path,
            params=tuple(sorted(self.params.decls)),
        )


def _options(options: list[Any]) -> tuple[str | None, FlowType]:
    default = None
    flow = FlowType.ALWAYS
    for option in options:
        if type(option).__name__ == "DefaultOption":
            default = unescape(option.value.raw)
        else:
            flow = FlowType.OBJECT_ADD_ONLY
    return default, flow


def _text(obj: Any, src: SourceFile) -> str:
    start = getattr(obj, "_tx_position", 0)
    end = getattr(obj, "_tx_position_end", start)
    return src.text[start:end]


def _at(span: Span) -> str:
    return f"{span.file}:{span.line}:{span.col}"


def _suggest(word: str, choices: tuple[str, ...] | list[str]) -> str | None:
    import difflib

    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.5)
    if close:
        return f"did you mean '{close[0]}'?"
    return "expected one of: " + ", ".join(choices)


@dataclass
class Loaded:
    """The result of loading one root file."""

    job: Job | None
    has_own_job: bool  # the root file itself (not an import) contains the job block
    units: list[_Unit]
    sources: dict[str, SourceFile] = field(default_factory=dict)


def load_job(
    path: Path,
    bag: DiagnosticBag,
    params: ParamValues | None = None,
    overlay: dict[Path, str] | None = None,
    parse: Callable[[SourceFile, DiagnosticBag], Any] | None = None,
) -> Loaded:
    """Read ``path`` and its imports and lower them to one Job (None when there is no job).

    ``params`` gives the values ``$name`` uses compile to (the chosen environment's).
    ``overlay`` maps resolved paths to texts read instead of the files (`prov lsp`'s open
    documents); ``parse`` replaces ``parse_source`` (same contract)."""
    loader = Loader(bag, overlay or {}, parse or parse_source)
    loader.load(path)
    if not loader.units:
        return Loaded(None, False, [], loader.sources)
    builder = _JobBuilder(bag, path, params)
    builder.collect_aliases(loader.units)
    builder.collect_params(loader.units)
    for unit in loader.units:
        builder.add_unit(unit)
    root = loader.units[-1]
    own = any(type(i).__name__ == "Job" for i in root.model.items)
    if resolved(root.path) != resolved(path):  # the root failed to parse; only imports loaded
        return Loaded(None, False, loader.units, loader.sources)
    # A file with declarations but no job block (in it or its imports) is a library of shared
    # extensions and mappings: fine on its own. An empty file, or tests with no job, is PROV003.
    kinds = {type(i).__name__ for i in root.model.items}
    library = bool(kinds) and "Test" not in kinds and not own
    return Loaded(builder.build(library=library), own, loader.units, loader.sources)
