"""Diagnostics are data: a stable code, a severity, a message, a span and a hint."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from syncrules.diagnostics.codes import CODES, Code
from syncrules.source import Span

__all__ = ["CODES", "Code", "Diagnostic", "DiagnosticBag", "Severity"]


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    code: Code
    severity: Severity
    message: str
    span: Span
    hint: str | None = None

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.span.file, self.span.line, self.span.col, self.code.value, self.message)

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code.value,
            "slug": CODES[self.code].slug,
            "severity": self.severity.value,
            "message": self.message,
            "file": self.span.file,
            "line": self.span.line,
            "col": self.span.col,
            "end_line": self.span.end_line,
            "end_col": self.span.end_col,
            "hint": self.hint,
        }


class DiagnosticBag:
    """Collects diagnostics; passes append, the pipeline decides whether to go on."""

    def __init__(self) -> None:
        self.items: list[Diagnostic] = []

    def add(
        self,
        code: Code,
        span: Span,
        hint: str | None = None,
        severity: Severity | None = None,
        **params: Any,
    ) -> Diagnostic:
        info = CODES[code]
        sev = severity or Severity(info.severity)
        message = info.message.format(**params)
        diag = Diagnostic(code, sev, message, span, hint)
        self.items.append(diag)
        return diag

    def extend(self, diags: list[Diagnostic]) -> None:
        self.items.extend(diags)

    @property
    def has_errors(self) -> bool:
        return any(d.severity is Severity.ERROR for d in self.items)

    def sorted(self) -> list[Diagnostic]:
        seen: set[tuple[Any, ...]] = set()
        out = []
        for d in sorted(self.items, key=Diagnostic.sort_key):
            key = (d.code, d.span, d.message)
            if key in seen:
                continue
            seen.add(key)
            out.append(d)
        return out

    def __len__(self) -> int:
        return len(self.items)
