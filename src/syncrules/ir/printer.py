r"""The canonical printers: IR expression → Entra text.

``compact`` is the one-line form the portal and Graph take: ``Join(" ", [a], [b])`` with one space
after each comma, empty slots written as nothing (``Replace([x], , "re", , "", , )``), function
names in canonical casing. ``parse(compact(e)) == e`` holds for every expression.

``readable`` is the form for people (``prov fmt``): a call whose one-line form fits in the width and
nests at most ``MAX_FLAT_DEPTH`` calls stays on one line; any other call is broken one argument slot
per line, each slot indented one step further than the line holding the call's name, the ``)`` on a
line of its own at the call's level. An empty slot keeps its comma: on a line of its own it is the
indentation followed by ``,``; an empty last slot is the comma that ends the slot before it, right
before the ``)``. Comparisons get a space on each side of the operator, and strings escape only what
must be escaped (``"\d+"`` stays ``"\d+"``; compact writes ``"\\d+"``, the same value).
``parse(readable(e)) == e`` holds for every expression, and ``readable`` of that parse is the same
text.
"""

from __future__ import annotations

from syncrules.ir.expressions import escape
from syncrules.ir.nodes import AttrRef, Call, Compare, Expr, Name, Num, ParamRef, Str


def compact(expr: Expr | None, as_written: bool = False) -> str:
    """The one-line form Graph stores. Strings are canonically escaped, or with ``as_written``
    (``prov fmt --expression --compact``) spelled as in the source."""
    if expr is None:
        return ""
    if isinstance(expr, Str):
        if expr.raw is not None and (as_written or expr.is_macro):
            return expr.raw
        return escape(expr.value)
    if isinstance(expr, AttrRef):
        return f"[{expr.name}]"
    if isinstance(expr, Num):
        return expr.text
    if isinstance(expr, Name):
        return expr.name
    if isinstance(expr, ParamRef):
        return f"${expr.name}"
    if isinstance(expr, Compare):
        # Graph prints comparisons without spaces: IIF(BitAnd([uac], 2)="0", ...)
        return f"{compact(expr.left, as_written)}{expr.op}{compact(expr.right, as_written)}"
    if isinstance(expr, Call):
        return f"{expr.name}({_slots(expr.args, as_written)})"
    raise AssertionError(f"cannot print {type(expr).__name__}")


def _slots(args: tuple[Expr | None, ...], as_written: bool) -> str:
    # Empty slots print as nothing: "Replace([x], , \"re\", , \"\", , )".
    return ", ".join(compact(a, as_written) for a in args)


#: The one-line form is kept only for calls nesting at most this many calls
#: (``Left(Join(Trim(x)))`` nests 3).
MAX_FLAT_DEPTH = 4
#: The default line width of the readable form.
WIDTH = 100


def literal(value: str) -> str:
    """The shortest string literal for ``value``: a backslash is doubled only where it must be.

    A backslash must be doubled before ``"``, ``\\`` or a line end and at the end of the value
    (the grammar reads backslash + character as one unit, and that character is never a line end);
    any other backslash stays single, since only \\" and \\\\ are escapes (``"\\d"`` and
    ``"\\\\d"`` are the same string).
    """
    if "\\" not in value and '"' not in value:
        return f'"{value}"'
    out: list[str] = []
    n = len(value)
    for i, ch in enumerate(value):
        if ch == '"':
            out.append('\\"')
        elif ch == "\\" and (i + 1 == n or value[i + 1] in '"\\\n'):
            out.append("\\\\")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def flat(expr: Expr | None) -> str:
    """The one-line readable form: compact with spaced comparisons; strings as written in the
    source, or (made by a program) with minimal escapes."""
    if expr is None:
        return ""
    if isinstance(expr, Str):
        return expr.raw if expr.raw is not None else literal(expr.value)
    if isinstance(expr, Compare):
        return f"{flat(expr.left)} {expr.op} {flat(expr.right)}"
    if isinstance(expr, Call):
        return f"{expr.name}({', '.join(flat(a) for a in expr.args)})"
    return compact(expr)


def call_depth(expr: Expr | None) -> int:
    """How many calls nest in ``expr`` (a literal is 0, ``Trim([x])`` is 1)."""
    if isinstance(expr, Call):
        return 1 + max((call_depth(a) for a in expr.args), default=0)
    if isinstance(expr, Compare):
        return max(call_depth(expr.left), call_depth(expr.right))
    return 0


def readable(
    expr: Expr | None, width: int = WIDTH, column: int = 0, indent: str = "    ", tail: int = 0
) -> str:
    """The readable form of ``expr`` (see the module docstring).

    Args:
        expr: the expression.
        width: the line width to keep within where a call can be broken.
        column: the column the first line starts at (continuation lines are indented relative to
            column 0: a caller placing the text after a prefix indents them itself).
        indent: one indentation step.
        tail: how many characters will follow the expression on its last line.
    """
    return "\n".join(readable_lines(expr, width, column, indent, tail))


def readable_lines(
    expr: Expr | None,
    width: int = WIDTH,
    column: int = 0,
    indent: str = "    ",
    tail: int = 0,
    base: int = 0,
) -> list[str]:
    """The readable form as structural lines: the first one continues at ``column``, the others
    are indented relative to the line holding the expression; ``base`` is that line's own absolute
    indentation (for the width check). A string with a newline in it stays inside one element."""
    return _layout(expr, column, 0, _Style(width, indent, base), tail)


class _Style:
    __slots__ = ("base", "indent", "width")

    def __init__(self, width: int, indent: str, base: int) -> None:
        self.width = width
        self.indent = indent
        self.base = base


def _switch_pairs(call: Call, column: int, width: int) -> set[int]:
    """Indexes of Switch keys whose `key, value` pair fits on one line (both flat, no newline)."""
    if call.name != "Switch" or len(call.args) < 4:
        return set()
    starts = set()
    for i in range(2, len(call.args) - 1, 2):
        key, value = call.args[i], call.args[i + 1]
        if key is None or value is None:
            return set()
        text = f"{flat(key)}, {flat(value)},"
        if "\n" in text or column + len(text) > width or call_depth(value) > MAX_FLAT_DEPTH:
            return set()
        if isinstance(value, Call) and value.args and column + len(text) > width:
            return set()
        starts.add(i)
    return starts


def _layout(expr: Expr | None, column: int, level: int, style: _Style, tail: int) -> list[str]:
    if isinstance(expr, Compare):
        joint = f" {expr.op} "
        # The left operand is broken when the whole comparison does not fit on its line.
        left = _layout(expr.left, column, level, style, len(joint) + len(flat(expr.right)) + tail)
        end = left[-1]
        at = (column if len(left) == 1 else style.base) + len(end) + len(joint)
        right = _layout(expr.right, at, level, style, tail)
        return [*left[:-1], end + joint + right[0], *right[1:]]
    one = flat(expr)
    if not isinstance(expr, Call) or not expr.args:
        return [one]
    fits = "\n" not in one and column + len(one) + tail <= style.width
    if fits and call_depth(expr) <= MAX_FLAT_DEPTH:
        return [one]
    inner = style.indent * (level + 1)
    lines = [f"{expr.name}("]
    count = len(expr.args)
    paired = _switch_pairs(expr, style.base + len(inner), style.width)
    for i, arg in enumerate(expr.args):
        is_last = i == count - 1
        if i in paired:
            # Switch keys and values read as a table: one `key, value` pair per line.
            value = expr.args[i + 1]
            line = f"{inner}{flat(arg)}, {flat(value)}"
            lines.append(line if i + 1 == count - 1 else line + ",")
            continue
        if i - 1 in paired:
            continue
        if arg is None:
            if not is_last:
                lines.append(inner + ",")
            continue
        sub = _layout(arg, style.base + len(inner), level + 1, style, 0 if is_last else 1)
        sub[0] = inner + sub[0]
        if not is_last:
            sub[-1] += ","
        lines.extend(sub)
    lines.append(style.indent * level + ")")
    return lines
