"""The language features over an ``Analysis``, as lsprotocol types.

Positions: LSP lines are 0-based and characters count UTF-16 code units; syncrules spans are
1-based and count code points. ``Text`` converts between the two.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any

from lsprotocol import types as lsp

from syncrules.diagnostics import Diagnostic, Severity
from syncrules.lsp.analysis import (
    Analysis,
    aliases,
    declared_at,
    short_name,
    source_names,
    span_path,
)
from syncrules.lsp.scan import context_at, token_at, word_before
from syncrules.source import SourceFile, Span

# ---- positions ----------------------------------------------------------------------------------


class Text:
    """A document's text with conversions between offsets, spans and LSP positions."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.source = SourceFile("", text)

    def line(self, index: int) -> str:
        return self.source.line_text(index + 1)

    def clamp(self, position: lsp.Position) -> lsp.Position:
        """The position itself, or the nearest one inside the document."""
        return self.position(self.offset(position))

    def offset(self, position: lsp.Position) -> int:
        starts = self.source.line_starts
        if position.line >= len(starts):
            return len(self.text)
        start = starts[position.line]
        end = starts[position.line + 1] - 1 if position.line + 1 < len(starts) else len(self.text)
        units = 0
        i = start
        while i < end and units < position.character:
            units += 2 if ord(self.text[i]) > 0xFFFF else 1
            i += 1
        return i

    def position(self, offset: int) -> lsp.Position:
        line, col = self.source.line_col(offset)
        return self.at(line, col)

    def at(self, line: int, col: int) -> lsp.Position:
        """The LSP position of a 1-based (line, column in code points)."""
        text = self.line(line - 1)
        prefix = text[: max(0, col - 1)]
        return lsp.Position(line=max(0, line - 1), character=len(prefix.encode("utf-16-le")) // 2)

    def span_range(self, span: Span) -> lsp.Range:
        return lsp.Range(
            start=self.at(span.line, span.col), end=self.at(span.end_line, span.end_col)
        )

    def range_of(self, start: int, end: int) -> lsp.Range:
        return lsp.Range(start=self.position(start), end=self.position(end))


def _uri(path: Path) -> str:
    return path.resolve().as_uri()


def _text_of(analysis: Analysis, file: str) -> Text:
    source = analysis.sources.get(file)
    return Text(source.text if source is not None else "")


# ---- diagnostics --------------------------------------------------------------------------------

_SEVERITY = {
    Severity.ERROR: lsp.DiagnosticSeverity.Error,
    Severity.WARNING: lsp.DiagnosticSeverity.Warning,
    Severity.NOTE: lsp.DiagnosticSeverity.Information,
}
_AT = re.compile(r"(\S+):(\d+):(\d+)")
_IMPORT = re.compile(r'^[ \t]*import[ \t]+("(?:[^"\\\n]|\\.)*")', re.MULTILINE)


def _related(analysis: Analysis, diag: Diagnostic) -> list[lsp.DiagnosticRelatedInformation]:
    """A second location named in the hint ("first mapped at rules/hr.prov:12:5")."""
    out = []
    for match in _AT.finditer(diag.hint or ""):
        file, line, col = match.group(1), int(match.group(2)), int(match.group(3))
        if file not in analysis.sources:
            continue
        text = _text_of(analysis, file)
        position = text.at(line, col)
        out.append(
            lsp.DiagnosticRelatedInformation(
                location=lsp.Location(
                    uri=_uri(span_path(file)), range=lsp.Range(start=position, end=position)
                ),
                message=diag.hint or "",
            )
        )
    return out


def _import_ranges(analysis: Analysis, text: Text) -> list[tuple[Path, lsp.Range]]:
    from syncrules.ir.expressions import unescape

    out = []
    for match in _IMPORT.finditer(text.text):
        target = (analysis.path.parent / unescape(match.group(1))).resolve()
        out.append((target, text.range_of(match.start(1), match.end(1))))
    return out


def diagnostics(analysis: Analysis, text: Text) -> list[lsp.Diagnostic]:
    """The document's diagnostics, as `prov check` reports them; problems found in an imported
    file are shown on the `import` line that brings it in, pointing at the real place."""
    out = []
    imports: list[tuple[Path, lsp.Range]] | None = None
    for diag in analysis.diagnostics:
        message = diag.message + (f"\nhelp: {diag.hint}" if diag.hint else "")
        related = _related(analysis, diag)
        if analysis.own(diag.span.file):
            where = text.span_range(diag.span)
        else:
            if imports is None:
                imports = _import_ranges(analysis, text)
            if not imports:
                continue
            path = span_path(diag.span.file).resolve()
            where = next((r for p, r in imports if p == path), imports[0][1])
            position = _text_of(analysis, diag.span.file).span_range(diag.span)
            message = f"{diag.span.file}:{diag.span.line}:{diag.span.col}: {message}"
            related.insert(
                0,
                lsp.DiagnosticRelatedInformation(
                    location=lsp.Location(uri=_uri(path), range=position), message=diag.message
                ),
            )
        out.append(
            lsp.Diagnostic(
                range=where,
                message=message,
                severity=_SEVERITY[diag.severity],
                code=diag.code.value,
                source="prov",
                related_information=related or None,
                data={"hint": diag.hint} if diag.hint else None,
            )
        )
    return out


# ---- completion ---------------------------------------------------------------------------------

SCOPE_OPERATORS = (
    "EQUALS",
    "NOT EQUALS",
    "IS TRUE",
    "IS FALSE",
    "IS NULL",
    "IS NOT NULL",
    "REGEX MATCH",
    "NOT REGEX MATCH",
    "Greater_Than",
    "Greater_Than_OR_EQUALS",
    "Includes",
    "ENDS_WITH",
    "&",
    "!&",
)
_NO_VALUE = {"IS TRUE", "IS FALSE", "IS NULL", "IS NOT NULL"}
TOP_ITEMS = (
    ("job", 'job "${1:Name}" {\n    target ${2|entra,ad|}\n    actions create, update\n}'),
    (
        "extension",
        'extension "${1:urn:ietf:params:scim:schemas:extension:${2:org}:1.0:User}" '
        "as ${3:alias} {\n    ${4:Name}: ${5|string,boolean,integer,datetime,reference|}\n}",
    ),
    ("match", "match [${1:externalId}] -> ${2:employeeId}"),
    (
        "scope",
        'scope {\n    group "${1:name}" {\n        [${2:attribute}] ${3:EQUALS} "${4}"\n    }\n}',
    ),
    ("map", "map {\n    ${1:target} <- ${2:expression}\n}"),
    ("source csv", "source csv {\n    ${1:externalId} <- [${2:Column}]\n}"),
    ("graph", 'graph {\n    service principal "${1}"\n    job "${2}"\n}'),
    (
        "test",
        'test "${1:name}" {\n    given user {\n        "externalId": "${2:1}"\n    }\n'
        "    expect ${3|create,update,enable,disable,delete,skip,none,fail|}\n}",
    ),
    ("import", 'import "${1:file.prov}"'),
    ("preserve", 'preserve "${1:job.preserve.json}"'),
)
TEST_STEPS = (
    ("given user", "given user {\n    $0\n}"),
    ("existing user", "existing user {\n    $0\n}"),
    ("expect", "expect ${1|create,update,enable,disable,delete,skip,none,fail|}"),
    ("now", 'now "${1:2025-01-01T00:00:00Z}"'),
    ("seed", "seed ${1:0}"),
    ("domain", 'domain "${1:contoso.com}"'),
    ("taken", 'taken "${1}"'),
)
EXPECT_CHECKS = (("==", "== ${1}"), ("not set", "not set"), ("does not flow", "does not flow"))
TEST_ACTIONS = ("create", "update", "enable", "disable", "delete", "skip", "none", "fail")
TYPES = ("string", "boolean", "integer", "datetime", "reference", "binary")
_TARGET_LINE = re.compile(r"^\s*[A-Za-z_0-9.:\-]*$")
_MATCH_TARGET = re.compile(r"^\s*match\b.*->\s*[A-Za-z_0-9.:\-]*$")
_SCOPE_OP = re.compile(r"^\s*\[[^\]]*(?:\[[^\]]*\][^\]]*)?\]\s+([A-Za-z_!& ]*)$")
_EXPECT_ATTR = re.compile(r"^\s*[A-Za-z_][A-Za-z0-9_.:\-]*\s+([a-z=]*)$")


def _item(
    label: str,
    kind: lsp.CompletionItemKind,
    replace: lsp.Range,
    new_text: str | None = None,
    detail: str | None = None,
    doc: str | None = None,
    snippet: bool = False,
    sort: str | None = None,
    filter_text: str | None = None,
) -> lsp.CompletionItem:
    return lsp.CompletionItem(
        label=label,
        kind=kind,
        detail=detail,
        documentation=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=doc) if doc else None,
        text_edit=lsp.TextEdit(range=replace, new_text=new_text if new_text is not None else label),
        insert_text_format=lsp.InsertTextFormat.Snippet if snippet else None,
        sort_text=sort,
        filter_text=filter_text,
    )


def _snippet_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("$", "\\$").replace("}", "\\}")


def _attribute_items(
    analysis: Analysis, text: Text, start: int, offset: int, bracket: bool = True
) -> list[Any]:
    job = analysis.job
    names = source_names(job, analysis.ctx)
    alias_map = aliases(job)
    closing = "" if not bracket or text.text[offset : offset + 1] == "]" else "]"
    where = text.range_of(start, offset)
    items = []
    for name, attr in sorted(names.items()):
        detail = attr.type + ("[]" if attr.multivalued else "")
        ext = declared_at(job, name)
        doc = (
            f"declared in `{ext.span.file}:{ext.span.line}`"
            if ext is not None
            else "API-driven provisioning source schema"
        )
        short = short_name(name, alias_map)
        if short is not None:
            items.append(
                _item(
                    short,
                    lsp.CompletionItemKind.Field,
                    where,
                    short + closing,
                    detail,
                    f"`{name}`, {doc}",
                    sort="0" + short,
                )
            )
        items.append(
            _item(
                name,
                lsp.CompletionItemKind.Field,
                where,
                name + closing,
                detail,
                doc,
                sort=("1" if name.startswith("urn:") else "0") + name,
            )
        )
    return items


def _target_items(analysis: Analysis, text: Text, offset: int) -> list[Any]:
    from syncrules.catalogue.attributes import target_attributes

    kind = "entra"
    if analysis.job is not None:
        kind = analysis.job.target.value
    else:
        match = re.search(r"\btarget\s+(entra|ad)\b", text.text)
        kind = match.group(1) if match else "entra"
    start = word_before(text.text, offset, ".:-")
    where = text.range_of(start, offset)
    return [
        _item(
            name,
            lsp.CompletionItemKind.Property,
            where,
            detail=attr.type + ("[]" if attr.multivalued else ""),
            doc=attr.description or f"{kind} target attribute",
        )
        for name, attr in sorted(target_attributes(kind).items())
    ]


def _function_items(text: Text, offset: int) -> list[Any]:
    from syncrules.catalogue.functions import all_functions

    start = word_before(text.text, offset)
    where = text.range_of(start, offset)
    items = []
    for name, fn in sorted(all_functions().items()):
        if fn.engine != "app":
            continue
        params = [p for p in fn.params if p.required] or list(fn.params[:0])
        slots = ", ".join(f"${{{i}:{_snippet_escape(p.name)}}}" for i, p in enumerate(params, 1))
        signature = f"{name}({', '.join(p.name for p in fn.params)})"
        items.append(
            _item(
                name,
                lsp.CompletionItemKind.Function,
                where,
                f"{name}({slots})",
                detail=f"{signature} -> {fn.returns.value}",
                doc=f"{fn.description}\n\nNULL: {fn.null_rule}\n\nExample: `{fn.example}`",
                snippet=True,
            )
        )
    return items


def _words(
    text: Text, offset: int, words: Any, kind: lsp.CompletionItemKind, extra: str = ""
) -> list[Any]:
    start = word_before(text.text, offset, extra)
    where = text.range_of(start, offset)
    out = []
    for word in words:
        if isinstance(word, tuple):
            label, snippet = word
            out.append(_item(label, kind, where, snippet, snippet=True))
        else:
            out.append(_item(word, kind, where))
    return out


def completion(analysis: Analysis, text: Text, position: lsp.Position) -> list[Any]:
    position = text.clamp(position)
    offset = text.offset(position)
    ctx = context_at(text.text, offset)
    if ctx.in_comment or ctx.in_string:
        return []
    line = ctx.line_before
    block = ctx.block
    if ctx.attr_start is not None:
        if block == "source" and "<-" in line:
            return []  # [Column] of a CSV row: the job cannot know the columns
        return _attribute_items(analysis, text, ctx.attr_start, offset)
    keyword = lsp.CompletionItemKind.Keyword
    if block == "" and _MATCH_TARGET.match(line):
        return _target_items(analysis, text, offset)
    if block == "" and re.fullmatch(r"\s*match\s+\w*", line):
        return _function_items(text, offset)
    if block == "" and re.fullmatch(r"\s*[a-z]*", line):
        return _words(text, offset, TOP_ITEMS, keyword)
    if block in ("map", "source"):
        if ctx.paren_depth == 0 and "<-" not in line and _TARGET_LINE.match(line):
            if block == "source":  # the SCIM path a CSV column fills
                start = word_before(text.text, offset, ".:-")
                return _attribute_items(analysis, text, start, offset, bracket=False)
            return _target_items(analysis, text, offset)
        if ctx.paren_depth > 0 or "<-" in line:
            tail = line.split("<-", 1)[-1] if "<-" in line else line
            if re.search(r"\)\s+\w*$", tail) or re.search(r'"\s+\w*$', tail):
                return _words(text, offset, ("default", ("on create", "on create")), keyword)
            return _function_items(text, offset)
        return []
    if block == "group":
        op = _SCOPE_OP.match(line)
        if op is not None:
            start = offset - len(op.group(1))
            where = text.range_of(start, offset)
            return [
                _item(
                    name,
                    lsp.CompletionItemKind.Operator,
                    where,
                    name if name in _NO_VALUE else f'{name} "$1"',
                    snippet=name not in _NO_VALUE,
                )
                for name in SCOPE_OPERATORS
            ]
        return []
    if block == "test":
        if re.fullmatch(r"\s*expect\s+\w*", line):
            return _words(text, offset, TEST_ACTIONS, lsp.CompletionItemKind.EnumMember)
        if re.fullmatch(r"\s*expect\s+\w+\s+\w*", line):
            return _words(text, offset, (("group", 'group "$1"'),), keyword)
        if re.fullmatch(r"\s*[a-z]*", line):
            return _words(text, offset, TEST_STEPS, keyword)
        return []
    if block == "expect":
        check = _EXPECT_ATTR.match(line)
        if check is not None:
            return _words(text, offset, EXPECT_CHECKS, lsp.CompletionItemKind.Operator, "=")
        if _TARGET_LINE.match(line):
            return _target_items(analysis, text, offset)
        return []
    if block == "job":
        if re.fullmatch(r"\s*target\s+\w*", line):
            return _words(text, offset, ("entra", "ad"), lsp.CompletionItemKind.EnumMember)
        if re.fullmatch(r"\s*actions\s+[\w, ]*", line):
            return _words(
                text, offset, ("create", "update", "delete"), lsp.CompletionItemKind.EnumMember
            )
        if re.fullmatch(r"\s*[a-z]*", line):
            return _words(
                text,
                offset,
                (
                    "target",
                    "actions",
                    ("deletion threshold", "deletion threshold ${1:500}"),
                    ("objects", 'objects "${1:User}" -> "${2:User}"'),
                ),
                keyword,
            )
        return []
    if block == "extension" and re.search(r":\s*\w*$", line):
        return _words(text, offset, TYPES, lsp.CompletionItemKind.TypeParameter)
    if block == "scope" and re.fullmatch(r"\s*[a-z]*", line):
        return _words(text, offset, (("group", 'group "${1:name}" {\n    $0\n}'),), keyword)
    if block == "graph" and re.fullmatch(r"\s*[a-z]*", line):
        return _words(
            text,
            offset,
            (
                ("service principal", 'service principal "$1"'),
                ("job", 'job "$1"'),
                ("url", 'url "$1"'),
            ),
            keyword,
        )
    return []


# ---- what is under the cursor -------------------------------------------------------------------

_ATTR_REF = re.compile(r'\[(?:[^\[\]"]|"(?:[^"\\]|\\.)*"|\[(?:[^\[\]"]|"(?:[^"\\]|\\.)*")*\])*\]')
_CODE = re.compile(r"PROV\d{3}")


def _attr_at(text: Text, offset: int) -> tuple[int, int] | None:
    """(start, end) of the attribute reference around ``offset`` on its line."""
    position = text.position(offset)
    line = text.line(position.line)
    line_start = text.source.line_starts[position.line]
    for match in _ATTR_REF.finditer(line):
        if match.start() <= offset - line_start < match.end():
            return line_start + match.start(), line_start + match.end()
    return None


def _resolve(name: str, job: Any) -> str:
    head, sep, rest = name.partition(":")
    alias_map = aliases(job)
    if sep and head in alias_map and not name.startswith("urn:"):
        return f"{alias_map[head]}:{rest}"
    return name


def _markdown(value: str) -> lsp.Hover:
    return lsp.Hover(contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=value))


def _fence(text: str) -> str:
    return "```text\n" + text.replace("```", "'''") + "\n```"


def _mapping_at(analysis: Analysis, line: int, col: int) -> Any:
    """The mapping whose target name is at (1-based line, col)."""
    if analysis.job is None:
        return None
    for mapping in analysis.job.mappings:
        span = mapping.span
        if not analysis.own(span.file) or span.line != line:
            continue
        if mapping.matching_priority:
            source = analysis.source.line_text(line)
            at = source.find(mapping.target, source.find("->"))
            if at >= 0 and at + 1 <= col <= at + 1 + len(mapping.target):
                return mapping
        elif span.col <= col <= span.col + len(mapping.target):
            return mapping
    return None


def hover(analysis: Analysis, text: Text, position: lsp.Position) -> lsp.Hover | None:
    position = text.clamp(position)
    from syncrules.catalogue.functions import get as get_function
    from syncrules.explain import explain_code, explain_function

    offset = text.offset(position)
    parts: list[str] = []
    ctx = context_at(text.text, offset)
    found = _attr_at(text, offset)
    if found is not None and not ctx.in_comment and ctx.block != "json":
        raw = text.text[found[0] + 1 : found[1] - 1]
        if ctx.block == "source" and "<-" in text.line(position.line)[: position.character]:
            parts.append(f"`[{raw}]`: a column of the HR CSV file")
        else:
            name = _resolve(raw, analysis.job)
            attr = source_names(analysis.job, analysis.ctx).get(name)
            if attr is None:
                parts.append(f"`{name}`: unknown source attribute")
            else:
                kind = attr.type + (", multi-valued" if attr.multivalued else "")
                ext = declared_at(analysis.job, name)
                where = (
                    f"declared at `{ext.span.file}:{ext.span.line}:{ext.span.col}`"
                    if ext is not None
                    else "from the API-driven provisioning source schema"
                )
                desc = f"\n\n{attr.description}" if attr.description else ""
                parts.append(f"**{name}**: {kind}, {where}{desc}")
    start, end = token_at(text.text, offset)
    word = text.text[start:end]
    if not parts and word and not ctx.in_string:
        after = text.text[end:].lstrip(" \t\r\n")
        fn = get_function(word)
        if fn is not None and after.startswith("(") and not ctx.in_comment:
            explained = explain_function(word)
            if explained:
                parts.append(_fence(explained))
        code = _CODE.fullmatch(word)
        if code is not None:
            explained = explain_code(word)
            if explained:
                parts.append(_fence(explained))
    if not parts and not ctx.in_comment:
        line, col = position.line + 1, offset - text.source.line_starts[position.line] + 1
        mapping = _mapping_at(analysis, line, col)
        if mapping is not None:
            parts.append(_target_hover(analysis, mapping))
    for diag in analysis.diagnostics:
        if not analysis.own(diag.span.file):
            continue
        span = diag.span
        if (
            (span.line, span.col)
            <= (position.line + 1, offset - text.source.line_starts[position.line] + 1)
            <= (span.end_line, span.end_col)
        ):
            explained = explain_code(diag.code.value)
            if explained and explained not in "\n".join(parts):
                parts.append(_fence(explained))
    if not parts:
        return None
    return _markdown("\n\n---\n\n".join(parts))


def _target_hover(analysis: Analysis, mapping: Any) -> str:
    ctx = analysis.ctx
    attr = ctx.target(mapping.target) if ctx is not None else None
    kind = (attr.type + (", multi-valued" if attr.multivalued else "")) if attr else "unknown"
    target = analysis.job.target.value if analysis.job is not None else "entra"
    lines = [f"**{mapping.target}** ({target} target attribute): {kind}"]
    flow = "on create only" if mapping.flow.value != "Always" else "always"
    lines.append(f"\nFlows {flow}" + (f"; default `{mapping.default}`" if mapping.default else ""))
    for value in analysis.live_values():
        if value.mapping is mapping:
            lines.append(f"\nValue for {value.sample}: {value.detail}")
    return "\n".join(lines)


# ---- go to definition ---------------------------------------------------------------------------


def definition(analysis: Analysis, text: Text, position: lsp.Position) -> list[lsp.Location]:
    position = text.clamp(position)
    from syncrules.ir.expressions import unescape

    offset = text.offset(position)
    line = text.line(position.line)
    match = _IMPORT.match(line) or re.match(r'^\s*preserve\s+("(?:[^"\\]|\\.)*")', line)
    if match is not None:
        target = (analysis.path.parent / unescape(match.group(1))).resolve()
        if target.exists():
            zero = lsp.Position(line=0, character=0)
            return [lsp.Location(uri=target.as_uri(), range=lsp.Range(start=zero, end=zero))]
        return []
    found = _attr_at(text, offset)
    if found is None or analysis.job is None:
        return []
    raw = text.text[found[0] + 1 : found[1] - 1]
    head, sep, _ = raw.partition(":")
    alias_map = aliases(analysis.job)
    on_alias = sep and head in alias_map and offset < found[0] + 1 + len(head)
    name = _resolve(raw, analysis.job)
    if on_alias:
        for ext in analysis.job.extensions:
            if ext.alias == head:
                source = analysis.sources.get(ext.span.file)
                ext_text = Text(source.text if source else "")
                start = ext_text.source.line_starts[ext.span.line - 1] + ext.span.col - 1
                found_alias = re.compile(r"\bas\s+(" + re.escape(head) + r")\b").search(
                    ext_text.text, start
                )
                if found_alias is None:
                    continue
                where = ext_text.range_of(found_alias.start(1), found_alias.end(1))
                return [lsp.Location(uri=_uri(span_path(ext.span.file)), range=where)]
        return []
    ext_attr = declared_at(analysis.job, name)
    if ext_attr is None:
        return []
    source_text = _text_of(analysis, ext_attr.span.file)
    span = ext_attr.span
    end = Span(span.file, span.line, span.col, span.line, span.col + len(ext_attr.name))
    return [lsp.Location(uri=_uri(span_path(span.file)), range=source_text.span_range(end))]


# ---- document symbols ---------------------------------------------------------------------------


def symbols(analysis: Analysis, text: Text) -> list[lsp.DocumentSymbol]:
    job = analysis.job
    if job is None:
        return []
    out = []

    def symbol(
        name: str,
        detail: str | None,
        kind: lsp.SymbolKind,
        span: Span,
        children: list[lsp.DocumentSymbol] | None = None,
    ) -> lsp.DocumentSymbol:
        where = text.span_range(span)
        end_line = span.line
        first = Span(span.file, span.line, span.col, end_line, len(text.line(span.line - 1)) + 1)
        selection = text.span_range(first) if span.end_line > span.line else where
        return lsp.DocumentSymbol(
            name=name or "?",
            detail=detail,
            kind=kind,
            range=where,
            selection_range=selection,
            children=children,
        )

    if analysis.own(job.span.file) and job.span.line > 0 and job.name:
        out.append(
            symbol(job.name, f"job, target {job.target.value}", lsp.SymbolKind.Module, job.span)
        )
    for ext in job.extensions:
        if not analysis.own(ext.span.file):
            continue
        children = [
            symbol(
                a.name, a.type.value + ("[]" if a.multivalued else ""), lsp.SymbolKind.Field, a.span
            )
            for a in ext.attributes
        ]
        out.append(
            symbol(ext.alias or ext.urn, ext.urn, lsp.SymbolKind.Namespace, ext.span, children)
        )
    for mapping in job.mappings:
        if not analysis.own(mapping.span.file):
            continue
        expression = " ".join(mapping.text.split())
        if len(expression) > 60:
            expression = expression[:59] + "…"
        if mapping.matching_priority:
            out.append(
                symbol(
                    mapping.target,
                    f"match priority {mapping.matching_priority}: {expression}",
                    lsp.SymbolKind.Key,
                    mapping.span,
                )
            )
        else:
            out.append(symbol(mapping.target, expression, lsp.SymbolKind.Property, mapping.span))
    for group in job.scope:
        if analysis.own(group.span.file):
            out.append(
                symbol(
                    group.name,
                    f"scoping group, {len(group.clauses)} clause(s)",
                    lsp.SymbolKind.Struct,
                    group.span,
                )
            )
    for test in job.tests:
        if analysis.own(test.span.file):
            out.append(
                symbol(test.name, f"test, expect {test.action}", lsp.SymbolKind.Method, test.span)
            )
    out.sort(key=lambda s: (s.range.start.line, s.range.start.character))
    return out


# ---- formatting ---------------------------------------------------------------------------------


def format_edits(text: Text, shown: str) -> list[lsp.TextEdit] | None:
    """`prov fmt`'s result as edits of the changed lines; None on a syntax error."""
    from syncrules.fmt import format_source

    formatted, _diags = format_source(text.text, shown)
    if formatted is None:
        return None
    original = text.text
    crlf = "\r\n" in original.split("\n", 1)[0] + "\n" and original.split("\n", 1)[0].endswith("\r")
    if crlf:
        formatted = formatted.replace("\n", "\r\n")
    if formatted == original:
        return []
    old = original.splitlines(keepends=True)
    new = formatted.splitlines(keepends=True)
    starts = [0]
    for line in old:
        starts.append(starts[-1] + len(line))
    edits = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        edits.append(
            lsp.TextEdit(range=text.range_of(starts[i1], starts[i2]), new_text="".join(new[j1:j2]))
        )
    return edits


def range_format_edits(text: Text, shown: str, wanted: lsp.Range) -> list[lsp.TextEdit] | None:
    """The edits of `prov fmt` that lie within the lines of ``wanted``."""
    edits = format_edits(text, shown)
    if edits is None:
        return None
    first, last = wanted.start.line, wanted.end.line
    if wanted.end.character == 0 and last > first:
        last -= 1
    out = []
    for edit in edits:
        start, end = edit.range.start.line, edit.range.end.line
        # an edit replacing lines [start, end) (or inserting at start when they are equal)
        if first <= start and (end - 1 if end > start else start) <= last:
            out.append(edit)
    return out


# ---- code actions -------------------------------------------------------------------------------

_DID_YOU_MEAN = re.compile(r"did you mean '([^']*)'\?")
_QUOTED = re.compile(r"'([^']*)'")


def code_actions(
    analysis: Analysis, text: Text, uri: str, params: lsp.CodeActionParams
) -> list[lsp.CodeAction]:
    out = []
    alias_map = aliases(analysis.job)
    for diag in params.context.diagnostics:
        if diag.source != "prov":
            continue
        suggestion = _DID_YOU_MEAN.search(diag.message)
        if suggestion is None:
            continue
        wanted = suggestion.group(1)
        start, end = text.offset(diag.range.start), text.offset(diag.range.end)
        region = text.text[start:end]
        bracket = _ATTR_REF.search(region)
        if bracket is not None:
            inner = region[bracket.start() + 1 : bracket.end() - 1]
            head, sep, _ = inner.partition(":")
            replacement = wanted
            if sep and head in alias_map and wanted.startswith(alias_map[head] + ":"):
                replacement = f"{head}:{wanted[len(alias_map[head]) + 1 :]}"
            else:
                replacement = short_name(wanted, alias_map) or wanted
            edit_start, edit_end = start + bracket.start() + 1, start + bracket.end() - 1
        else:
            wrong = _QUOTED.search(diag.message)
            if wrong is None:
                continue
            at = region.find(wrong.group(1))
            if at < 0:
                continue
            replacement = wanted
            edit_start, edit_end = start + at, start + at + len(wrong.group(1))
        out.append(
            lsp.CodeAction(
                title=f"Change to '{replacement}'",
                kind=lsp.CodeActionKind.QuickFix,
                diagnostics=[diag],
                is_preferred=True,
                edit=lsp.WorkspaceEdit(
                    changes={
                        uri: [
                            lsp.TextEdit(
                                range=text.range_of(edit_start, edit_end), new_text=replacement
                            )
                        ]
                    }
                ),
            )
        )
    return out


# ---- live values --------------------------------------------------------------------------------


def inlay_hints(analysis: Analysis, text: Text, wanted: lsp.Range) -> list[lsp.InlayHint]:
    out = []
    for value in analysis.live_values():
        span = value.mapping.span
        position = text.at(span.end_line, span.end_col)
        if not (wanted.start.line <= position.line <= wanted.end.line):
            continue
        out.append(
            lsp.InlayHint(
                position=position,
                label=f"= {value.label}",
                padding_left=True,
                tooltip=f"{value.mapping.target}: {value.detail}\n(for {value.sample})",
            )
        )
    return out
