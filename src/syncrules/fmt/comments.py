"""Comments of a parsed .prov file, and the rule that places each one in the formatted output.

textX drops comments from the model, but the Arpeggio parser behind it records every comment it
skipped (with its position) on ``model._tx_parser.comments``: that list is exact, because the parser
skips comments only between tokens, never inside a string or an ``[attribute]``. A file of nothing
but comments gives textX no model at all; :func:`scan_comment_file` reads such a file itself.

Placement, relative to the model objects' ``_tx_position`` / ``_tx_position_end``:

* a comment on the line where the previous element (or a block's ``{``) ends, after it, *trails*
  that element and stays at the end of its (last) line;
* any other comment between two elements *leads* the next element and gets its own line(s) before
  it; one between the last element of a block and its ``}`` stays before the ``}``;
* a comment *inside* an element that has no children of its own (a mapping, a clause, a test step:
  typically inside a mapping's expression) and a comment between a block's keyword and its ``{``
  are moved to their own line before that element.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Comment:
    """One comment: its offsets in the source and its text (a line comment without trailing
    spaces, a block comment verbatim)."""

    start: int
    end: int
    text: str


def collect_comments(model: Any, text: str) -> list[Comment]:
    """Every comment of ``text``, in source order (``model`` is its textX model)."""
    parser = getattr(model, "_tx_parser", None)
    if parser is None:
        return scan_comment_file(text)
    found: dict[int, Comment] = {}
    for node in getattr(parser, "comments", ()):
        start, end = node.position, node.position_end
        body = text[start:end]
        if start in found or not body.startswith(("//", "/*")):
            continue
        found[start] = Comment(start, end, body.rstrip() if body.startswith("//") else body)
    return [found[k] for k in sorted(found)]


def scan_comment_file(text: str) -> list[Comment]:
    """The comments of a text that holds nothing but whitespace and comments."""
    out: list[Comment] = []
    i = 0
    n = len(text)
    while i < n:
        if text[i].isspace():
            i += 1
        elif text.startswith("//", i):
            nl = text.find("\n", i)
            end = n if nl < 0 else nl
            out.append(Comment(i, end, text[i:end].rstrip()))
            i = end
        elif text.startswith("/*", i):
            close = text.find("*/", i + 2)
            end = n if close < 0 else close + 2
            out.append(Comment(i, end, text[i:end]))
            i = end
        else:  # not a comment-only text after all; the parser would have said so
            break
    return out


class CommentPool:
    """The comments not placed yet; each is taken exactly once."""

    def __init__(self, comments: list[Comment], text: str) -> None:
        self._left = list(comments)
        self._text = text

    def take(self, lo: int, hi: int) -> list[Comment]:
        """Remove and return the comments starting in ``[lo, hi)``."""
        taken = [c for c in self._left if lo <= c.start < hi]
        if taken:
            self._left = [c for c in self._left if not lo <= c.start < hi]
        return taken

    def remaining(self) -> list[Comment]:
        return list(self._left)

    def same_line(self, a: int, b: int) -> bool:
        """True when offsets ``a`` and ``b`` (a <= b) are on one line."""
        return "\n" not in self._text[a:b]

    def blank_between(self, a: int, b: int) -> bool:
        """True when an empty line separates offset ``a`` from offset ``b`` (only space between)."""
        return self._text.count("\n", a, b) >= 2

    def brace_after(self, pos: int) -> int:
        """The offset of the first ``{`` at or after ``pos``, skipping whitespace and comments."""
        text = self._text
        starts = {c.start: c.end for c in self._left}
        i = pos
        while i < len(text):
            if text[i] == "{":
                return i
            if i in starts:
                i = starts[i]
            else:
                i += 1
        raise AssertionError("a block without '{' parsed")
