"""Parse a document item by item and reuse the textX models of the items a change left alone.

textX parses a whole file at once; for a 500-line job that is most of the time between a
keystroke and its diagnostics. ``ItemParser`` cuts the text at the lines where a top-level item
starts (outside strings, comments, blocks and parentheses), parses each item on its own, keeps
the models by their text, and on the next change parses only the items whose text changed; the
positions of reused models are moved to where their item now starts. The result has the
``imports`` and ``items`` of the whole-file model, with the same positions.

Whenever the cut is in doubt the whole text is parsed as `prov check` parses it: a file that is
not cut into at least two items, an item that does not parse on its own (the syntax error is
then reported exactly as `prov check` reports it), an `import` after an item. Tests check that
both ways give the same diagnostics and the same job (tests/lsp/test_incremental.py).
"""

from __future__ import annotations

import re
from typing import Any

from textx import get_children

from syncrules.diagnostics import DiagnosticBag
from syncrules.frontend.parse import parse_source
from syncrules.source import SourceFile

_ITEM = re.compile(
    r"(?:import|job|extension|match|scope|map|source|graph|preserve|test)(?![A-Za-z0-9_\-])"
)


def _skip(text: str, i: int, n: int) -> int:
    """The offset after the string or comment that starts at ``i`` (-1 if it never ends), or
    ``i`` when none starts there."""
    if text.startswith("//", i):
        nl = text.find("\n", i)
        return n if nl < 0 else nl
    if text.startswith("/*", i):
        close = text.find("*/", i + 2)
        return -1 if close < 0 else close + 2
    if text[i] == '"':
        j = i + 1
        while j < n and text[j] != '"':
            j += 2 if text[j] == "\\" else 1
        return -1 if j >= n else j + 1
    return i


_MAPPING = re.compile(r"[ \t]*[A-Za-z_](?:[A-Za-z0-9_.:]|-(?!>))*[ \t]*<-")
_MAP_OPEN = re.compile(r"map(?:\s|//[^\n]*|/\*.*?\*/)*\{", re.DOTALL)
#: what a mapping is wrapped in to be parsed on its own
MAP_PREFIX, MAP_SUFFIX = "map {\n", "\n}"


def _split_map(chunk: str, base: int, at: int) -> list[tuple[int, str, int]] | None:
    """A `map { ... }` item cut into its mappings, each parsed as a block of one mapping:
    (offset of the mapping, text to parse, offset of the mapping in that text); the block's
    braces and comments around the mappings are parsed (and checked) as an empty block."""
    # Mappings are cut at lines that start with `name <-` inside the block, outside parentheses
    # and strings; a wrong cut makes a piece fail to parse, and the whole text is then parsed.
    opened = _MAP_OPEN.match(chunk, at)
    if opened is None:
        return None
    n = len(chunk)
    i = opened.end()
    depth, parens = 1, 0
    starts: list[int] = []
    close = -1
    line_start = False
    while i < n:
        if line_start and depth == 1 and parens == 0 and _MAPPING.match(chunk, i):
            starts.append(i)
        line_start = False
        j = _skip(chunk, i, n)
        if j < 0:
            return None
        if j != i:
            i = j
            continue
        ch = chunk[i]
        if ch == "\n":
            line_start = True
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                close = i
                break
        elif ch == "(":
            parens += 1
        elif ch == ")":
            parens = max(0, parens - 1)
        i += 1
    if close < 0 or not starts:
        return None
    # the block without its mappings (blanked out, lines kept, so whatever follows the block in
    # the chunk keeps its positions)
    blank = re.sub(r"[^\n]", " ", chunk[starts[0] : close])
    pieces = [(base, chunk[: starts[0]] + blank + chunk[close:], 0)]
    bounds = [*starts, close]
    for k in range(len(starts)):
        body = chunk[bounds[k] : bounds[k + 1]]
        pieces.append((base + bounds[k], MAP_PREFIX + body + MAP_SUFFIX, len(MAP_PREFIX)))
    return pieces


def split_items(text: str) -> list[tuple[int, str, int]] | None:
    """The pieces to parse: (offset in ``text``, text to parse, offset of the piece's content in
    that text). One piece per top-level item (leading comments go with the item after them), a
    map block cut into its mappings. None when the text has fewer than two items or a string or
    comment never ends."""
    starts: list[int] = []
    depth = parens = 0
    i, n = 0, len(text)
    at_line_start = True
    while i < n:
        ch = text[i]
        if at_line_start and depth == 0 and parens == 0:
            j = i
            while j < n and text[j] in " \t":
                j += 1
            if _ITEM.match(text, j):
                starts.append(i)
            at_line_start = False
            i = j
            continue
        if ch == "\n":
            at_line_start = True
            i += 1
        elif text.startswith("//", i):
            nl = text.find("\n", i)
            i = n if nl < 0 else nl
        elif text.startswith("/*", i):
            close = text.find("*/", i + 2)
            if close < 0:
                return None
            at_line_start = False
            i = close + 2
        elif ch == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            if j >= n:
                return None
            i = j + 1
        else:
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth = max(0, depth - 1)
            elif ch == "(":
                parens += 1
            elif ch == ")":
                parens = max(0, parens - 1)
            i += 1
    if len(starts) < 2:
        return None
    starts[0] = 0  # comments before the first item belong to it
    bounds = [*starts, n]
    pieces: list[tuple[int, str, int]] = []
    for k in range(len(starts)):
        chunk = text[bounds[k] : bounds[k + 1]]
        at = _map_at(chunk)
        mappings = _split_map(chunk, bounds[k], at) if at >= 0 else None
        pieces.extend(mappings or [(bounds[k], chunk, 0)])
    return pieces


def _map_at(chunk: str) -> int:
    """Where the chunk's `map` keyword is when its item (after leading comments) is a map
    block, else -1."""
    i, n = 0, len(chunk)
    while i < n:
        if chunk[i].isspace():
            i += 1
            continue
        j = _skip(chunk, i, n)
        if j == i or j < 0:
            break
        i = j
    if chunk.startswith("map", i) and _ITEM.match(chunk, i) is not None:
        return i
    return -1


class _Model:
    """The whole document: the imports and items of its parsed pieces."""

    def __init__(self, imports: list[Any], items: list[Any]) -> None:
        self.imports = imports
        self.items = items


def _shift(model: Any, delta: int) -> None:
    for obj in get_children(lambda _obj: True, model):
        start = getattr(obj, "_tx_position", None)
        if start is not None:
            obj._tx_position = start + delta
            obj._tx_position_end = obj._tx_position_end + delta


class ItemParser:
    """A ``parse_source`` that reuses the models of unchanged items, one cache per file."""

    def __init__(self) -> None:
        #: file -> item text -> [(model, offset it was placed at), ...]
        self._cache: dict[str, dict[str, list[list[Any]]]] = {}
        self.reused = self.parsed = 0  # counters, for tests and benchmarks

    def __call__(self, source: SourceFile, bag: DiagnosticBag) -> Any | None:
        pieces = split_items(source.text)
        if pieces is None:
            self._cache.pop(source.path, None)
            return parse_source(source, bag)
        old = self._cache.get(source.path, {})
        new: dict[str, list[list[Any]]] = {}
        imports: list[Any] = []
        items: list[Any] = []
        for offset, piece, inner in pieces:
            offset -= inner  # where position 0 of the parsed text lies in the document
            kept = old.get(piece)
            if kept:
                entry = kept.pop()
                self.reused += 1
            else:
                local = DiagnosticBag()
                model = parse_source(SourceFile(source.path, piece), local)
                if model is None or local.items or not hasattr(model, "_tx_position"):
                    self._cache.pop(source.path, None)
                    return parse_source(source, bag)  # diagnostics exactly as prov check
                entry = [model, 0]
                self.parsed += 1
            if entry[1] != offset:
                _shift(entry[0], offset - entry[1])
                entry[1] = offset
            new.setdefault(piece, []).append(entry)
            model = entry[0]
            if model.imports and items:  # an import after an item: a syntax error
                self._cache.pop(source.path, None)
                return parse_source(source, bag)
            imports.extend(model.imports)
            items.extend(model.items)
        self._cache[source.path] = new
        return _Model(imports, items)
