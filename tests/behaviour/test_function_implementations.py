"""Every function, through every implementation, at arities and inputs the checker would refuse.

Three implementations evaluate a call: the compiled code (``compile_expr``: what the generated
evaluators, `prov test`, `prov run` and `prov eval` execute), the reference interpreter
(``syncrules.reference_interpreter``) and the eager runtime functions
(``runtime.functions.fn_<Name>``, which the conformance vectors and the compiled code call). The
checker hides most disagreements (it refuses a wrong number of slots), so this test does not ask
it: it calls each app-provisioning function of the catalogue with every slot count from 0 to one
past its maximum, each slot empty or an attribute that is NULL, "", "True", text, a number, a date
or several values, and requires the three to agree: the same value (of the same type), "does not
flow", or the same error. Where the catalogue refuses the slot count, all three refuse it: the
compiled code and the interpreter with the same error, the eager function because its signature
does not bind (or, for FormatDateTime, which binds its slots by count, with an ``invalid-argument``
error).
"""

from __future__ import annotations

import inspect
import itertools
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from syncrules.backends.python.compile_expr import compile_callable
from syncrules.catalogue import functions as fncat
from syncrules.ir.nodes import AttrRef, Call, Expr
from syncrules.reference_interpreter import evaluate
from syncrules.runtime import RUNTIME_FUNCTIONS, EvalContext, ExpressionError, NoFlow
from syncrules.source import Span

NOW = datetime(2024, 5, 1, 9, 0, tzinfo=UTC)
SPAN = Span.unknown("<test>")
#: what a slot holds: an empty slot, or an attribute with one of these values (None: absent)
EMPTY = "empty slot"
INPUTS: dict[str, Any] = {
    "NULL": None,
    '""': "",
    '"True"': "True",
    "text": "Ada de Lovelace",
    "number": "3",
    "date": "2024-05-01T09:00:00Z",
    "several": ["x", "y"],
    EMPTY: None,
}
#: functions whose runtime callable binds argument slots by their count (an optional parameter
#: stands before required ones), so its signature is variadic; it refuses other counts itself
BINDS_BY_COUNT = {"FormatDateTime"}

APP = fncat.app_functions()


def context() -> EvalContext:
    return EvalContext(
        now=NOW, seed=7, default_domain="contoso.com", taken=frozenset({"taken@contoso.com"})
    )


def slot_counts(fn: fncat.Function) -> range:
    low, high = fncat.arity(fn)
    return range(0, (high if high is not None else low + 2) + 2)


def combinations(count: int) -> Iterator[tuple[str, ...]]:
    """Every combination for up to two slots; for more, a fixed spread of them (bounded)."""
    kinds = list(INPUTS)
    every = itertools.product(kinds, repeat=count)
    if count <= 2:
        yield from every
        return
    stride = len(kinds) ** count // 61 + 1  # about 60, spread over the whole product
    yield from itertools.islice(every, 0, None, stride)
    # and the combinations that stress slot-sensitive functions: all NULL, all empty at the end
    yield ("NULL",) * count
    yield (*("text",) * (count - 1), EMPTY)
    yield (*("text",) * (count - 1), "NULL")


def outcome(run: Callable[[], Any]) -> tuple[Any, ...]:
    try:
        value = run()
    except NoFlow:
        return ("does not flow",)
    except ExpressionError as exc:
        return ("error", exc.reason, exc.message)
    return ("value", type(value).__name__, value)


def eager(fn: fncat.Function, values: list[Any]) -> tuple[Any, ...]:
    runtime = RUNTIME_FUNCTIONS[fn.name]
    args = [context(), *values] if fn.needs_context else values
    try:
        inspect.signature(runtime).bind(*args)
    except TypeError:
        return ("refused",)
    return outcome(lambda: runtime(*args))


def agree(compiled: tuple[Any, ...], eager: tuple[Any, ...]) -> bool:
    """The same value (and type), "does not flow", or an error with the same reason (the eager
    functions word some messages differently from the lazily compiled forms)."""
    if compiled[0] == "error":
        return eager[:2] == compiled[:2]
    return eager == compiled


def call_for(fn: fncat.Function, kinds: tuple[str, ...]) -> tuple[Call, dict[str, Any]]:
    slots: list[Expr | None] = []
    attributes: dict[str, Any] = {}
    for i, kind in enumerate(kinds):
        if kind == EMPTY:
            slots.append(None)
            continue
        slots.append(AttrRef(name=f"a{i}", span=SPAN))
        if INPUTS[kind] is not None:
            attributes[f"a{i}"] = INPUTS[kind]
    return Call(name=fn.name, args=tuple(slots), span=SPAN, name_span=SPAN), attributes


def slot_sensitive(fn: fncat.Function, kinds: tuple[str, ...]) -> bool:
    """Switch with an odd number of key/value slots whose last is a NULL attribute: the compiled
    code and the interpreter see a key without a value (PROV219 refuses it at check time), the
    eager form sees only values, where an empty slot and a NULL are both None (its contract), so
    it takes the NULL for the one trailing empty slot a Switch may have."""
    pairs = kinds[2:]
    return fn.name == "Switch" and len(pairs) % 2 == 1 and pairs[-1] == "NULL"


@pytest.mark.parametrize("name", sorted(APP))
def test_the_implementations_agree(name: str) -> None:
    fn = APP[name]
    low, high = fncat.arity(fn)
    disagreements = []
    for count in slot_counts(fn):
        allowed = low <= count and (high is None or count <= high)
        for kinds in combinations(count):
            call, attributes = call_for(fn, kinds)
            compiled = compile_callable(call)
            got_compiled = outcome(lambda: compiled(attributes, context()))  # noqa: B023
            got_walker = outcome(lambda: evaluate(call, attributes, context()))  # noqa: B023
            got_eager = eager(fn, [attributes.get(f"a{i}") for i in range(count)])
            shown = f"{name}({', '.join(kinds)})"
            if got_compiled != got_walker:
                disagreements.append(f"{shown}: compiled {got_compiled}, walker {got_walker}")
            if not allowed:
                refused = ("error", "invalid-argument")
                if got_compiled[:2] != refused:
                    disagreements.append(f"{shown}: compiled code accepts it: {got_compiled}")
                if got_eager != ("refused",) and not (
                    name in BINDS_BY_COUNT and got_eager[:2] == refused
                ):
                    disagreements.append(f"{shown}: the eager function accepts it: {got_eager}")
            elif not agree(got_compiled, got_eager) and not slot_sensitive(fn, kinds):
                disagreements.append(f"{shown}: compiled {got_compiled}, eager {got_eager}")
    assert disagreements == [], "\n".join(disagreements[:20])


def test_the_switch_exception_is_only_that() -> None:
    """The one case the eager Switch cannot see (a NULL in the last, unpaired key slot) is
    refused by the other two and by the checker (PROV219); with an empty slot all three agree."""
    fn = APP["Switch"]
    for kinds in [
        ("text", "text", "text", "text", "NULL"),
        ("text", "text", "text", "text", EMPTY),
    ]:
        call, attributes = call_for(fn, kinds)
        compiled = outcome(lambda: compile_callable(call)(attributes, context()))  # noqa: B023
        walker = outcome(lambda: evaluate(call, attributes, context()))  # noqa: B023
        assert compiled == walker
        if kinds[-1] == "NULL":
            assert compiled[:2] == ("error", "invalid-argument")
        else:
            assert compiled == ("value", "str", "Ada de Lovelace")
        assert eager(fn, [attributes.get(f"a{i}") for i in range(5)]) == (
            "value",
            "str",
            "Ada de Lovelace",
        )


def test_iif_with_two_slots_is_refused_everywhere() -> None:
    """``IIF("True", "a")``: the checker refuses it (3 slots); the interpreter and the eager
    function used to return "a", the compiled code failed."""
    call, attributes = call_for(APP["IIF"], ('"True"', "text"))
    assert outcome(lambda: compile_callable(call)(attributes, context()))[:2] == (
        "error",
        "invalid-argument",
    )
    assert outcome(lambda: evaluate(call, attributes, context())) == outcome(
        lambda: compile_callable(call)(attributes, context())
    )
    assert eager(APP["IIF"], ["True", "a"]) == ("refused",)


@pytest.mark.parametrize("name", sorted(APP))
def test_runtime_signature_agrees_with_the_catalogue(name: str) -> None:
    fn = APP[name]
    params = list(inspect.signature(RUNTIME_FUNCTIONS[name]).parameters.values())
    assert (bool(params) and params[0].name == "ctx") == fn.needs_context
    if fn.needs_context:
        params = params[1:]
    if name in BINDS_BY_COUNT:
        assert [p.kind for p in params] == [inspect.Parameter.VAR_POSITIONAL]
        return
    low = sum(
        1
        for p in params
        if p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD and p.default is p.empty
    )
    variadic = any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in params)
    assert (low, None if variadic else len(params)) == fncat.arity(fn)


def test_the_runtime_has_exactly_the_app_functions() -> None:
    assert set(RUNTIME_FUNCTIONS) == set(APP)
    cloud = {name for name, fn in fncat.all_functions().items() if fn.engine != "app"}
    assert cloud and not cloud & set(RUNTIME_FUNCTIONS)


@pytest.mark.parametrize("name", sorted(n for n, f in fncat.all_functions().items()
                                        if f.engine != "app"))  # fmt: skip
def test_cloud_sync_functions_fail_alike(name: str) -> None:
    call = Call(name=name.lower(), args=(None,), span=SPAN, name_span=SPAN)
    compiled = outcome(lambda: compile_callable(call)({}, context()))
    assert compiled == outcome(lambda: evaluate(call, {}, context()))
    assert compiled[:2] == ("error", "unknown-function")
    assert "cloud-sync" in compiled[2]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Not([absent])", True),
        ('Not("")', True),
        ('Not(" true ")', False),
        ('Not("False")', True),
        ("Count([absent])", 0),
        ('Count("")', 0),
        ('Count("a")', 1),
        ("Count([several])", 2),
    ],
)
def test_the_documented_null_rules_of_not_and_count_hold(text: str, expected: Any) -> None:
    """The catalogue's NULL rules (which `prov explain` prints) are what the code does; they
    used to leave "" out (Count) and call the result a string (Not)."""
    from syncrules.ir.expressions import parse_expression

    expr = parse_expression(text)
    assert expr is not None
    attributes = {"several": ["a", "b"]}
    value = compile_callable(expr)(attributes, context())
    assert value == expected and type(value) is type(expected)
    assert evaluate(expr, attributes, context()) == value
    rule = APP[text.split("(")[0]].null_rule
    assert "NULL" in rule and '""' in rule
