"""The function catalogue: the single source of truth for Entra expression functions.

Used by the checker (arity, types, literal validation), the compiled code (the generated
evaluators and `prov eval`) and the reference interpreter (arity, laziness, which functions take
the evaluation context, which are cloud-sync only), ``ir.values`` (which may yield several
values), the JSON backend (Graph internal parameter keys), ``prov explain <Function>`` (NULL
rules and the decisions taken where Microsoft's reference is silent) and the docs. The runtime
(``syncrules.runtime``, copied into generated packages) cannot import it; a test checks that each
runtime callable's signature agrees with its entry here.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

T = TypeVar("T")


class VType(enum.StrEnum):
    """Value types as far as the checker can know them."""

    STRING = "string"
    NUMBER = "number"  # integer or decimal; numeric strings ("1") are accepted too
    BOOLEAN = "boolean"  # True/False (the strings "True"/"False" are accepted)
    DATETIME = "datetime"  # a date string (CDate output, ISO 8601, ...)
    MULTI = "multi"  # a multi-valued attribute (list of strings)
    REFERENCE = "reference"  # a reference attribute (manager)
    ANY = "any"  # anything
    ENUM = "enum"  # one of Param.choices (a bare word or a string)
    CONDITION = "condition"  # a comparison or anything yielding a boolean
    NOFLOW = "noflow"  # value or "does not flow"


@dataclass(frozen=True, slots=True, kw_only=True)
class Param:
    name: str  # documented name, as in Microsoft's function reference
    key: str  # Graph internal parameter key (attributeMappingSource.parameters[].key)
    type: VType = VType.ANY
    required: bool = True
    repeating: bool = False  # may occur many times (Join's sources, Switch's key/value pairs)
    choices: tuple[str, ...] = ()  # allowed literal values (interval codes, compare types)


@dataclass(frozen=True, slots=True, kw_only=True)
class Function:
    name: str  # canonical casing
    params: tuple[Param, ...]
    returns: VType
    description: str  # one line
    example: str  # an expression, ideally with its result: 'Left("John Doe", 3) -> "Joh"'
    null_rule: str  # what happens with NULL (absent) and "" inputs
    deterministic: bool = True
    needs_context: bool = False  # runtime callable takes the EvalContext first
    lazy: bool = False  # evaluates only the arguments it uses (IIF, Switch, Coalesce, ...)
    #: its value is one of its arguments' values, which ones: "every argument" (Coalesce),
    #: "the branches" (IIF's valueIfTrue and valueIfFalse) or "the default and values" (Switch);
    #: None: a value of its own (``returns`` says whether it may be several values)
    result_from: str | None = None
    targets: frozenset[str] | None = None  # None = every target; else e.g. frozenset({"ad"})
    engine: str = "app"  # "app" (app provisioning) or "cloud-sync" (not supported here)
    min_args: int | None = None  # override when the param table cannot express it
    max_args: int | None = None  # None with a repeating param = unbounded
    notes: tuple[str, ...] = field(default=())  # decisions where the reference is inferred


FUNCTIONS: dict[str, Function] = {}


def _register(*functions: Function) -> None:
    for fn in functions:
        FUNCTIONS[fn.name] = fn


_BY_LOWER: dict[str, str] = {}


def canonical_name(name: str) -> str | None:
    """The canonical casing of a function name, matched without regard to case."""
    if not _BY_LOWER:
        from syncrules.catalogue import function_table  # noqa: F401  (fills FUNCTIONS)

        _BY_LOWER.update({n.lower(): n for n in FUNCTIONS})
    return _BY_LOWER.get(name.lower())


def get(name: str) -> Function | None:
    canonical = canonical_name(name)
    return FUNCTIONS.get(canonical) if canonical else None


def all_functions() -> dict[str, Function]:
    """Every catalogued function by canonical name (loads the table on first use)."""
    canonical_name("")  # fills FUNCTIONS and the case-insensitive index
    return FUNCTIONS


def app_functions() -> dict[str, Function]:
    """The functions of app provisioning (the cloud-sync ones excluded), by canonical name."""
    return {name: fn for name, fn in all_functions().items() if fn.engine == "app"}


def context_functions() -> frozenset[str]:
    """The functions whose runtime callable takes the ``EvalContext`` first."""
    return frozenset(name for name, fn in app_functions().items() if fn.needs_context)


def lazy_functions() -> frozenset[str]:
    """The functions that evaluate only the arguments they use (never eagerly compiled)."""
    return frozenset(name for name, fn in app_functions().items() if fn.lazy)


#: The ``result_from`` kinds, with the argument slots each one names.
RESULT_SLOTS: dict[str, Callable[[Sequence[T]], Sequence[T]]] = {
    "every argument": lambda args: args,
    "the branches": lambda args: args[1:3],
    "the default and values": lambda args: [*args[1:2], *args[3::2]],
}


def result_arguments(fn: Function, args: Sequence[T]) -> Sequence[T] | None:
    """The argument slots whose value may be ``fn``'s value, or None when it has its own."""
    return None if fn.result_from is None else RESULT_SLOTS[fn.result_from](args)


def decision(name: str) -> str | None:
    """What syncrules decided where Microsoft's reference is silent about ``name``, or None."""
    from syncrules.catalogue.function_decisions import DECISIONS

    return DECISIONS.get(name)


def arity(fn: Function) -> tuple[int, int | None]:
    """The number of argument slots ``fn`` accepts: ``(min, max)``, max None = unbounded.

    Slots are counted as written, empty ones included (``ToLower(x, )`` has 2). Without an
    override, the minimum runs up to the last required parameter (an optional parameter before a
    required one still takes its slot) and the maximum is the parameter count, or unbounded when
    a parameter repeats.
    """
    if fn.min_args is not None:
        low = fn.min_args
    else:
        low = max((i + 1 for i, p in enumerate(fn.params) if p.required), default=0)
    if fn.max_args is not None:
        high: int | None = fn.max_args
    elif any(p.repeating for p in fn.params):
        high = None
    else:
        high = len(fn.params)
    return low, high


def slot_params(fn: Function, count: int) -> tuple[Param, ...] | None:
    """The parameter each of ``count`` argument slots binds to; None if ``count`` is out of range.

    Slots bind by position and a repeating parameter takes every remaining slot. When there are
    fewer slots than parameters and the plain prefix would leave a required parameter unbound,
    optional parameters that stand before a required one are dropped, leftmost first: so the
    3-slot ``FormatDateTime(source, inputFormat, outputFormat)`` binds past ``dateTimeStyles``.
    """
    low, high = arity(fn)
    if count < low or (high is not None and count > high):
        return None
    params = list(fn.params)
    for i, param in enumerate(params):
        if param.repeating:
            if count < i:
                break
            return (*params[:i], *([param] * (count - i)))
    while len(params) > count and not all(p in params[:count] for p in params if p.required):
        droppable = [
            i
            for i, p in enumerate(params)
            if not p.required and any(q.required for q in params[i + 1 :])
        ]
        if not droppable:
            break
        del params[droppable[0]]
    return tuple(params[:count])
