"""Render diagnostics: gcc-style text with a source excerpt and caret, or JSON."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping

from syncrules.diagnostics import Diagnostic
from syncrules.source import SourceFile


def render_text(
    diags: Iterable[Diagnostic],
    sources: Mapping[str, SourceFile] | None = None,
    max_errors: int | None = 50,
) -> str:
    items = list(diags)
    shown = items if max_errors is None else items[:max_errors]
    lines: list[str] = []
    for d in shown:
        s = d.span
        lines.append(f"{s.file}:{s.line}:{s.col}: {d.severity.value}[{d.code.value}]: {d.message}")
        source = (sources or {}).get(s.file)
        if source is not None:
            text = source.line_text(s.line)
            if text or s.line <= len(source.line_starts):
                gutter = f"{s.line:>5} | "
                lines.append(gutter + text.expandtabs(1))
                width = (s.end_col - s.col) if s.end_line == s.line else len(text) - s.col + 1
                width = max(1, width)
                lines.append(" " * (len(gutter) - 2) + "| " + " " * (s.col - 1) + "^" * width)
        if d.hint:
            lines.append(f"   = help: {d.hint}")
    if max_errors is not None and len(items) > max_errors:
        lines.append(f"... and {len(items) - max_errors} more")
    return "\n".join(lines)


def summary(diags: Iterable[Diagnostic]) -> str:
    items = list(diags)
    errors = sum(1 for d in items if d.severity.value == "error")
    warnings = sum(1 for d in items if d.severity.value == "warning")
    parts = [f"{errors} error{'s' if errors != 1 else ''}"]
    parts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
    return ", ".join(parts)


def render_json(diags: Iterable[Diagnostic]) -> str:
    return json.dumps([d.to_json() for d in diags], indent=2, ensure_ascii=False)
