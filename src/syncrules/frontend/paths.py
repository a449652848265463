"""Which .prov files a list of command-line paths names: files as given, folders expanded.

Shared by the compiler (``syncrules.api``) and the formatter (``syncrules.fmt``), so the formatter
need not import the compiler.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from syncrules.diagnostics import Code, DiagnosticBag
from syncrules.safeio import cannot_read
from syncrules.source import Span, display_path

__all__ = ["expand_paths"]


def expand_paths(paths: Iterable[str | Path], bag: DiagnosticBag) -> list[tuple[Path, bool]]:
    """Files to load: (path, came_from_folder). Folders give their *.prov files, sorted; a folder
    without any is reported (PROV002), whether or not other paths are given."""
    out: list[tuple[Path, bool]] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            try:  # rglob passes over a folder it cannot read as if it were empty
                with os.scandir(path):
                    pass
            except OSError as exc:
                bag.add(
                    Code.UNREADABLE_FILE,
                    Span.unknown(display_path(raw)),
                    detail=cannot_read(display_path(raw), exc),
                )
                continue
            found = sorted(_prov_files(path, raw, bag))
            if not found:
                bag.add(
                    Code.UNREADABLE_FILE,
                    Span.unknown(display_path(raw)),
                    detail=f"no .prov files in {display_path(raw)}",
                )
            out.extend((p, True) for p in found)
        else:
            out.append((path, False))
    return out


def _prov_files(folder: Path, raw: str | Path, bag: DiagnosticBag) -> list[Path]:
    """The *.prov files under ``folder`` (symbolic links to folders are not followed, as with
    ``Path.rglob``); a subfolder that cannot be read is reported (PROV002), not passed over."""
    found: list[Path] = []

    def unreadable(exc: OSError) -> None:
        shown = display_path(exc.filename) if exc.filename else display_path(raw)
        bag.add(Code.UNREADABLE_FILE, Span.unknown(shown), detail=cannot_read(shown, exc))

    for here, _dirs, files in os.walk(folder, onerror=unreadable):
        for name in files:
            if name.endswith(".prov") and (candidate := Path(here) / name).is_file():
                found.append(candidate)
    return found
