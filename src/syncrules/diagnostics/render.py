"""Render diagnostics: gcc-style text with a source excerpt and caret, or JSON."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping

from syncrules.diagnostics import Diagnostic
from syncrules.source import SourceFile

#: Source excerpts longer than this are cut around the span (the cuts marked with "…").
MAX_EXCERPT = 160
#: Characters kept before the span when a long line is cut.
_LEAD = 40
#: Messages and hints longer than this are cut (they may quote a long name or value).
MAX_MESSAGE = 1000


def _shorten(text: str, limit: int = MAX_MESSAGE) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def excerpt(text: str, col: int, width: int, limit: int = MAX_EXCERPT) -> tuple[str, int, int]:
    """The part of source line ``text`` shown for a span at 1-based column ``col``, ``width``
    characters wide: (shown text, 1-based column of the caret in it, caret width).

    A line longer than ``limit`` is cut to a window around the start of the span; each cut is
    marked with "…" and the caret stays under the span's first character."""
    width = max(1, width)
    if len(text) <= limit:
        return text, col, width
    start = min(max(0, col - 1), len(text))
    low = max(0, start - _LEAD)
    high = min(len(text), low + limit)
    low = max(0, min(low, high - limit))
    head = "…" if low > 0 else ""
    tail = "…" if high < len(text) else ""
    shown = head + text[low:high] + tail
    caret = len(head) + start - low + 1
    return shown, caret, max(1, min(width, high - start))


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
        lines.append(
            f"{s.file}:{s.line}:{s.col}: {d.severity.value}[{d.code.value}]: " + _shorten(d.message)
        )
        source = (sources or {}).get(s.file)
        if source is not None:
            text = source.line_text(s.line)
            if text or s.line <= len(source.line_starts):
                gutter = f"{s.line:>5} | "
                width = (s.end_col - s.col) if s.end_line == s.line else len(text) - s.col + 1
                visible, col, width = excerpt(text.expandtabs(1), s.col, width)
                lines.append(gutter + visible)
                lines.append(" " * (len(gutter) - 2) + "| " + " " * (col - 1) + "^" * width)
        if d.hint:
            lines.append(f"   = help: {_shorten(d.hint)}")
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
