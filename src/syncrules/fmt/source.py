"""``prov fmt PATH``: the canonical layout of one .prov text (see :mod:`syncrules.fmt.layout`).

Only the file itself is parsed: imports are not followed, and a file with semantic problems
(unknown functions, a missing job) is formatted all the same. A syntax error gives PROV001 and
no text.
"""

from __future__ import annotations

from syncrules.diagnostics import Code, Diagnostic, DiagnosticBag
from syncrules.fmt.comments import collect_comments
from syncrules.fmt.layout import Printer
from syncrules.frontend.parse import parse_source
from syncrules.ir.printer import WIDTH
from syncrules.source import SourceFile


def format_source(
    text: str, path: str = "<input>", width: int = WIDTH
) -> tuple[str | None, list[Diagnostic]]:
    """The formatted text of a .prov file.

    Args:
        text: the file's text (a leading BOM and CRLF line ends are accepted; the result uses LF).
        path: the name shown in diagnostics.
        width: the line width expressions and JSON values are kept within where they can be broken.

    Returns:
        (formatted text, ending with a newline unless empty; or None on a syntax error,
        diagnostics sorted by position).
    """
    text = text.removeprefix("\ufeff").replace("\r\n", "\n")
    if not text:  # textX reads the file named by the path when given an empty string
        return "", []
    bag = DiagnosticBag()
    source = SourceFile(path, text)
    model = parse_source(source, bag)
    if model is None:
        return None, bag.sorted()
    try:
        out = Printer(source, model, collect_comments(model, text), width).render()
    except RecursionError:
        bag.add(Code.SYNTAX_ERROR, source.span(0, 0), detail="input is nested too deeply to format")
        return None, bag.sorted()
    return out, bag.sorted()
