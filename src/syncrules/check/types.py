"""Expression checks: arity, argument types, literal validation and documented misuse.

Every diagnostic points at the offending argument (or the function name for arity).
"""

from __future__ import annotations

import re

from syncrules.catalogue import functions as fncat
from syncrules.catalogue.functions import Function, Param, VType
from syncrules.check.context import CheckContext
from syncrules.diagnostics import Code, DiagnosticBag
from syncrules.ir.nodes import AttrRef, Call, Compare, Expr, Job, Name, Num, Str, TargetKind
from syncrules.ir.values import several_values_source
from syncrules.ir.visitor import iter_with_ancestors
from syncrules.source import Span

MAX_EXPRESSION_LENGTH = 10_000
INTERVALS = ("yyyy", "m", "d", "ww", "h", "n", "s")
_NUMERIC = re.compile(r"^\s*-?\d+(\.\d+)?\s*$|^&H[0-9A-Fa-f]+$")
_PREDICATES = ("IsPresent", "IsNull", "IsNullOrEmpty")
_TYPE_OF = {
    "String": VType.STRING,
    "Boolean": VType.BOOLEAN,
    "Integer": VType.NUMBER,
    "DateTime": VType.DATETIME,
    "Reference": VType.REFERENCE,
    "Binary": VType.STRING,
}


def arity(fn: Function) -> tuple[int, int | None]:
    """(minimum, maximum or None for unbounded) argument slots, from the catalogue."""
    return fncat.arity(fn)


def param_for(fn: Function, index: int, count: int) -> Param | None:
    """The parameter that slot ``index`` binds to (FormatDateTime's 3-slot form skips a slot)."""
    params = fncat.slot_params(fn, count)
    if params is None or index >= len(params):
        return None
    return params[index]


def infer(expr: Expr | None, ctx: CheckContext) -> VType:
    if expr is None:
        return VType.ANY
    if isinstance(expr, Str):
        return VType.STRING
    if isinstance(expr, Num):
        return VType.NUMBER
    if isinstance(expr, Compare):
        return VType.BOOLEAN
    if isinstance(expr, AttrRef):
        defn = ctx.source(expr.name)
        if defn is None:
            return VType.ANY
        if defn.multivalued:
            return VType.MULTI
        return _TYPE_OF.get(defn.type, VType.STRING)
    if isinstance(expr, Call):
        fn = fncat.get(expr.name)
        return fn.returns if fn is not None else VType.ANY
    return VType.ANY


def _describe(t: VType) -> str:
    return {
        VType.MULTI: "a multi-valued attribute",
        VType.BOOLEAN: "a boolean",
        VType.NUMBER: "a number",
        VType.STRING: "text",
        VType.DATETIME: "a date",
        VType.REFERENCE: "a reference",
    }.get(t, str(t))


def _type_problem(param: Param, arg: Expr, actual: VType) -> str | None:
    want = param.type
    if want in (VType.ANY, VType.NOFLOW, VType.CONDITION, VType.ENUM):
        return None
    if actual is VType.MULTI and want is not VType.MULTI:
        return "needs a single value, but gets a multi-valued attribute"
    if want is VType.NUMBER:
        if isinstance(arg, Str) and not _NUMERIC.match(arg.value):
            return f'needs a number, but gets the text "{arg.value}"'
        if actual in (VType.BOOLEAN, VType.DATETIME, VType.REFERENCE):
            return f"needs a number, but gets {_describe(actual)}"
    if want is VType.DATETIME and actual in (VType.BOOLEAN, VType.REFERENCE):
        return f"needs a date, but gets {_describe(actual)}"
    if want is VType.MULTI and isinstance(arg, Num):
        return "needs a multi-valued attribute, but gets a number"
    return None


class _ExprChecker:
    def __init__(self, ctx: CheckContext, bag: DiagnosticBag, matching: bool) -> None:
        self.ctx = ctx
        self.bag = bag
        self.matching = matching

    def run(self, expr: Expr, top: bool = True) -> None:
        for node, ancestors in iter_with_ancestors(expr):
            if isinstance(node, Call):
                self.call(node, ancestors, top)
            elif isinstance(node, Compare):
                self.compare(node, ancestors)
            elif isinstance(node, Name):
                self.bare_word(node, ancestors)
            elif isinstance(node, Num):
                self.number(node)

    def number(self, node: Num) -> None:
        """A decimal literal must be a number the engine can hold: one past the range of a
        double (or too long for Python to read) would break evaluation."""
        problem = number_literal_problem(node.text)
        if problem is not None:
            self.bag.add(Code.SYNTAX_ERROR, node.span, detail=problem)

    # -- calls -----------------------------------------------------------------------------
    def call(self, call: Call, ancestors: tuple[tuple[Expr, int], ...], top: bool) -> None:
        fn = fncat.get(call.name)
        if fn is None or fn.engine != "app":
            return  # reported by the names pass
        low, high = arity(fn)
        count = len(call.args)
        if count < low or (high is not None and count > high):
            expected = str(low) if low == high else f"{low} to {high}" if high else f"{low}+"
            self.bag.add(
                Code.WRONG_ARITY,
                call.name_span,
                name=fn.name,
                expected=expected,
                got=count,
                hint=f"{fn.name}({', '.join(p.name for p in fn.params)})",
            )
        else:
            for index, arg in enumerate(call.args):
                param = param_for(fn, index, count)
                if param is None:
                    continue
                if arg is None:
                    if param.required and not param.repeating:
                        self.bag.add(
                            Code.ARGUMENT_TYPE,
                            self._slot_span(call, index),
                            detail=f"{fn.name}: required argument '{param.name}' is empty",
                        )
                    continue
                problem = _type_problem(param, arg, infer(arg, self.ctx))
                if problem:
                    self.bag.add(
                        Code.ARGUMENT_TYPE,
                        arg.span,
                        detail=f"{fn.name}: argument '{param.name}' {problem}",
                    )
                self.literal(fn, param, arg)
            self.special(fn, call)
        self.misuse(fn, call, ancestors, top)

    def _slot_span(self, call: Call, index: int) -> Span:
        return call.name_span if call.name_span.file != "<none>" else call.span

    def literal(self, fn: Function, param: Param, arg: Expr) -> None:
        """Validate literal arguments at compile time (the runtime's regex and date-format
        modules are imported only when such a literal is met)."""
        if param.choices:
            value = (
                arg.name if isinstance(arg, Name) else arg.value if isinstance(arg, Str) else None
            )
            if value is None:
                return
            if value not in param.choices:
                if param.choices == INTERVALS or set(param.choices) == set(INTERVALS):
                    self.bag.add(
                        Code.INVALID_INTERVAL,
                        arg.span,
                        value=value,
                        name=fn.name,
                        hint="use one of " + ", ".join(param.choices),
                    )
                else:
                    self.bag.add(
                        Code.INVALID_ENUM_ARGUMENT,
                        arg.span,
                        detail=f"{fn.name}: '{value}' is not a valid {param.name}",
                        hint="use one of " + ", ".join(param.choices),
                    )
            return
        if not isinstance(arg, Str):
            return
        if param.key in ("RegularExpression",) or param.name == "regexPattern":
            from syncrules.runtime import regexes

            regex_problem = regexes.pattern_problem(arg.value)
            if regex_problem and regex_problem[0] == "unsupported-regex":
                self.bag.add(Code.UNSUPPORTED_REGEX, arg.span, detail=regex_problem[1])
            elif regex_problem:
                # the code's message already says "invalid regular expression"
                detail = regex_problem[1].removeprefix("invalid regular expression ")
                self.bag.add(Code.INVALID_REGEX, arg.span, detail=detail)
        elif fn.name == "FormatDateTime" and param.name in ("inputFormat", "outputFormat"):
            from syncrules.runtime import dotnet_format as dates

            problem = dates.validate_format(arg.value, parsing=param.name == "inputFormat")
            if problem:
                self.bag.add(Code.INVALID_DATE_FORMAT, arg.span, fmt=arg.value, detail=problem)

    def special(self, fn: Function, call: Call) -> None:
        args = call.args
        if fn.name == "RandomString":
            numbers = [n for n in (_int(a) for a in args[:5]) if n is not None]
            if len(numbers) == 5 and len(args) >= 5:
                length, *minima = numbers
                if length > 256:
                    self.bag.add(
                        Code.RANDOMSTRING_MINIMA,
                        args[0].span,  # type: ignore[union-attr]
                        detail=f"RandomString length {length} is above the maximum of 256",
                    )
                elif sum(minima) > length:
                    self.bag.add(
                        Code.RANDOMSTRING_MINIMA,
                        call.span,
                        detail=(
                            f"RandomString minima add up to {sum(minima)}, "
                            f"more than the length {length}"
                        ),
                    )
        if fn.name in ("Mid", "Item") and len(args) >= 2:
            position = _int(args[1])
            if position is not None and position < 1:
                self.bag.add(Code.INDEX_ZERO, args[1].span, name=fn.name, value=position)  # type: ignore[union-attr]

    def misuse(
        self, fn: Function, call: Call, ancestors: tuple[tuple[Expr, int], ...], top: bool
    ) -> None:
        if fn.name == "SelectUniqueValue":
            if ancestors or not top:
                self.bag.add(Code.SELECT_UNIQUE_NESTED, call.name_span)
            if fn.targets and self.ctx.job.target.value not in fn.targets:
                self.bag.add(Code.SELECT_UNIQUE_TARGET, call.name_span)
            if self.matching:
                self.bag.add(Code.SELECT_UNIQUE_MATCHING, call.name_span)
        if fn.name == "IgnoreFlowIfNullOrEmpty":
            for parent, index in ancestors:
                if isinstance(parent, Call) and parent.name == "IIF" and index == 0:
                    self.bag.add(Code.IGNOREFLOW_IN_CONDITION, call.name_span)
                    break
        if fn.name == "Switch" and call.args:
            source = call.args[0]
            if isinstance(source, Call) and source.name in _PREDICATES:
                self.bag.add(Code.PREDICATE_SWITCH_SOURCE, source.span, name=source.name)
            self.switch_pairs(call)
        if fn.name == "IIF" and call.args:
            self.nullable_condition(call.args[0])

    def switch_pairs(self, call: Call) -> None:
        """PROV219: an odd number of key/value slots (after one trailing empty slot, which
        ``runtime.functions.switch_pairs`` tolerates too) leaves a key without a value."""
        pairs = call.args[2:]
        if len(pairs) % 2 and pairs[-1] is None:
            pairs = pairs[:-1]
        if len(call.args) >= 3 and len(pairs) % 2:
            key = pairs[-1]
            self.bag.add(
                Code.SWITCH_KEY_WITHOUT_VALUE,
                key.span if key is not None else call.name_span,
                index=len(pairs) // 2 + 1,
                hint="write the value after the key: Switch(source, default, key, value, ...)",
            )

    def nullable_condition(self, condition: Expr | None) -> None:
        operands: list[Expr] = []
        if isinstance(condition, Compare):
            operands = [condition.left, condition.right]
        elif isinstance(condition, AttrRef):
            operands = [condition]
        for operand in operands:
            if isinstance(operand, AttrRef) and operand.name not in self.ctx.matching_sources:
                if self.ctx.source(operand.name) is None:
                    continue
                self.bag.add(Code.NULLABLE_CONDITION, operand.span, name=operand.name)

    # -- other nodes -----------------------------------------------------------------------
    def compare(self, node: Compare, ancestors: tuple[tuple[Expr, int], ...]) -> None:
        if ancestors:
            parent, index = ancestors[-1]
            if isinstance(parent, Call) and index == 0 and parent.name in ("IIF", "CBool"):
                return
        self.bag.add(Code.MISPLACED_COMPARISON, node.span)

    def bare_word(self, node: Name, ancestors: tuple[tuple[Expr, int], ...]) -> None:
        if ancestors:
            parent, index = ancestors[-1]
            if isinstance(parent, Call):
                fn = fncat.get(parent.name)
                if fn is not None:
                    param = param_for(fn, index, len(parent.args))
                    if param is not None and param.choices:
                        return
                if fn is None or fn.engine != "app":
                    return
        self.bag.add(
            Code.INVALID_ENUM_ARGUMENT,
            node.span,
            detail=f"bare word '{node.name}' is not a value here",
            hint=f'write "{node.name}" for text or [{node.name}] for an attribute',
        )


def number_literal_problem(text: str) -> str | None:
    """Why a numeric literal cannot be read as a finite number, or None (hex is exact)."""
    import math
    import sys

    digits = text.strip().lstrip("+-")
    if not digits or digits[0] in "&" or (not digits[0].isdigit() and digits[0] != "."):
        return None
    whole = digits.split(".")[0]
    limit = sys.get_int_max_str_digits() or 4300
    if len(whole) > limit:
        return f"a number of {len(whole)} digits is too long to read (at most {limit} digits)"
    try:
        finite = math.isfinite(float(digits))
    except ValueError:
        return None
    if not finite:
        shown = digits if len(digits) <= 24 else f"{digits[:12]}… ({len(whole)} digits)"
        return f"the number {shown} is past the range of a double"
    return None


def _int(expr: Expr | None) -> int | None:
    text = expr.text if isinstance(expr, Num) else expr.value if isinstance(expr, Str) else None
    if text is None:
        return None
    try:
        return int(text.strip())
    except ValueError:
        return None


def check_expression(
    expr: Expr, ctx: CheckContext, bag: DiagnosticBag, *, matching: bool = False
) -> None:
    """Check one expression (also used by `prov eval`)."""
    _ExprChecker(ctx, bag, matching).run(expr)


def check_expressions(job: Job, ctx: CheckContext, bag: DiagnosticBag) -> None:
    from syncrules.ir.printer import compact

    for mapping in job.mappings:
        # Entra stores and measures the one-line form, not the layout of the .prov file.
        length = len(compact(mapping.expression))
        if length > MAX_EXPRESSION_LENGTH:
            bag.add(Code.EXPRESSION_TOO_LONG, mapping.expression.span, length=length)
        check_expression(mapping.expression, ctx, bag, matching=bool(mapping.matching_priority))
        _check_several_values(mapping.target, mapping.expression, ctx, bag)
    for entry in job.csv:
        checker = _ExprChecker(ctx, bag, False)
        checker.run(entry.expression)


def _check_several_values(target: str, expr: Expr, ctx: CheckContext, bag: DiagnosticBag) -> None:
    defn = ctx.target(target)
    if defn is None or defn.multivalued:
        return
    def multivalued(name: str) -> bool:
        defn = ctx.source(name)
        return defn is not None and defn.multivalued

    source = several_values_source(expr, multivalued)
    if source is not None:
        bag.add(Code.SEVERAL_VALUES_FOR_ONE, expr.span, target=target, source=source)


__all__ = ["INTERVALS", "TargetKind", "arity", "check_expression", "check_expressions", "infer"]
