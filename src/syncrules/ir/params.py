"""Parameters: ``param NAME: TYPE`` declarations and the values that ``$NAME`` compiles to.

Contract: ``ParamValues`` is what a caller gives lowering (the values of one environment of the
project file, and where they came from, for messages). ``ParamTable`` collects the declarations of
all units of one job, then resolves each ``$name`` use to a constant (``Str`` or ``Num``) or
reports PROV120 (undeclared), PROV121 (no value), PROV122 (a value of the wrong type or an unknown
declared type), PROV123 (declared twice with different types). Values the environment gives for
parameters a job does not declare are ignored: one project file serves every job of a repository.

This module touches no textX object: ``lower.py`` passes names, types and spans.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from syncrules.diagnostics import Code, DiagnosticBag
from syncrules.ir.nodes import Expr, Num, Str
from syncrules.source import Span

#: Declared types and the Python types of their values (bool is not an integer here).
PARAM_TYPES = ("string", "integer")

ParamValue = str | int


@dataclass(frozen=True, slots=True)
class ParamValues:
    """Values for parameters, and where they come from (``environment 'prod' in prov.toml``)."""

    values: Mapping[str, ParamValue] = field(default_factory=dict)
    origin: str | None = None
    #: an unset parameter is left as "" without PROV121 (prov test: a test may set it itself;
    #: each test's job is lowered again with its own values, strictly)
    deferred: bool = False


def value_kind(value: object) -> str | None:
    """The declared type a value fits: "string", "integer", or None (a TOML float, a table...)."""
    if isinstance(value, str):
        return "string"
    if isinstance(value, int) and not isinstance(value, bool):
        return "integer"
    return None


def _describe(value: object) -> str:
    kind = value_kind(value)
    if kind == "string":
        return f"the string {value!r}"
    if kind == "integer":
        return f"the integer {value}"
    return f"a {type(value).__name__} value"


@dataclass
class _Decl:
    type: str
    span: Span


class ParamTable:
    """The parameters of one job and their values."""

    def __init__(self, bag: DiagnosticBag, given: ParamValues | None) -> None:
        self.bag = bag
        self.given = given or ParamValues()
        self.decls: dict[str, _Decl] = {}
        self._checked: set[str] = set()

    def declare(self, name: str, type_name: str, span: Span, type_span: Span) -> None:
        kind = type_name.lower()
        if kind not in PARAM_TYPES:
            self.bag.add(
                Code.PARAMETER_TYPE,
                type_span,
                detail=f"unknown parameter type '{type_name}'",
                hint="a parameter is a string or an integer: param domain: string",
            )
            kind = "string"
        first = self.decls.get(name)
        if first is not None:
            if first.type != kind:
                self.bag.add(
                    Code.DUPLICATE_PARAMETER,
                    span,
                    name=name,
                    hint=f"it is declared {first.type} at "
                    f"{first.span.file}:{first.span.line}:{first.span.col}",
                )
            return
        self.decls[name] = _Decl(kind, span)

    def _undeclared(self, name: str, span: Span) -> None:
        import difflib

        close = difflib.get_close_matches(name, list(self.decls), n=1, cutoff=0.6)
        hint = (
            f"did you mean '${close[0]}'?"
            if close
            else f"declare it: param {name}: string (or integer)"
        )
        self.bag.add(Code.UNDECLARED_PARAMETER, span, name=name, hint=hint)

    def check_value(
        self, name: str, value: object, span: Span, where: str, name_span: Span | None = None
    ) -> bool:
        """Whether ``value`` fits the declaration of ``name`` (reported at ``span`` if not; an
        undeclared name at ``name_span`` when given)."""
        decl = self.decls.get(name)
        if decl is None:
            self._undeclared(name, name_span or span)
            return False
        if value_kind(value) != decl.type:
            self.bag.add(
                Code.PARAMETER_TYPE,
                span,
                detail=f"{where} gives parameter '{name}' {_describe(value)}, but it is "
                f"declared {decl.type}",
            )
            return False
        return True

    @staticmethod
    def _placeholder(decl: _Decl, span: Span) -> Expr:
        # a value of the declared type, so that an unset parameter reports nothing more
        return Num(text="0", span=span) if decl.type == "integer" else Str(value="", span=span)

    def resolve(self, name: str, span: Span) -> Expr:
        """The constant that ``$name`` at ``span`` stands for (a placeholder after an error)."""
        decl = self.decls.get(name)
        if decl is None:
            self._undeclared(name, span)
            return Str(value="", span=span)
        if name not in self.given.values:
            if self.given.deferred:
                return self._placeholder(decl, span)
            origin = self.given.origin
            if origin is None:
                hint = (
                    "choose an environment of the project file (prov.toml) with --env NAME or "
                    "PROV_ENV, or set it in a test with: param " + name + " = ..."
                )
                where = "no environment is chosen"
            else:
                hint = f"add {name} = ... to the params of {origin}"
                where = f"{origin} does not set it"
            self.bag.add(Code.UNSET_PARAMETER, span, name=name, where=where, hint=hint)
            return self._placeholder(decl, span)
        value = self.given.values[name]
        if name not in self._checked:
            self._checked.add(name)
            if not self.check_value(name, value, decl.span, self.given.origin or "the caller"):
                return self._placeholder(decl, span)
        elif value_kind(value) != decl.type:
            return self._placeholder(decl, span)
        if isinstance(value, int):
            return Num(text=str(value), span=span)
        return Str(value=value, span=span)
