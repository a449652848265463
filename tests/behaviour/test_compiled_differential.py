"""Differential test of the Python backend against the tree-walking interpreter.

Hypothesis builds type-correct expression trees over the app-provisioning functions (nesting
depth 1-3, hostile string constants, attribute references to a few source attributes), puts them
in a small .prov job (skipping the jobs the checker rejects) and feeds the generated evaluator
random SCIM users whose attributes are missing, null, "", text, "True"/"false", numbers or lists.
For every mapping, (1) the compiled mapping function and ``syncrules.reference_interpreter`` give
the same value or raise the same error, and (2) the fused ``evaluate`` gives the Outcome of the
generic ``decide``. The plain tests at the end pin each divergence the property found.
"""

from __future__ import annotations

import atexit
import copy
import functools
import shutil
import tempfile
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from syncrules.api import check_paths
from syncrules.backends.python.compile_expr import compile_callable
from syncrules.backends.python.load import load_evaluator
from syncrules.ir.expressions import parse_expression
from syncrules.ir.nodes import AttrRef, Call, Compare, Expr, Job, Name, Num, Str
from syncrules.ir.printer import compact
from syncrules.reference_interpreter import evaluate
from syncrules.runtime import EvalContext

NOW = datetime(2024, 5, 1, 9, 0, tzinfo=UTC)
SEED = 7
EXT = "urn:ietf:params:scim:schemas:extension:test:1.0:User"
S_ATTR, M_ATTR, I_ATTR, B_ATTR = (f"{EXT}:{n}" for n in ("S", "M", "I", "B"))
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
GIVEN, EMAIL, MANAGER = "name.givenName", 'emails[type eq "work"].value', f"{ENTERPRISE}:manager"
#: single-valued source attributes of every kind of read: core, dotted, filtered, reference,
#: extension (the Integer one holds text too)
TEXT_ATTRS = ["displayName", "title", GIVEN, EMAIL, MANAGER, S_ATTR, I_ATTR]
SCOPE_ATTRS = [name for name in TEXT_ATTRS if name != MANAGER]


def header(target: str = "entra") -> str:
    key = "employeeId" if target == "entra" else "employeeID"
    return f"""job "Differential" {{
    target {target}
    actions create, update
}}
extension "{EXT}" {{
    S: string
    M: string[]
    I: integer
    B: boolean
}}
match [externalId] -> {key} priority 1
"""


HEADER = header()
#: target attributes for the generated mappings, per target kind (of every type)
TARGETS = {
    "entra": [
        "displayName", "jobTitle", "department", "companyName", "city", "employeeType",
        "accountEnabled", "businessPhones", "employeeHireDate", "mobilePhone",
    ],
    "ad": [
        "displayName", "title", "department", "company", "accountExpires", "countryCode",
        "accountDisabled", "msExchHideFromAddressLists", "proxyAddresses", "otherMobile",
    ],
}  # fmt: skip
#: the target of the second matching pair (when the first expression is also a matching key)
SECOND_KEY = "userPrincipalName"

PROPERTY = settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def context() -> EvalContext:
    """A fixed clock and seed: Now, Guid and RandomString are deterministic."""
    return EvalContext(now=NOW, seed=SEED, default_domain="contoso.com",
                       taken=frozenset({"ada", "a", "ss", "x@y.com", "True", "ada@contoso.com"}))


# ---- expressions -------------------------------------------------------------------------------

_TEXTS = [
    "", " ", "a", "Ada", "ADA", "ada lovelace", "ß", "SS", "İ", "\u0131", "i", "Straße", "Zoë",
    "ǅ", "ﬁ", "ǰ", "Σ", "ς", "ÆØÅ", "😀", "日本", "\t", "a b  c", "O'Neil-Smith", "x@y.com",
    "(", ")", "[a-z]", ".*", "$1", "${g}", "\\", "\\d", '"', "'", "a,b", ",", "True", "false",
    "TRUE", "0", "1", "-3", "2.5", "&HF", "2024-01-15", "x.y", "^", "|", "+",
]  # fmt: skip
text_constants = st.one_of(
    st.sampled_from(_TEXTS), st.lists(st.sampled_from(_TEXTS), max_size=3).map("".join)
)
_PATTERNS = [
    "[a-z]+", "(?<g>\\d+)", ".", "^a", "\\s", "(?<Suffix>@(.)*)", "ß|ss", "(?i)i", "(?<g>[A-Z])",
    "a*", "", "\\.", "(?<g>.)(?<h>.)", "[İ\u0131]",
]  # fmt: skip
_FORMATS = ["yyyy-MM-dd", "yyyyMMddHHmmss.fZ", "M/d/yyyy h:mm:ss tt", "dd.MM.yyyy", "yyyyMMdd",
            "yyyy-MM-ddTHH:mm:ssZ", "HH:mm"]
_DATES = ["2024-01-15", "2020-03-16-07:00", "2009-06-15T01:45:30-07:00", "20150123105347.1Z",
          "3/16/2020 7:00:00 AM", "15.01.2024", "not a date", ""]
_INTERVALS = ["yyyy", "m", "d", "ww", "h", "n", "s"]


def _num(text: str) -> Expr:
    return Num(text=text)


numbers: st.SearchStrategy[Expr] = st.one_of(
    st.integers(-2, 12).map(lambda n: _num(str(n))),
    st.sampled_from(["0", "2.5", "&HF", "&H7", "1.5"]).map(_num),
    st.sampled_from(["3", " 2 ", "-1", "1.5", "&HF"]).map(lambda v: Str(value=v)),
    st.just(AttrRef(name=I_ATTR)),
)
strings: st.SearchStrategy[Expr] = st.one_of(
    text_constants.map(lambda v: Str(value=v)),
    st.sampled_from(TEXT_ATTRS).map(lambda n: AttrRef(name=n)),
)
booleans: st.SearchStrategy[Expr] = st.one_of(
    st.sampled_from(["True", "False", "true", "", "1"]).map(lambda v: Str(value=v)),
    st.just(AttrRef(name=B_ATTR)),
)
dates: st.SearchStrategy[Expr] = st.one_of(
    st.sampled_from(_DATES).map(lambda v: Str(value=v)),
    st.sampled_from(TEXT_ATTRS).map(lambda n: AttrRef(name=n)),
)
multis: st.SearchStrategy[Expr] = st.just(AttrRef(name=M_ATTR))

_LEAVES = {"str": strings, "num": numbers, "bool": booleans, "date": dates, "multi": multis}


def _call(name: str, *args: Expr | None) -> Call:
    return Call(name=name, args=tuple(args))


def _optional(children: st.SearchStrategy[Expr]) -> st.SearchStrategy[Expr | None]:
    return st.one_of(st.none(), children)


@functools.cache
def expr(kind: str, depth: int) -> st.SearchStrategy[Expr]:
    """An expression yielding ``kind`` ("str", "num", "bool", "date", "multi", "any") with at
    most ``depth`` levels of calls."""
    if kind == "any":
        return st.one_of(*(expr(k, depth) for k in ("str", "str", "num", "bool", "date", "multi")))
    leaf = _LEAVES[kind]
    if depth == 0:
        return leaf
    return st.one_of(leaf, calls(kind, depth))


@functools.cache
def calls(kind: str, depth: int) -> st.SearchStrategy[Expr]:
    """A call (at the top: ``depth`` levels of calls at most) yielding ``kind``."""
    if kind == "any":
        return st.one_of(*(calls(k, depth) for k in ("str", "str", "num", "bool", "date", "multi")))
    s, n, b, d, m, a = (expr(k, depth - 1) for k in ("str", "num", "bool", "date", "multi", "any"))
    b_ = st.builds
    generic = st.one_of(  # functions returning whatever their arguments give
        b_(lambda c, x, y: _call("IIF", c, x, y), conditions(depth - 1), expr(kind, depth - 1),
           _optional(expr(kind, depth - 1))),
        switches(kind, depth),
        st.lists(_optional(expr(kind, depth - 1)), min_size=1, max_size=4).filter(any).map(
            lambda xs: _call("Coalesce", *xs)),
        expr(kind, depth - 1).map(lambda x: _call("Redact", x)),
        expr(kind, depth - 1).map(lambda x: _call("IgnoreFlowIfNullOrEmpty", x)),
    )
    if kind == "str":
        specific = st.one_of(
            b_(lambda x, y: _call("Append", x, y), s, s),
            s.map(lambda x: _call("ConvertToBase64", x)),
            s.map(lambda x: _call("ConvertToUTF8Hex", x)),
            a.map(lambda x: _call("CStr", x)),
            b_(lambda sep, xs: _call("Join", sep, *xs), _optional(s),
               st.lists(_optional(a), min_size=1, max_size=4)),
            b_(lambda x, k: _call("Left", x, k), s, n),
            b_(lambda x, i, k: _call("Mid", x, i, k), s, n, n),
            s.map(lambda x: _call("NormalizeDiacritics", x)),
            b_(lambda x, sep: _call("PCase", x, *sep), s, st.lists(s, max_size=1)),
            replaces(depth),
            s.map(lambda x: _call("StripSpaces", x)),
            b_(lambda f, x, c: _call(f, x, *c), st.sampled_from(["ToLower", "ToUpper"]), s,
               st.sampled_from([(), (None,), (Str(value="en-US"),), (Str(value="tr-TR"),)])),
            b_(lambda x, k, sep: _call("Word", x, k, sep), s, n, s),
            b_(lambda x, k: _call("Item", x, k), m, n),
            st.sampled_from([_call("Guid"), _call("DefaultDomain")]),
            st.builds(lambda ks, avoid: _call("RandomString", *ks, *avoid),
                      st.sampled_from([("8", "1", "1", "1", "1"), ("3", "3", "0", "0", "0"),
                                       ("4", "0", "0", "0", "0")]).map(
                          lambda t: tuple(_num(v) for v in t)),
                      st.lists(s, max_size=1)),
            formats(depth),
            d.map(lambda x: _call("NumFromDate", x)),
        )
    elif kind == "num":
        specific = st.one_of(
            a.map(lambda x: _call("Len", x)),
            b_(lambda x, y, rest: _call("InStr", x, y, *rest), s, s, st.one_of(
                st.just(()), n.map(lambda k: (k,)),
                b_(lambda k, c: (k, c), _optional(n), st.sampled_from(
                    [Name(name="vbTextCompare"), Name(name="vbBinaryCompare"),
                     Str(value="vbTextCompare")])))),
            m.map(lambda x: _call("Count", x)),
            b_(lambda x, y: _call("BitAnd", x, y), n, n),
            b_(lambda i, x, y: _call("DateDiff", Str(value=i), x, y), st.sampled_from(_INTERVALS),
               d, d),
        )
    elif kind == "bool":
        specific = st.one_of(
            b_(lambda f, x: _call(f, x),
               st.sampled_from(["IsNull", "IsNullOrEmpty", "IsPresent", "IsString"]), a),
            b.map(lambda x: _call("Not", x)),
            conditions(depth - 1).map(lambda c: _call("CBool", c)),
        )
    elif kind == "date":
        specific = st.one_of(
            s.map(lambda x: _call("CDate", x)),
            b_(lambda i, k, x: _call("DateAdd", Str(value=i), k, x), st.sampled_from(_INTERVALS),
               n, d),
            st.just(_call("Now")),
            st.sampled_from(["129699324000000000", "0", "-5"]).map(
                lambda v: _call("DateFromNum", _num(v))),
        )
    else:  # multi
        specific = st.one_of(
            b_(lambda x, sep: _call("Split", x, *sep), s, st.lists(s, max_size=1)),
            m.map(lambda x: _call("RemoveDuplicates", x)),
        )
    return st.one_of(specific, specific, generic)


def conditions(depth: int) -> st.SearchStrategy[Expr]:
    """An IIF/CBool condition: a comparison or a boolean-ish expression."""
    scalar = st.one_of(expr("str", depth), expr("num", depth), expr("bool", depth))
    compare = st.builds(lambda op, x, y: Compare(op=op, left=x, right=y),
                        st.sampled_from(["=", "<>", "<", "<=", ">", ">="]), scalar, scalar)
    return st.one_of(compare, expr("bool", depth), expr("num", depth))


def switches(kind: str, depth: int) -> st.SearchStrategy[Expr]:
    """Switch(source, default, key, value, ...): a dangling last key is accepted by the checker."""
    key = st.one_of(st.none(), expr("str", depth - 1), numbers)
    value = _optional(expr(kind, depth - 1))
    return st.builds(
        lambda source, default, pairs, dangling: _call(
            "Switch", source, default, *(x for pair in pairs for x in pair), *dangling),
        expr("str", depth - 1), value, st.lists(st.tuples(key, value), min_size=1, max_size=3),
        st.one_of(st.just(()), st.just(()), key.map(lambda k: (k,))),
    )


def replaces(depth: int) -> st.SearchStrategy[Expr]:
    """Replace in each of its modes (and odd mixes), trailing empty slots sometimes dropped."""
    s = expr("str", depth - 1)
    pattern = st.one_of(st.sampled_from(_PATTERNS).map(lambda p: Str(value=p)), s)
    group = st.sampled_from(["g", "Suffix", "h", "nope"]).map(lambda g: Str(value=g))
    modes = st.one_of(
        st.tuples(s, s, st.none(), st.none(), s, st.none(), st.none()),
        st.tuples(s, s, st.none(), st.none(), st.none(), st.none(), s),
        st.tuples(s, st.none(), pattern, st.none(), s, st.none(), st.none()),
        st.tuples(s, st.none(), pattern, group, s, st.none(), st.none()),
        st.tuples(s, st.none(), pattern, group, st.none(), s, st.none()),
        st.tuples(s, _optional(s), _optional(pattern), _optional(group), _optional(s),
                  _optional(s), _optional(s)),
    )

    def build(slots: tuple[Expr | None, ...], trim: bool) -> Expr:
        if trim:
            while len(slots) > 2 and slots[-1] is None:
                slots = slots[:-1]
        return _call("Replace", *slots)

    return st.builds(build, modes, st.booleans())


def formats(depth: int) -> st.SearchStrategy[Expr]:
    """FormatDateTime in its 3- and 4-slot forms."""
    d = expr("date", depth - 1)
    fmt = st.sampled_from(_FORMATS).map(lambda f: Str(value=f))
    styles = st.one_of(st.none(), st.sampled_from(["AssumeUniversal", "None", "RoundtripKind"]).map(
        lambda v: Str(value=v)))
    return st.one_of(
        st.builds(lambda x, i, o: _call("FormatDateTime", x, i, o), d, fmt, fmt),
        st.builds(lambda x, st_, i, o: _call("FormatDateTime", x, st_, i, o), d, styles,
                  _optional(fmt), fmt),
    )


top_expressions: st.SearchStrategy[Expr] = st.integers(1, 3).flatmap(lambda d: calls("any", d))

# ---- users -------------------------------------------------------------------------------------

MISSING = object()
_VALUES: list[Any] = [
    None, "", "Ada", "ada lovelace", "ß", "İstanbul", "Straße", "True", "false", "TRUE", "0",
    "7", "-3", "2.5", "&HF", "2024-01-15", "2020-03-16-07:00", "a,b", "x@y.com", " ", 42, 0,
    3.5, True, False, ["a", "b"], ["x"], [], ["", "a"], {"value": "ref"},
]  # fmt: skip
attribute_values = st.one_of(
    st.just(MISSING), st.sampled_from(_VALUES), text_constants,
    st.lists(text_constants, max_size=3),
)


@st.composite
def users(draw: st.DrawFn) -> dict[str, Any]:
    user: dict[str, Any] = {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"]}
    cases: list[Callable[[str], str]] = [str, str, str, str.lower, str.upper]
    cased = st.sampled_from(cases)
    if draw(st.integers(0, 9)):
        user["externalId"] = draw(st.sampled_from(["E1", "e-2", "Ada"]))
    for name in ("displayName", "title"):
        value = draw(attribute_values)
        if value is not MISSING:
            user[draw(cased)(name)] = value
    extension: dict[str, Any] = {}
    for name in ("S", "M", "I", "B"):
        value = draw(attribute_values)
        if value is not MISSING:
            if draw(st.integers(0, 9)):
                extension[draw(cased)(name)] = value
            else:
                user[f"{EXT}:{name}"] = value  # a flat URN key
    if extension:
        user[EXT] = extension
    given_name = draw(attribute_values)
    if given_name is not MISSING:
        user[draw(cased)("name")] = draw(st.sampled_from(
            [{"givenName": given_name}, {"GivenName": given_name}, "not an object"]))
    email = draw(attribute_values)
    if email is not MISSING:
        kinds = draw(st.lists(st.sampled_from(["work", "Work", "home", None]), max_size=3))
        user["emails"] = [{"type": kind, "value": email} for kind in kinds] if kinds else {
            "type": "work", "value": email}
    manager = draw(attribute_values)
    if manager is not MISSING:
        user[ENTERPRISE] = {"manager": draw(st.sampled_from(
            [manager, {"value": manager}, {"Value": manager}]))}
    return user


#: flat attributes as any caller may pass them (the value model, not only what flatten gives)
raw_values = st.one_of(
    st.just(MISSING), st.none(), text_constants, st.sampled_from([True, False, 0, 7, -2, 2.5]),
    st.lists(st.one_of(text_constants, st.sampled_from([True, 3])), max_size=3),
)
# Typed as ``source_values`` types them (the MappingFn contract): a single-valued text attribute
# is a string or absent, never a list or a number; the others take anything.
raw_texts = st.one_of(st.just(MISSING), st.none(), text_constants)
raw_attributes = st.fixed_dictionaries(
    {**{name: raw_texts for name in (*TEXT_ATTRS, "externalId")},
     **{name: raw_values for name in (M_ATTR, B_ATTR)}}
).map(lambda d: {k: v for k, v in d.items() if v is not MISSING})

_TEXT_OPERATORS = ["EQUALS", "NOT EQUALS", "Includes", "ENDS_WITH", "REGEX MATCH",
                   "NOT REGEX MATCH", "&", "!&"]
_OPERANDS = ["Ada", "a", "", "True", "7", "2", "ß", "^A", "x@y.com"]
clauses = st.one_of(
    st.builds(lambda attr, op, operand: f'[{attr}] {op} "{operand}"',
              st.sampled_from(SCOPE_ATTRS), st.sampled_from(_TEXT_OPERATORS),
              st.sampled_from(_OPERANDS)),
    st.builds(lambda attr, op, operand: f"[{attr}] {op} {operand}",
              st.sampled_from(SCOPE_ATTRS), st.sampled_from(["Greater_Than",
                                                            "Greater_Than_OR_EQUALS"]),
              st.sampled_from(["2", "-1", "7"])),
    st.builds(lambda attr, op: f"[{attr}] {op}", st.sampled_from([*SCOPE_ATTRS, B_ATTR]),
              st.sampled_from(["IS NULL", "IS NOT NULL"])),
    st.builds(lambda op: f"[{B_ATTR}] {op}", st.sampled_from(["IS TRUE", "IS FALSE"])),
)
scopes = st.one_of(st.just(""), st.lists(
    st.lists(clauses, min_size=1, max_size=3), min_size=1, max_size=2
).map(lambda groups: "scope {\n" + "".join(
    f'    group "G{n}" {{\n' + "".join(f"        {c}\n" for c in group) + "    }\n"
    for n, group in enumerate(groups)) + "}\n"))


# ---- the jobs ----------------------------------------------------------------------------------


def prov_text(
    expressions: list[Expr], targets: list[str], options: list[str], match_first: bool,
    scope: str = "", target: str = "entra", unique: list[Expr] | None = None,
) -> str:
    """A job mapping ``expressions`` to ``targets`` (the first one also a matching key when
    ``match_first``); on an AD target, ``unique`` adds a SelectUniqueValue mapping."""
    lines = [header(target), scope]
    body = list(zip(targets, expressions, options, strict=False))
    if match_first:
        lines.append(f"match {compact(expressions[0])} -> {SECOND_KEY} priority 2\n")
    lines.append("map {")
    for name, expression, option in body:
        lines.append(f"    {name} <- {compact(expression)}{option}")
    if unique and target == "ad":
        lines.append(f"    sAMAccountName <- {compact(_call('SelectUniqueValue', *unique))}")
    lines.append("}\n")
    return "\n".join(lines)


@functools.cache
def _workdir() -> Path:
    """One folder for the generated .prov files of this run, removed at exit."""
    path = Path(tempfile.mkdtemp(prefix="differential-"))
    atexit.register(shutil.rmtree, path, True)
    return path


def checked_job(text: str) -> Job | None:
    """The job of a .prov text, or None when the checker reports an error."""
    path = _workdir() / "job.prov"
    path.write_text(text, encoding="utf-8")
    result = check_paths([path])
    if not result.ok:
        return None
    [job] = result.compiled_jobs()
    return job


def outcome_of(call: Any) -> tuple[str, Any]:
    """("value", result) or ("raise", (exception class name, message))."""
    try:
        return "value", call()
    except Exception as exc:  # any exception must match on both sides
        return "raise", (type(exc).__name__, str(exc))


def strict(value: Any) -> Any:
    """A comparable form that tells True from 1 and "1" from 1."""
    if isinstance(value, list | tuple):
        return (type(value).__name__, [strict(v) for v in value])
    if isinstance(value, dict):
        return {k: strict(v) for k, v in value.items()}
    return (type(value).__name__, value)


def compare_mappings(module: Any, job: Job, flat: dict[str, Any]) -> int:
    """Each compiled mapping function against the interpreter on the flat attributes."""
    expressions = {m.target: m.expression for m in job.mappings}
    for spec in module.JOB.mappings:
        expression = expressions[spec.target]
        compiled = outcome_of(lambda s=spec: s.fn(copy.deepcopy(flat), context()))
        interpreted = outcome_of(lambda e=expression: evaluate(e, copy.deepcopy(flat), context()))
        assert strict(compiled) == strict(interpreted), (
            compact(expression), flat, compiled, interpreted)
    return len(module.JOB.mappings)


def compare_outcomes(module: Any, user: dict[str, Any]) -> None:
    """The fused ``evaluate`` against the generic ``decide``: for a create, an update of an
    empty target user and of the created one."""

    def generic(existing: dict[str, Any] | None) -> tuple[str, Any]:
        return outcome_of(lambda: module.decide(
            module.JOB, copy.deepcopy(user), copy.deepcopy(existing), context()))

    def fused(existing: dict[str, Any] | None) -> tuple[str, Any]:
        return outcome_of(lambda: module.evaluate(
            copy.deepcopy(user), copy.deepcopy(existing), context()))

    created = generic(None)
    existing_users: list[dict[str, Any] | None] = [None, {}]
    if created[0] == "value":
        existing_users.append(dict(created[1].values))
    for existing in existing_users:
        expected, got = generic(existing), fused(existing)
        assert got == expected, (user, existing, got, expected)
        if got[0] == "value":
            assert strict(got[1].values) == strict(expected[1].values), (user, got)
            assert strict(got[1].keys) == strict(expected[1].keys), (user, got)


def compare_job(
    job: Job, user_list: Sequence[dict[str, Any]], raw: Sequence[dict[str, Any]] = ()
) -> int:
    """Compare both paths of ``job`` on every user (and the mapping functions on the ``raw``
    flat attributes); returns the number of mapping comparisons."""
    module = load_evaluator(job)
    compared = 0
    for flat in raw:
        compared += compare_mappings(module, job, flat)
    for user in user_list:
        flat = module.source_values(module.JOB, copy.deepcopy(user))
        compared += compare_mappings(module, job, flat)
        compare_outcomes(module, user)
    return compared


_OPTIONS = st.sampled_from(["", "", "", ' default "Staff"', "  on create"])


@PROPERTY
@given(
    expressions=st.lists(top_expressions, min_size=1, max_size=4),
    target=st.sampled_from(["entra", "entra", "ad"]),
    order=st.randoms(use_true_random=False),
    options=st.lists(_OPTIONS, min_size=4, max_size=4),
    match_first=st.booleans(),
    scope=scopes,
    unique=st.lists(expr("str", 2), min_size=2, max_size=3),
    user_list=st.lists(users(), min_size=3, max_size=8),
    raw=st.lists(raw_attributes, max_size=3),
)
def test_compiled_and_fused_agree_with_the_interpreter(
    expressions: list[Expr], target: str, order: Any, options: list[str], match_first: bool,
    scope: str, unique: list[Expr], user_list: list[dict[str, Any]], raw: list[dict[str, Any]],
) -> None:
    targets = order.sample(TARGETS[target], len(expressions))
    job = checked_job(
        prov_text(expressions, targets, options, match_first, scope, target, unique))
    assume(job is not None)
    assert job is not None
    compare_job(job, user_list, raw)


# ---- regressions: one plain test per divergence the property found -----------------------------


def _job(mappings: str) -> Job:
    job = checked_job(HEADER + "map {\n" + mappings + "\n}\n")
    assert job is not None
    return job


def _failure(call: Any) -> tuple[str, str]:
    """(class name, message) of what ``call`` raises."""
    kind, detail = outcome_of(call)
    assert kind == "raise", detail
    return detail  # type: ignore[no-any-return]


def test_switch_with_a_key_without_value_fails_when_compiled() -> None:
    """Bug 1: the compiler dropped a dangling last key (the checker accepted the odd slot
    count), so the compiled code returned the default where the interpreter (and fn_Switch)
    fail with invalid-argument. The checker now refuses it (PROV219); the code still fails
    the record rather than guess, for a job built without the check."""
    text = 'Switch([title], "d", "a", "x", "b")'
    path = _workdir() / "job.prov"
    path.write_text(HEADER + f"map {{\n    jobTitle <- {text}\n}}\n", encoding="utf-8")
    result = check_paths([path])
    assert {d.code.value for d in result.diagnostics} == {"PROV219"}
    [job] = result.jobs
    module = load_evaluator(job)
    [spec] = [m for m in module.JOB.mappings if m.target == "jobTitle"]
    expected = ("ExpressionError",
                "invalid-argument: Switch needs key/value pairs; a key has no value")
    for title in ("a", "b", None):
        flat = {"title": title}
        assert _failure(lambda f=flat: evaluate(job.mappings[-1].expression, f, context())) == (
            expected)
        assert _failure(lambda f=flat: spec.fn(f, context())) == expected
        assert _failure(lambda f=flat: compile_callable(parse_expression(text))(f, None)) == (
            expected)
    user = {"externalId": "E1", "title": "a"}
    fused = module.evaluate(user, None, context())
    assert fused.action == "fail" and fused.error == expected[1].split(": ", 1)[1]
    assert fused == module.decide(module.JOB, user, None, context())
    # one trailing empty slot is still tolerated
    assert compile_callable(parse_expression('Switch([t], "d", "a", "x", )'))({"t": "a"}, None) == (
        "x")


@pytest.mark.parametrize("expression", [f"[{M_ATTR}]", f"Redact([{M_ATTR}])",
                                        f'IIF([{B_ATTR}], [{M_ATTR}], "x")'])
@pytest.mark.parametrize("target", ["department", "accountEnabled"])
def test_several_values_for_a_single_valued_target_fail_in_the_fused_path(
    expression: str, target: str
) -> None:
    """Bug 2: normalising a multi-valued result for a single-valued target raises; decide turns
    that into a "fail" outcome, the fused evaluate let the exception out of evaluate."""
    module = load_evaluator(_job(f"    {target} <- {expression}"))
    user = {"externalId": "E1", EXT: {"M": ["a", "b"], "B": True}}
    for existing in (None, {target: "a"}):
        generic = module.decide(module.JOB, user, existing, context())
        assert generic.action == "fail"
        assert "multi-valued value (2 values)" in (generic.error or "")
        assert module.evaluate(user, existing, context()) == generic
    one = {"externalId": "E1", EXT: {"M": ["a"], "B": True}}
    assert module.evaluate(one, None, context()) == module.decide(module.JOB, one, None, context())


@pytest.mark.parametrize("text", [f"Coalesce(, [{M_ATTR}])", f"Coalesce([displayName], [{M_ATTR}])",
                                  f"Coalesce([{M_ATTR}], [displayName])"])
def test_coalesce_of_only_empty_lists_is_null_when_compiled(text: str) -> None:
    """Bug 3: the compiled Coalesce returned its last alternative unchecked, so an empty list
    (an empty multi-valued attribute, which is NULL) came back as [] instead of NULL. (The
    flat attributes are typed as ``source_values`` types them: a single-valued text attribute
    is never a list, so the empty list is a multi-valued attribute's.)"""
    flat: dict[str, Any] = {M_ATTR: []}
    expression = parse_expression(text)
    assert expression is not None
    interpreted = evaluate(expression, flat, context())
    assert interpreted in (None, "")
    assert strict(compile_callable(expression)(flat, context())) == strict(interpreted)
    job = _job(f"    businessPhones <- {text}")
    compare_job(job, [], [flat, {M_ATTR: [], "displayName": None}, {M_ATTR: ["x"]}])


@pytest.mark.parametrize("expression", [f"[{M_ATTR}]", f"Redact([{M_ATTR}])"])
@pytest.mark.parametrize("second", [False, True])
def test_several_values_for_a_single_valued_matching_target_are_no_key(
    expression: str, second: bool
) -> None:
    """Found after the property: a matching expression with several values for a
    single-valued target raised out of both decide and the fused evaluate (an internal error
    in `prov run`). Like a matching expression that fails, it gives no key: the record is
    unmatchable, or, with a second matching pair, fails where its value is computed."""
    text = HEADER.replace("match [externalId] -> employeeId priority 1\n",
                          f"match {expression} -> employeeId priority 1\n")
    if second:
        text += "match [displayName] -> mail priority 2\n"
    job = checked_job(text + "map {\n    jobTitle <- [title]\n}\n")
    assert job is not None
    module = load_evaluator(job)
    user = {"externalId": "E1", "displayName": "Ada", EXT: {"M": ["a", "b"]}}
    for existing in (None, {"employeeId": "a"}):
        generic = module.decide(module.JOB, user, existing, context())
        assert module.evaluate(user, existing, context()) == generic
        assert generic.action == "fail"
        if second:
            assert generic.keys == [("mail", "Ada")]
            assert "multi-valued value (2 values)" in (generic.error or "")
        else:
            assert generic.keys == []
    assert module.matching_keys(user, context()) == ([("mail", "Ada")] if second else [])
    one = {"externalId": "E1", EXT: {"M": ["a"]}}
    assert module.evaluate(one, None, context()).keys[0] == ("employeeId", "a")
