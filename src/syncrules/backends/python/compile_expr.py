"""IR expression → one Python expression (source text) over ``a`` (attributes) and ``ctx``.

Every constant and attribute name is emitted with ``py_literal`` (``repr``), so no text from a
.prov file becomes code. IIF, Switch and Coalesce are compiled lazily (only the chosen branch runs),
with walrus temporaries named ``_t<N>`` that are unique within the mapping function.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

from syncrules.backends.python.filters import py_literal
from syncrules.catalogue import functions as fncat
from syncrules.ir.nodes import AttrRef, Call, Compare, Expr, Name, Num, Str
from syncrules.runtime.lazy import switch_key
from syncrules.runtime.values import parse_number

#: Functions whose arguments are evaluated lazily by the compiled code itself (the catalogue's
#: ``lazy`` functions).
LAZY = tuple(sorted(fncat.lazy_functions()))


@functools.cache
def _string_functions() -> frozenset[str]:
    """Functions declared to return ``str`` or ``str | None`` (mypy checks the declarations)."""
    from syncrules.runtime.functions import RUNTIME_FUNCTIONS

    return frozenset(
        name
        for name, fn in RUNTIME_FUNCTIONS.items()
        if getattr(fn, "__annotations__", {}).get("return") in ("str", "str | None")
        and name not in ("IIF", "Switch", "Coalesce")  # their value is a chosen argument's
    )


def constant_value(expr: Expr | None) -> str | int | float | None:
    """The value of a literal (string, number, bare name), None for anything else."""
    if isinstance(expr, Str):
        return expr.value
    if isinstance(expr, Num):
        number = parse_number(expr.text)
        return number if number is not None else expr.text
    if isinstance(expr, Name):
        return expr.name
    return None


class ExprCompiler:
    """Compiles expressions; with ``probes`` (a list to fill), branch coverage probes are added.

    A probe is ``hit(<id>, value)``: it records the id in the runtime's coverage sink and returns
    the value, so instrumented code computes exactly what plain code does.
    """

    def __init__(
        self,
        context_functions: frozenset[str] | None = None,
        probes: list[tuple[str, str]] | None = None,
        attributes: Mapping[str, str] | None = None,
        texts: frozenset[str] = frozenset(),
    ) -> None:
        """``attributes`` maps source attribute names to the Python names holding their values
        (the fused evaluator's locals); without it an attribute reads ``a.get(name)``. ``texts``
        names the attributes whose values are known to be ``str`` or NULL. The functions that
        take the context come from the catalogue unless ``context_functions`` names them."""
        if context_functions is None:
            context_functions = fncat.context_functions()
        self.context_functions = context_functions
        self.probes = probes
        self.attributes = attributes
        self.texts = texts
        from syncrules.runtime.functions import RUNTIME_FUNCTIONS

        self.known = frozenset(RUNTIME_FUNCTIONS)
        self.used: set[str] = set()  # runtime names the module must import
        self._temp = 0

    def probe(self, code: str, node: Expr, label: str) -> str:
        """Wrap ``code`` in a coverage probe when instrumenting."""
        if self.probes is None:
            return code
        span = node.span
        ident = f"{span.file}:{span.line}:{span.col}: {label}"
        self.probes.append((ident, label))
        self.used.add("hit")
        return f"hit({py_literal(ident)}, {code})"

    def temp(self) -> str:
        self._temp += 1
        return f"_t{self._temp}"

    def reset(self) -> None:
        self._temp = 0

    def compile(self, expr: Expr | None) -> str:
        if expr is None:
            return "None"
        if isinstance(expr, AttrRef):
            if self.attributes is not None:
                return self.attributes[expr.name]
            return f"a.get({py_literal(expr.name)})"
        constant = constant_value(expr)
        if constant is not None:
            return py_literal(constant)
        if isinstance(expr, Compare):
            self.used.add("compare")
            return (
                f"compare({py_literal(expr.op)}, {self.compile(expr.left)}, "
                f"{self.compile(expr.right)})"
            )
        if isinstance(expr, Call):
            return self._call(expr)
        raise AssertionError(f"cannot compile {type(expr).__name__}")

    def is_text(self, expr: Expr | None) -> bool:
        """Whether the value of ``expr`` is a ``str`` or NULL, whatever the record holds."""
        if isinstance(expr, AttrRef):
            return expr.name in self.texts
        if isinstance(constant_value(expr), str):
            return True
        if isinstance(expr, Call):
            if expr.name == "IIF" and len(expr.args) == 3:
                return self.is_text(expr.args[1]) and self.is_text(expr.args[2])
            if expr.name == "Switch" and len(expr.args) >= 2:
                return all(self.is_text(r) for r in (expr.args[1], *expr.args[3::2]))
            return expr.name in _string_functions()
        return False

    def _switch_key(self, expr: Expr | None) -> str:
        """A Switch key: a constant's key is worked out now, anything else at run time."""
        constant = constant_value(expr)
        if constant is not None:
            return py_literal(switch_key(constant))
        self.used.add("switch_key")
        return f"switch_key({self.compile(expr)})"

    def _call(self, call: Call) -> str:
        fn = fncat.get(call.name)
        if fn is None or fn.engine != "app" or call.name not in self.known:
            # the checker normally stops these; the code fails as the reference interpreter does
            self.used.add("unknown")
            cloud_sync = fn is not None and fn.engine != "app"
            return f"unknown({py_literal(fn.name if fn else call.name)}, {cloud_sync!r})"
        low, high = fncat.arity(fn)
        count = len(call.args)
        if count < low or (high is not None and count > high):
            self.used.add("bad_arity")
            return f"bad_arity({py_literal(call.name)}, {count})"
        if call.name == "IIF" and len(call.args) == 3:
            self.used.add("truth")
            cond, yes, no = (self.compile(a) for a in call.args)
            yes = self.probe(yes, call, "IIF true branch")
            no = self.probe(no, call, "IIF false branch")
            return f"({yes} if truth({cond}) else {no})"
        if call.name == "Switch" and len(call.args) >= 2:
            pairs = list(call.args[2:])
            if len(pairs) % 2 and pairs[-1] is None:
                pairs.pop()  # one trailing empty slot is tolerated (switch_pairs)
            if len(pairs) % 2:
                # a key without a value fails, as switch_pairs makes fn_Switch and the
                # interpreter fail, instead of the key being dropped
                self.used.add("unpaired_switch")
                return "unpaired_switch()"
            key = self.temp()
            source = self.compile(call.args[0])
            if isinstance(call.args[0], AttrRef) and call.args[0].name in self.texts:
                switched = f"({source} or '')"  # switch_key of a string or NULL
            else:
                self.used.add("switch_key")
                switched = f"switch_key({source})"
            default = self.probe(self.compile(call.args[1]), call, "Switch default")
            parts = []
            first = True
            for i in range(0, len(pairs), 2):
                k = self._switch_key(pairs[i])
                v = self.probe(self.compile(pairs[i + 1]), call, f"Switch case {i // 2 + 1}")
                if first:
                    parts.append(f"{v} if ({key} := {switched}) == {k}")
                    first = False
                else:
                    parts.append(f"{v} if {key} == {k}")
            if not parts:  # the source is still read: a multi-valued one fails, as it does
                self.used.add("switch_key")  # in fn_Switch and the interpreter
                return f"(switch_key({source}), {default})[1]"
            return "(" + " else ".join(parts) + f" else {default})"
        if call.name == "Coalesce" and call.args:
            self.used.add("is_null")
            temp = self.temp()
            args = [a for a in call.args if a is not None]
            if not args:
                return "None"
            parts = [
                f"{self.probe(temp, call, f'Coalesce alternative {n + 1}')} "
                f"if not is_null({temp} := {self.compile(arg)})"
                for n, arg in enumerate(args[:-1])
            ]
            last = self.compile(args[-1])
            if constant_value(args[-1]) is None and not self.is_text(args[-1]):
                # an empty list is NULL too: with every alternative NULL, Coalesce is NULL
                last = f"{temp} if not is_null({temp} := {last}) else None"
            last = self.probe(last, call, f"Coalesce alternative {len(args)}")
            return "(" + " else ".join([*parts, last]) + ")" if parts else f"({last})"
        if call.name == "SelectUniqueValue":
            self.used.update(("select_unique", "each"))
            thunks = ", ".join(f"lambda: {self.compile(a)}" for a in call.args)
            return f"select_unique(ctx, each(({thunks},)))"
        if (
            call.name == "Join"
            and call.args
            and (call.args[0] is None or isinstance(constant_value(call.args[0]), str))
            and all(a is None or self.is_text(a) for a in call.args[1:])
        ):
            # Join of strings and NULLs: the non-empty ones, joined (what fn_Join does with them)
            separator = py_literal(str(constant_value(call.args[0]) or ""))
            parts = [self.compile(a) for a in call.args[1:] if a is not None]
            inner = parts[0] + "," if len(parts) == 1 else ", ".join(parts)
            return f"{separator}.join(filter(None, ({inner})))"
        if (
            call.name in ("ToLower", "ToUpper")
            and len(call.args) in (1, 2)
            and isinstance(call.args[0], AttrRef)
            and self.is_text(call.args[0])
            and (len(call.args) == 1 or call.args[1] is None
                 or constant_value(call.args[1]) == "")
        ):
            # (a culture changes how i and I case, and fn_ToLower below gets no culture)
            # a string attribute (a local of the fused path): an ASCII string's case mapping is
            # str's own, what simple_lower/upper do with it
            self.used.add(f"fn_{call.name}")
            value = self.compile(call.args[0])
            method = "lower" if call.name == "ToLower" else "upper"
            return (f"({value}.{method}() if {value} is not None and {value}.isascii() "
                    f"else fn_{call.name}({value}))")
        name = f"fn_{call.name}"
        self.used.add(name)
        texts = [self.compile(a) for a in call.args]
        if call.name in self.context_functions:
            texts.insert(0, "ctx")
        return f"{name}({', '.join(texts)})"


def function_source(expr: Expr, name: str = "_f") -> tuple[str, set[str]]:
    """Source of ``def name(a, ctx): return <expr>`` and the runtime names it uses."""
    compiler = ExprCompiler()
    body = compiler.compile(expr)
    return f"def {name}(a, ctx):\n    return {body}\n", compiler.used


def compile_callable(expr: Expr):  # type: ignore[no-untyped-def]
    """``expr`` compiled to a Python function ``f(attributes, ctx)`` in this process.

    The globals hold only the runtime names the code uses; every constant in the source is a
    ``repr`` literal, so no text of the expression becomes code.
    """
    from syncrules.runtime import functions, lazy, values

    source, used = function_source(expr)
    namespace: dict[str, object] = {"__builtins__": {"filter": filter}}  # Join's inline form
    for module in (functions, lazy, values):
        for item in used:
            if hasattr(module, item):
                namespace[item] = getattr(module, item)
    exec(compile(source, "<compiled expression>", "exec"), namespace)
    return namespace["_f"]
