"""Where the cursor is, lexically: which blocks enclose it, whether it is in a string, a comment
or an attribute reference. Works on any text (half-typed text is the normal case in an editor),
so completion never depends on the document parsing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*")
#: top-level items that open a block, by their first word
ITEM_BLOCKS = {"job", "extension", "scope", "map", "source", "graph", "test"}


@dataclass(frozen=True)
class Context:
    """The lexical state just before ``offset``."""

    blocks: tuple[str, ...]  # ("map",), ("scope", "group"), ("test", "json"), ("test", "expect")
    in_string: bool
    in_comment: bool
    attr_start: int | None  # offset just after the '[' of an unclosed attribute reference
    paren_depth: int  # '(' open in the current block
    line_before: str  # the current line up to the cursor

    @property
    def block(self) -> str:
        return self.blocks[-1] if self.blocks else ""


def _first_word(text: str, brace: int) -> str:
    """The first word of the line holding the '{' at ``brace`` (or of the previous line with
    text, when the brace stands alone)."""
    start = text.rfind("\n", 0, brace) + 1
    line = text[start:brace].strip()
    if not line:
        before = text[:start].rstrip()
        line = before[before.rfind("\n") + 1 :].strip()
    match = _WORD.match(line)
    return match.group(0) if match else ("json" if line.startswith('"') else "")


def _block_kind(text: str, brace: int, blocks: list[str]) -> str:
    top = blocks[-1] if blocks else ""
    if top == "json":
        return "json"
    word = _first_word(text, brace)
    if top == "":
        return word if word in ITEM_BLOCKS else "unknown"
    if top == "test":
        if word in ("given", "existing"):
            return "json"
        return "expect" if word == "expect" else "unknown"
    if top == "scope":
        return "group"
    return "unknown"


def _attribute_end(text: str, i: int, stop: int) -> int:
    """Offset after the attribute reference opened at ``i``; -1 if ``stop`` comes first,
    -2 when the line ends first (not an attribute reference)."""
    depth = 0
    j = i
    while j < stop:
        ch = text[j]
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
            if depth == 0:
                return j + 1
        elif ch == '"':
            j += 1
            while j < stop and text[j] != '"' and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            if j >= stop:
                return -1
        elif ch == "\n":
            return -2
        j += 1
    return -1


def context_at(text: str, offset: int) -> Context:
    """The lexical context at ``offset`` in ``text``."""
    offset = max(0, min(offset, len(text)))
    blocks: list[str] = []
    parens = 0
    i = 0
    in_string = in_comment = False
    attr_start: int | None = None
    while i < offset:
        ch = text[i]
        if text.startswith("//", i):
            nl = text.find("\n", i)
            if nl < 0 or nl >= offset:
                in_comment = True
                break
            i = nl
            continue
        if text.startswith("/*", i):
            close = text.find("*/", i + 2)
            if close < 0 or close + 2 > offset:
                in_comment = True
                break
            i = close + 2
            continue
        if ch == '"':
            j = i + 1
            while j < offset and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            if j >= offset:
                in_string = True
                break
            i = j + 1
            continue
        if ch == "[" and (not blocks or blocks[-1] != "json"):
            end = _attribute_end(text, i, offset)
            if end == -1:
                attr_start = i + 1
                break
            if end >= 0:
                i = end
                continue
        if ch == "{":
            blocks.append(_block_kind(text, i, blocks))
            parens = 0
        elif ch == "}":
            if blocks:
                blocks.pop()
            parens = 0
        elif ch == "(":
            parens += 1
        elif ch == ")":
            parens = max(0, parens - 1)
        i += 1
    line_start = text.rfind("\n", 0, offset) + 1
    return Context(
        blocks=tuple(blocks),
        in_string=in_string,
        in_comment=in_comment,
        attr_start=attr_start,
        paren_depth=parens,
        line_before=text[line_start:offset],
    )


def word_before(text: str, offset: int, extra: str = "") -> int:
    """Start offset of the identifier-like word that ends at ``offset``."""
    i = offset
    while i > 0 and (text[i - 1].isalnum() or text[i - 1] in "_" + extra):
        i -= 1
    return i


def token_at(text: str, offset: int, extra: str = "") -> tuple[int, int]:
    """(start, end) of the identifier-like word around ``offset`` (empty when none)."""
    start = word_before(text, offset, extra)
    end = offset
    while end < len(text) and (text[end].isalnum() or text[end] in "_" + extra):
        end += 1
    return start, end
