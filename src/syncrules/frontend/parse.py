"""Parse .prov files and standalone expressions; translate textX syntax errors into diagnostics.

A syntax error becomes one PROV001 diagnostic at the exact position, with what was expected there
and, where the text shows a likely cause (a typographic quote, a stray backtick, an operator Entra
does not have, an unbalanced parenthesis, an unterminated string), a hint naming it.
"""

from __future__ import annotations

import contextlib
import gc
import re
from collections import OrderedDict
from collections.abc import Iterator
from typing import Any

from textx.exceptions import TextXError, TextXSyntaxError

from syncrules.diagnostics import Code, DiagnosticBag
from syncrules.frontend.grammar import EXPRESSION_ROOT, expression_metamodel, prov_metamodel
from syncrules.source import SourceFile, Span

# What a grammar token means to a reader, by the start of its regular expression. An empty name
# leaves the token out of "expected ..." (comments may appear anywhere and explain nothing).
_TOKEN_NAMES: tuple[tuple[str, str], ...] = (
    (r"\/\/", ""),
    (r"\/\*", ""),
    (r"\[(?:", "an attribute reference such as [name]"),
    ('"(?:', "a string in double quotes"),
    (r"-?\d+(?:", "a number"),
    (r"-?\d+(?!", "a whole number"),
    ("&H", "a hex number such as &HF"),
    ("%[A-Za-z_]", "a macro constant such as %DomainFQDN%"),
    # a $parameter stands where a constant may, but Entra's own syntax has none: not suggested
    (r"\$[A-Za-z_]", ""),
    ("<>|", "a comparison operator (=, <>, <, <=, >, >=)"),
    (r"(NOT\s+REGEX", "a scoping operator (EQUALS, IS NOT NULL, REGEX MATCH, ...)"),
    ("[A-Za-z_](?:[A-Za-z0-9_.:]", "an attribute name"),
    (r"[A-Za-z_][A-Za-z0-9_\-]*", "a word"),
    ("[A-Za-z_][A-Za-z0-9_]*", "a function call or name"),
)

_QUOTES = {
    "\u201c": "U+201C LEFT DOUBLE QUOTATION MARK",
    "\u201d": "U+201D RIGHT DOUBLE QUOTATION MARK",
    "\u2018": "U+2018 LEFT SINGLE QUOTATION MARK",
    "\u2019": "U+2019 RIGHT SINGLE QUOTATION MARK",
    "\u201e": "U+201E DOUBLE LOW-9 QUOTATION MARK",
    "\u00ab": "U+00AB LEFT-POINTING DOUBLE ANGLE QUOTATION MARK",
    "\u00bb": "U+00BB RIGHT-POINTING DOUBLE ANGLE QUOTATION MARK",
}

_AND_OR = re.compile(r"(?i)(andalso|orelse|and|or|xor)(?![A-Za-z0-9_])")
# Characters that end an operand (an argument) when they are the last thing before an error.
_OPERAND_END = set('])"') | set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


def _describe(rule: Any) -> str:
    if type(rule).__name__ == "EndOfFile":
        return "the end of the input"
    pattern = getattr(rule, "to_match", None)
    if pattern is None:
        return str(rule)
    for prefix, name in _TOKEN_NAMES:
        if pattern.startswith(prefix):
            return name
    return f"'{pattern}'"


def expected_text(err: TextXSyntaxError) -> str:
    names: list[str] = []
    for rule in err.expected_rules or ():
        name = _describe(rule)
        if name and name not in names:
            names.append(name)
    if not names:
        return ""
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " or " + names[-1]


def _skip_string(text: str, i: int) -> int:
    """Offset just after the string opened at ``i``, or -1 when it is never closed."""
    n = len(text)
    j = i + 1
    while j < n and text[j] != '"':
        j += 2 if text[j] == "\\" else 1
    return j + 1 if j < n else -1


def _skip_attribute(text: str, i: int) -> int:
    """Offset just after the attribute reference opened at ``i``.

    -1 when the text ends first (an unterminated reference), -2 when the line ends first (a
    bracket that is not an attribute reference, such as a JSON array in a test).
    """
    depth = 0
    j = i
    n = len(text)
    while j < n:
        ch = text[j]
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
            if depth == 0:
                return j + 1
        elif ch == '"':
            j = _skip_string(text, j)
            if j < 0:
                return -1
            continue
        elif ch == "\n" and depth == 1:
            return -2  # attribute names never span lines: a JSON array or a typo, not a name
        j += 1
    return -1


class _Scan:
    """Bracket state of a text outside strings, attribute references and comments."""

    def __init__(self, text: str, start: int = 0, stop: int | None = None) -> None:
        self.stack: list[int] = []  # offsets of '(' not closed yet
        self.stray: int | None = None  # the first ')' without a '('
        self.open_string: int | None = None  # a '"' never closed
        self.open_attribute: int | None = None  # a '[' never closed
        self.last: int | None = None  # the last non-space, non-comment character before stop
        self._run(text, start, len(text) if stop is None else stop)

    def _run(self, text: str, i: int, n: int) -> None:
        while i < n:
            ch = text[i]
            if ch.isspace():
                i += 1
                continue
            if text.startswith("//", i):
                nl = text.find("\n", i)
                i = n if nl < 0 else nl
                continue
            if text.startswith("/*", i):
                close = text.find("*/", i + 2)
                i = n if close < 0 else close + 2
                continue
            if ch in '"[':
                j = _skip_string(text, i) if ch == '"' else _skip_attribute(text, i)
                if j == -2:
                    self.last = i
                    i += 1
                    continue
                if j < 0 or j > n:
                    if ch == '"':
                        self.open_string = i
                    else:
                        self.open_attribute = i
                    return
                self.last = j - 1
                i = j
                continue
            if ch == "(":
                self.stack.append(i)
            elif ch == ")":
                if self.stack:
                    self.stack.pop()
                elif self.stray is None:
                    self.stray = i
            self.last = i
            i += 1


def _at(source: SourceFile, offset: int) -> str:
    line, col = source.line_col(offset)
    return f"{line}:{col}"


def _char_hint(text: str, offset: int, before: str) -> str | None:
    """A hint from the character at the error itself (and the one just before it)."""
    ch = text[offset] if offset < len(text) else ""
    rest = text[offset : offset + 3]
    if ch in _QUOTES:
        return (
            f"'{ch}' is a typographic quote ({_QUOTES[ch]}), probably pasted from a word "
            'processor or chat; Entra strings use straight double quotes "'
        )
    if ch == "`":
        return "a stray backtick (`), probably from Markdown; remove it"
    if rest.startswith("??"):
        return "Entra has no ?? operator; use Coalesce(a, b)"
    if rest.startswith(("//", "/*")):
        return "Entra expressions have no comments; remove the comment from the expression"
    if rest.startswith("&&"):
        return (
            "Entra has no && (AND) operator; nest IIF on the true branch: IIF(a, IIF(b, x, y), y)"
        )
    if rest.startswith("||"):
        return (
            "Entra has no || (OR) operator; nest IIF on the false branch: IIF(a, x, IIF(b, x, y))"
        )
    if ch == "&":
        return (
            "'&' concatenation belongs to Entra Cloud Sync, not app provisioning; "
            'use Join("", a, b)'
        )
    if rest.startswith("==") or (ch == "=" and before == "="):
        return "Entra compares with a single '=': [a] = \"x\""
    if rest.startswith("!="):
        return "Entra writes 'not equal' as <>: [a] <> \"x\""
    if ch == "!":
        return "Entra has no ! operator; use Not(...) for a boolean, <> for 'not equal'"
    if rest.startswith("...") or ch == "\u2026":
        return "'...' is a placeholder from documentation; write the full expression"
    if ch == "+":
        return 'Entra has no + operator; join text with Join("", a, b)'
    if ch == ";":
        return "arguments are separated by ',' in Entra, not ';'"
    if ch == "%":
        return (
            "a macro constant is a name between two %, such as %DomainFQDN%; "
            "anything else is written as a string in double quotes"
        )
    if ch == "[" and before == ")":
        return "indexing after a call is not supported; use Item(Split(...), 1) (1-based)"
    if ch == "(" and before not in _OPERAND_END:
        return "parentheses only follow a function name; Entra has no grouping parentheses"
    if ch == "'":
        return 'Entra strings use double quotes "...", not single quotes'
    if _AND_OR.match(text, offset) and before in _OPERAND_END:
        word = _AND_OR.match(text, offset).group(1)  # type: ignore[union-attr]
        return (
            f"Entra has no {word} operator; nest IIF instead: IIF(a, IIF(b, x, y), y) for AND, "
            "IIF(a, x, IIF(b, x, y)) for OR"
        )
    return None


def syntax_cause(
    text: str, offset: int, source: SourceFile, region: tuple[int, int], end_expected: bool = False
) -> tuple[str | None, int]:
    """The likely cause of a syntax error found at ``offset``: (hint or None, where to point).

    The position is moved only when the cause is more precise than where the parser stopped: a
    typographic quote that was meant to close an unterminated string.
    ``end_expected``: the end of the input was one of the things that could follow.
    """
    lo, hi = region
    here = _Scan(text, lo, offset)
    before = text[here.last] if here.last is not None else ""
    hint = _char_hint(text, offset, before)
    if hint is not None:
        return hint, offset
    whole = _Scan(text, lo, hi)
    if whole.open_string is not None and whole.open_string <= offset:
        opened = whole.open_string
        for i in range(opened + 1, len(text)):
            if text[i] in _QUOTES:
                return (
                    f"unterminated string: the string opened at {_at(source, opened)} is never "
                    f"closed; '{text[i]}' at {_at(source, i)} is a typographic quote "
                    f'({_QUOTES[text[i]]}), not the straight quote " that would close it'
                ), i
            if text[i] == "\n":
                break
        return f"unterminated string: the string opened at {_at(source, opened)} is never closed", (
            opened
        )
    if whole.open_attribute is not None and whole.open_attribute <= offset:
        opened = whole.open_attribute
        return (
            f"unterminated attribute reference: the '[' at {_at(source, opened)} is never "
            "closed with ']'"
        ), opened
    if whole.stray is not None and whole.stray <= offset:
        return f"unbalanced parenthesis: ')' at {_at(source, whole.stray)} has no matching '('", (
            offset
        )
    ch = text[offset] if offset < len(text) else ""
    if whole.open_string is not None:
        return (
            f"the quotes do not pair up: the string opened at {_at(source, whole.open_string)} "
            'is never closed, so a closing quote is probably missing (or a \\" is unescaped) '
            "before it"
        ), offset
    if here.stack and ch and before in _OPERAND_END and (ch in '["&-' or ch.isalnum() or ch == "_"):
        return "missing ',' between two arguments?", offset
    if whole.stack:
        return (
            f"unbalanced parenthesis: '(' opened at {_at(source, whole.stack[-1])} is never closed"
        ), offset
    if ch == "]":
        return "unexpected ']': there is no '[' for it to close", offset
    if ch == "." and before == ")":
        return "Entra has no member access after a call; use a function such as Item(...)", offset
    if end_expected and ch and before in _OPERAND_END:
        return (
            "the expression already ended before this; an expression is one value, so combine "
            'values with a function such as Join("", a, b)'
        ), offset
    if ch == ")":
        return "unexpected ')'", offset
    return None, offset


def syntax_hint(text: str, offset: int, source: SourceFile, region: tuple[int, int]) -> str | None:
    """Name the likely cause of a syntax error at ``offset`` (None when nothing is evident)."""
    return syntax_cause(text, offset, source, region)[0]


def _error_offset(source: SourceFile, err: TextXSyntaxError, shift: int = 0) -> int:
    line = max(1, (err.line or 1))
    col = max(1, (err.col or 1))
    if shift:
        line -= shift
    if line > len(source.line_starts):
        return len(source.text)
    return min(source.line_starts[line - 1] + col - 1, len(source.text))


def _report(source: SourceFile, err: TextXSyntaxError, bag: DiagnosticBag, shift: int = 0) -> None:
    offset = _error_offset(source, err, shift)
    expected = expected_text(err)
    found = source.text[offset : offset + 1]
    if not found:
        what = "unexpected end of input"
    elif found.isspace():
        what = "unexpected whitespace"
    else:
        what = f"unexpected '{found}'"
    detail = f"{what}, expected {expected}" if expected else what
    region = _statement_region(source.text, offset)
    end_expected = any(type(r).__name__ == "EndOfFile" for r in err.expected_rules or ())
    hint, cause = syntax_cause(source.text, offset, source, region, end_expected)
    if cause != offset:  # the cause is more precise than where the parser stopped
        offset = cause
        found = source.text[offset : offset + 1]
        detail = f"unexpected '{found}'"
    end = offset + 1 if found else offset
    bag.add(Code.SYNTAX_ERROR, source.span(offset, end), hint=hint, detail=detail)


def _statement_region(text: str, offset: int) -> tuple[int, int]:
    """The line-based region around an error used to look for unbalanced brackets."""
    # An expression may span several lines; scanning the whole text is cheap and precise enough
    # for hints, because strings and attribute references are skipped.
    return 0, len(text)


#: The last few models parsed, by (path, text): a job file imported by many test files is parsed
#: once per run. Models are never changed after parsing (lowering only reads them).
_PARSED: OrderedDict[tuple[str, str], Any] = OrderedDict()
_PARSED_KEEP = 8


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off while a parse (or a whole check or compile) builds
    long-lived structures: otherwise its full collections walk the growing model again and
    again, and the time grows faster than the file. Nested uses are fine; garbage with cycles
    is collected as usual once the outermost use ends."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def parse_source(source: SourceFile, bag: DiagnosticBag) -> Any | None:
    """Parse a .prov file; on a syntax error add PROV001 and return None."""
    if not source.text:  # textX would read the file named by the path instead of ""
        return EmptyModel()
    key = (source.path, source.text)
    cached = _PARSED.get(key)
    if cached is not None:
        _PARSED.move_to_end(key)
        return cached
    model = _parse(source, bag)
    if model is not None:
        _PARSED[key] = model
        while len(_PARSED) > _PARSED_KEEP:
            _PARSED.popitem(last=False)
    return model


def parse_source_fresh(source: SourceFile, bag: DiagnosticBag) -> Any | None:
    """``parse_source`` without the cache: a model of its own, which the caller may change (the
    editor's incremental parser moves the positions of the models it reuses)."""
    if not source.text:
        return EmptyModel()
    return _parse(source, bag)


def _parse(source: SourceFile, bag: DiagnosticBag) -> Any | None:
    try:
        with collector_paused():
            model = prov_metamodel().model_from_str(source.text, file_name=source.path)
    except TextXSyntaxError as err:
        _report(source, err, bag)
    except TextXError as err:  # semantic errors from textX itself
        bag.add(
            Code.SYNTAX_ERROR,
            Span(source.path, err.line or 1, err.col or 1, err.line or 1, err.col or 1),
            detail=str(err.message if hasattr(err, "message") else err),
        )
    except RecursionError:
        bag.add(Code.SYNTAX_ERROR, source.span(0, 0), detail="input is nested too deeply to parse")
    else:
        if not hasattr(model, "items"):  # textX gives "" for a file of only whitespace/comments
            return EmptyModel()
        return model
    return None


class EmptyModel:
    """The model of a file with nothing but whitespace and comments."""

    imports: tuple[()] = ()
    items: tuple[()] = ()


def parse_expression_model(source: SourceFile, bag: DiagnosticBag) -> Any | None:
    """Parse one expression (the whole text); on a syntax error add PROV001 and return None."""
    if not source.text.strip():
        bag.add(Code.SYNTAX_ERROR, source.span(0, 0), detail="empty expression")
        return None
    try:
        return expression_metamodel().model_from_str(source.text)
    except TextXSyntaxError as err:
        _report(source, err, bag, shift=EXPRESSION_ROOT.count("\n") * 0)
    except RecursionError:
        bag.add(Code.SYNTAX_ERROR, source.span(0, 0), detail="expression is nested too deeply")
    return None
