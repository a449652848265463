"""Positions: LSP lines are 0-based and characters count UTF-16 code units; syncrules spans are
1-based and count code points. ``Text`` converts between the two."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types as lsp

from syncrules.lsp.analysis import (
    Analysis,
)
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


def uri_of(path: Path) -> str:
    return path.resolve().as_uri()


def text_of(analysis: Analysis, file: str) -> Text:
    source = analysis.sources.get(file)
    return Text(source.text if source is not None else "")
