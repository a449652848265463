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
from syncrules.frontend.parse import parse_source_fresh as parse_source
from syncrules.source import SourceFile

#: what the cutting looks at: line ends, comments, strings, braces and parentheses (a lone
#: '"' or '/*' is a string or comment that never ends)
_TOKENS = re.compile(r'\n|//[^\n]*|/\*.*?\*/|/\*|"(?:[^"\\]|\\.)*"|"|[{}()]', re.DOTALL)
_ITEM_LINE = re.compile(
    r"[ \t]*(?:import|job|extension|match|scope|map|source|graph|preserve|test)"
    r"(?![A-Za-z0-9_\-])"
)
_MAPPING = re.compile(r"[ \t]*[A-Za-z_](?:[A-Za-z0-9_.:]|-(?!>))*[ \t]*<-")
_LEADING = re.compile(r"(?:\s|//[^\n]*|/\*.*?\*/)*", re.DOTALL)
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
    depth, parens = 1, 0
    starts: list[int] = []
    close = -1
    for token in _TOKENS.finditer(chunk, opened.end()):
        kind = token.group()
        if kind == "\n":
            if depth == 1 and parens == 0 and _MAPPING.match(chunk, token.end()):
                starts.append(token.end())
        elif kind == "{":
            depth += 1
        elif kind == "}":
            depth -= 1
            if depth == 0:
                close = token.start()
                break
        elif kind == "(":
            parens += 1
        elif kind == ")":
            parens = max(0, parens - 1)
        elif kind in ('"', "/*"):
            return None
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
    starts: list[int] = [0] if _ITEM_LINE.match(text) else []
    depth = parens = 0
    for token in _TOKENS.finditer(text):
        kind = token.group()
        if kind == "\n":
            if depth == 0 and parens == 0 and _ITEM_LINE.match(text, token.end()):
                starts.append(token.end())
        elif kind == "{":
            depth += 1
        elif kind == "}":
            depth = max(0, depth - 1)
        elif kind == "(":
            parens += 1
        elif kind == ")":
            parens = max(0, parens - 1)
        elif kind in ('"', "/*"):
            return None
    if len(starts) < 2:
        return None
    starts[0] = 0  # comments before the first item belong to it
    bounds = [*starts, len(text)]
    pieces: list[tuple[int, str, int]] = []
    for k in range(len(starts)):
        chunk = text[bounds[k] : bounds[k + 1]]
        at = _LEADING.match(chunk).end()  # type: ignore[union-attr]  # always matches
        is_map = chunk.startswith("map", at) and _ITEM_LINE.match(chunk, at) is not None
        mappings = _split_map(chunk, bounds[k], at) if is_map else None
        pieces.extend(mappings or [(bounds[k], chunk, 0)])
    return pieces


class _Model:
    """The whole document: the imports and items of its parsed pieces."""

    def __init__(self, imports: list[Any], items: list[Any]) -> None:
        self.imports = imports
        self.items = items


def _shift(entry: list[Any], delta: int) -> None:
    """Move the positions of a cached model (``[model, offset, positioned objects]``)."""
    if entry[2] is None:
        entry[2] = [
            o for o in get_children(lambda _obj: True, entry[0]) if hasattr(o, "_tx_position")
        ]
    for obj in entry[2]:
        obj._tx_position += delta
        obj._tx_position_end += delta


class ItemParser:
    """A ``parse_source`` that reuses the models of unchanged items, one cache per file."""

    def __init__(self) -> None:
        #: file -> piece text -> [[model, offset it is placed at, its positioned objects], ...]
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
                entry = [model, 0, None]
                self.parsed += 1
            if entry[1] != offset:
                _shift(entry, offset - entry[1])
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
