"""Formatting files on disk for ``prov fmt PATH...``: read, format, compare, diff, write.

A file is read as UTF-8 (a BOM is accepted and dropped). Its line ends are kept: a file whose first
line ends in CRLF is written back with CRLF. A file is rewritten only when its text changes, and
never when it has a syntax error.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from syncrules.diagnostics import Diagnostic, DiagnosticBag
from syncrules.filesystem import write_atomic
from syncrules.fmt.source import format_source
from syncrules.frontend.paths import expand_paths
from syncrules.ir.lower import read_source
from syncrules.safeio import read_input, resolved
from syncrules.source import SourceFile, display_path


@dataclass
class FileResult:
    """What formatting one file gave: the texts before and after, or diagnostics."""

    path: Path
    shown: str
    original: str | None = None
    formatted: str | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    source: SourceFile | None = None

    @property
    def ok(self) -> bool:
        return self.formatted is not None

    @property
    def changed(self) -> bool:
        return self.formatted is not None and self.formatted != self.original

    def diff(self) -> str:
        """A unified diff from the file to its formatted text ("" when unchanged)."""
        if not self.changed or self.original is None or self.formatted is None:
            return ""
        lines = difflib.unified_diff(
            self.original.splitlines(keepends=True),
            self.formatted.splitlines(keepends=True),
            fromfile=self.shown,
            tofile=f"{self.shown} (formatted)",
        )
        return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def format_file(path: Path) -> FileResult:
    """Format one file in memory (nothing is written)."""
    shown = display_path(path)
    result = FileResult(path, shown)
    try:
        data = read_input(path)  # refuses FIFOs, devices, huge files
        raw = data.decode("utf-8")
    except (OSError, UnicodeDecodeError):
        bag = DiagnosticBag()
        read_source(path, bag)  # says why, as PROV002
        result.diagnostics = bag.sorted()
        return result
    result.original = raw
    text = raw.removeprefix("\ufeff").replace("\r\n", "\n")
    result.source = SourceFile(shown, text)
    if "\x00" in text:
        bag = DiagnosticBag()
        read_source(path, bag)
        result.diagnostics = bag.sorted()
        return result
    formatted, result.diagnostics = format_source(text, shown)
    if formatted is not None and _crlf(raw):
        formatted = formatted.replace("\n", "\r\n")
    result.formatted = formatted
    return result


def _crlf(text: str) -> bool:
    end = text.find("\n")
    return end > 0 and text[end - 1] == "\r"


def write(result: FileResult) -> None:
    """Write the formatted text over the file (only when it changed). Raises OSError.

    The text goes to a temporary file beside the original, which then replaces it in one step
    (keeping its permissions): an interrupted `prov fmt` never leaves a half-written rules file.
    """
    if result.changed and result.formatted is not None:
        write_atomic(result.path, result.formatted)


def expand(paths: Iterable[Path]) -> tuple[list[Path], list[Diagnostic]]:
    """The .prov files under ``paths`` (folders give their *.prov files, sorted), each once."""
    bag = DiagnosticBag()
    files: list[Path] = []
    seen: set[Path] = set()
    for path, _ in expand_paths(list(paths), bag):
        key = resolved(path)
        if key not in seen:
            seen.add(key)
            files.append(path)
    return files, bag.sorted()
