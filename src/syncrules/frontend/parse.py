"""Parse .prov files and standalone expressions; translate textX syntax errors into diagnostics.

A syntax error becomes one PROV001 diagnostic at the exact position, with what was expected there
and, where the text shows a likely cause (a typographic quote, a stray backtick, an operator Entra
does not have, an unbalanced parenthesis, an unterminated string), a hint naming it.
"""

from __future__ import annotations

from typing import Any

from textx.exceptions import TextXError, TextXSyntaxError

from syncrules.diagnostics import Code, DiagnosticBag
from syncrules.frontend.grammar import EXPRESSION_ROOT, expression_metamodel, prov_metamodel
from syncrules.source import SourceFile, Span

# What a grammar token means to a reader, by the start of its regular expression.
_TOKEN_NAMES: tuple[tuple[str, str], ...] = (
    (r"\[(?:", "an attribute reference such as [name]"),
    ('"(?:', "a string in double quotes"),
    (r"-?\d+(?:", "a number"),
    (r"-?\d+(?!", "a whole number"),
    ("&H", "a hex number such as &HF"),
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


def _describe(rule: Any) -> str:
    pattern = getattr(rule, "to_match", None)
    if pattern is None:
        return str(rule)
    for prefix, name in _TOKEN_NAMES:
        if pattern.startswith(prefix):
            return name
    if pattern.isidentifier() or all(ch.isalpha() or ch == "_" for ch in pattern):
        return f"'{pattern}'"
    return f"'{pattern}'"


def expected_text(err: TextXSyntaxError) -> str:
    names: list[str] = []
    for rule in err.expected_rules or ():
        name = _describe(rule)
        if name not in names:
            names.append(name)
    if not names:
        return ""
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " or " + names[-1]


def _scan(text: str, start: int = 0) -> tuple[list[int], int | None, int | None]:
    """Scan for brackets outside strings: (open-paren stack, stray ')' offset, open-string offset)."""
    stack: list[int] = []
    stray: int | None = None
    i = start
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            if j >= n:
                return stack, stray, i
            i = j + 1
            continue
        if ch == "[":
            depth = 0
            j = i
            while j < n:
                if text[j] == "[":
                    depth += 1
                elif text[j] == "]":
                    depth -= 1
                    if depth == 0:
                        break
                elif text[j] == '"':
                    j += 1
                    while j < n and text[j] != '"':
                        j += 2 if text[j] == "\\" else 1
                j += 1
            i = j + 1
            continue
        if ch == "/" and text.startswith("//", i):
            nl = text.find("\n", i)
            i = n if nl < 0 else nl
            continue
        if ch == "(":
            stack.append(i)
        elif ch == ")":
            if stack:
                stack.pop()
            elif stray is None:
                stray = i
        i += 1
    return stack, stray, None


def syntax_hint(text: str, offset: int, source: SourceFile, region: tuple[int, int]) -> str | None:
    """Name the likely cause of a syntax error at ``offset`` (None when nothing is evident)."""
    ch = text[offset] if offset < len(text) else ""
    rest = text[offset : offset + 3]
    if ch in _QUOTES:
        return (
            f"'{ch}' is a typographic quote ({_QUOTES[ch]}), probably pasted from a word "
            "processor or chat; Entra strings use straight double quotes \""
        )
    if ch == "`":
        return "a stray backtick (`), probably from Markdown; remove it"
    if rest.startswith("??"):
        return "Entra has no ?? operator; use Coalesce(a, b)"
    if rest.startswith("&&"):
        return "Entra has no && (AND) operator; nest IIF on the true branch: IIF(a, IIF(b, x, y), y)"
    if rest.startswith("||"):
        return "Entra has no || (OR) operator; nest IIF on the false branch: IIF(a, x, IIF(b, x, y))"
    if ch == "&":
        return (
            "'&' concatenation belongs to Entra Cloud Sync, not app provisioning; "
            'use Join("", a, b)'
        )
    if rest.startswith("..."):
        return "'...' is a placeholder from documentation; write the full expression"
    if ch == "[":
        before = text[region[0] : offset].rstrip()
        if before.endswith(")"):
            return "indexing after a call is not supported; use Item(Split(...), 1) (1-based)"
    if ch == "'":
        return "Entra strings use double quotes \"...\", not single quotes"
    lo, hi = region
    stack, stray, open_string = _scan(text[:hi], lo)
    if open_string is not None and open_string <= offset:
        line, col = source.line_col(open_string)
        return f"unterminated string: the string opened at {line}:{col} is never closed"
    if stray is not None and stray <= offset:
        line, col = source.line_col(stray)
        return f"unbalanced parenthesis: ')' at {line}:{col} has no matching '('"
    if stack:
        line, col = source.line_col(stack[-1])
        return f"unbalanced parenthesis: '(' opened at {line}:{col} is never closed"
    if ch in "])}" and ch != "}":
        return f"unexpected '{ch}'"
    return None


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
    hint = syntax_hint(source.text, offset, source, region)
    end = offset + 1 if found else offset
    bag.add(Code.SYNTAX_ERROR, source.span(offset, end), hint=hint, detail=detail)


def _statement_region(text: str, offset: int) -> tuple[int, int]:
    """The line-based region around an error used to look for unbalanced brackets."""
    # An expression may span several lines; scanning the whole text is cheap and precise enough
    # for hints, because strings and attribute references are skipped.
    return 0, len(text)


def parse_source(source: SourceFile, bag: DiagnosticBag) -> Any | None:
    """Parse a .prov file; on a syntax error add PROV001 and return None."""
    try:
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
