"""The language features over an ``Analysis``, as lsprotocol types: diagnostics, hover, go to
definition, document symbols and live values here; completion in ``completion``, formatting and
quick fixes in ``edits``, positions in ``text``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from lsprotocol import types as lsp

from syncrules.diagnostics import Diagnostic, Severity
from syncrules.lsp.analysis import (
    Analysis,
    aliases,
    declared_at,
    source_names,
    span_path,
)
from syncrules.lsp.completion import completion
from syncrules.lsp.edits import code_actions, format_edits, range_format_edits
from syncrules.lsp.scan import context_at, token_at
from syncrules.lsp.text import Text, text_of, uri_of
from syncrules.source import Span

__all__ = [
    "Text",
    "code_actions",
    "completion",
    "definition",
    "diagnostics",
    "format_edits",
    "hover",
    "inlay_hints",
    "range_format_edits",
    "symbols",
]
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
        text = text_of(analysis, file)
        position = text.at(line, col)
        out.append(
            lsp.DiagnosticRelatedInformation(
                location=lsp.Location(
                    uri=uri_of(span_path(file)), range=lsp.Range(start=position, end=position)
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
            position = text_of(analysis, diag.span.file).span_range(diag.span)
            message = f"{diag.span.file}:{diag.span.line}:{diag.span.col}: {message}"
            related.insert(
                0,
                lsp.DiagnosticRelatedInformation(
                    location=lsp.Location(uri=uri_of(path), range=position), message=diag.message
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
                return [lsp.Location(uri=uri_of(span_path(ext.span.file)), range=where)]
        return []
    ext_attr = declared_at(analysis.job, name)
    if ext_attr is None:
        return []
    source_text = text_of(analysis, ext_attr.span.file)
    span = ext_attr.span
    end = Span(span.file, span.line, span.col, span.line, span.col + len(ext_attr.name))
    return [lsp.Location(uri=uri_of(span_path(span.file)), range=source_text.span_range(end))]


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
