"""IR expression → one Python expression (source text) over ``a`` (attributes) and ``ctx``.

Every constant and attribute name is emitted with ``py_literal`` (``repr``), so no text from a
.prov file becomes code. IIF, Switch and Coalesce are compiled lazily (only the chosen branch runs),
with walrus temporaries named ``_t<N>`` that are unique within the mapping function.
"""

from __future__ import annotations

from syncrules.backends.python.filters import py_literal
from syncrules.ir.nodes import AttrRef, Call, Compare, Expr, Name, Num, Str
from syncrules.runtime.values import parse_number

#: Functions whose arguments are evaluated lazily by the compiled code itself.
LAZY = ("IIF", "Switch", "Coalesce")


class ExprCompiler:
    def __init__(self, context_functions: frozenset[str]) -> None:
        self.context_functions = context_functions
        self.used: set[str] = set()  # runtime names the module must import
        self._temp = 0

    def temp(self) -> str:
        self._temp += 1
        return f"_t{self._temp}"

    def reset(self) -> None:
        self._temp = 0

    def compile(self, expr: Expr | None) -> str:
        if expr is None:
            return "None"
        if isinstance(expr, AttrRef):
            return f"a.get({py_literal(expr.name)})"
        if isinstance(expr, Str):
            return py_literal(expr.value)
        if isinstance(expr, Num):
            number = parse_number(expr.text)
            return py_literal(number if number is not None else expr.text)
        if isinstance(expr, Name):
            return py_literal(expr.name)
        if isinstance(expr, Compare):
            self.used.add("compare")
            return (
                f"compare({py_literal(expr.op)}, {self.compile(expr.left)}, "
                f"{self.compile(expr.right)})"
            )
        if isinstance(expr, Call):
            return self._call(expr)
        raise AssertionError(f"cannot compile {type(expr).__name__}")

    def _call(self, call: Call) -> str:
        if call.name == "IIF" and len(call.args) == 3:
            self.used.add("truth")
            cond, yes, no = (self.compile(a) for a in call.args)
            return f"({yes} if truth({cond}) else {no})"
        if call.name == "Switch" and len(call.args) >= 2:
            self.used.add("switch_key")
            key = self.temp()
            source = self.compile(call.args[0])
            default = self.compile(call.args[1])
            pairs = list(call.args[2:])
            parts = []
            first = True
            for i in range(0, len(pairs) - 1, 2):
                k = self.compile(pairs[i])
                v = self.compile(pairs[i + 1])
                if first:
                    parts.append(f"{v} if ({key} := switch_key({source})) == switch_key({k})")
                    first = False
                else:
                    parts.append(f"{v} if {key} == switch_key({k})")
            if not parts:
                return f"({default})"
            return "(" + " else ".join(parts) + f" else {default})"
        if call.name == "Coalesce" and call.args:
            temp = self.temp()
            parts = []
            args = [a for a in call.args if a is not None]
            for arg in args[:-1]:
                parts.append(f"{temp} if ({temp} := {self.compile(arg)}) is not None")
            last = self.compile(args[-1]) if args else "None"
            return "(" + " else ".join([*parts, last]) + ")" if parts else f"({last})"
        name = f"fn_{call.name}"
        self.used.add(name)
        args = [self.compile(a) for a in call.args]
        if call.name in self.context_functions:
            args.insert(0, "ctx")
        return f"{name}({', '.join(args)})"
