"""One record through one job, as the Entra provisioning service processes it.

The generated evaluator module holds the job as data tables plus one compiled function per
mapping; this module interprets the tables: scoping, matching keys, the target values for a
create or an update, and the decision (create, update, enable, disable, delete, skip, none, fail).
The outcome builders (``leaving``, ``unmatchable``, ``not_created``, ``failure``, ``created``,
``updated``, ``out_of_scope``) are shared with the generated module's fused ``evaluate``, which
does the same work in one function specialised to its job.

Contract: standard library only, plus sibling runtime modules (copied into generated packages).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from . import lazy as _lazy
from .context import EvalContext
from .errors import ExpressionError, NoFlow
from .scim import flatten
from .scoping import ACCOUNT_STATE, clause_holds
from .text import ignore_case
from .values import to_str

#: A mapping's function: its value for the flat source attributes, typed as ``source_values``
#: makes them (a single-valued text attribute is a ``str`` or absent).
MappingFn = Callable[[Mapping[str, Any], EvalContext], Any]


@dataclass(frozen=True, slots=True)
class MappingSpec:
    target: str
    fn: MappingFn
    flow: str  # "Always" | "ObjectAddOnly"
    default: str | None
    matching_priority: int
    target_type: str  # String, Boolean, Integer, DateTime, Reference
    multivalued: bool
    where: str  # "file:line:col" of the mapping
    text: str  # the mapping as written: target <- expression


@dataclass(frozen=True, slots=True)
class ClauseSpec:
    attribute: str
    operator: str
    operand: str | None
    where: str

    def describe(self) -> str:
        value = f' "{self.operand}"' if self.operand is not None else ""
        return f"[{self.attribute}] {self.operator}{value}"

    def located(self) -> str:
        """Where the clause is and what it says (for a failure it causes)."""
        return f"{self.where}: scoping clause {self.describe()}"


@dataclass(frozen=True, slots=True)
class GroupSpec:
    name: str
    clauses: tuple[ClauseSpec, ...]


@dataclass(frozen=True, slots=True)
class JobModel:
    name: str
    target: str  # "entra" | "ad"
    actions: tuple[str, ...]
    deletion_threshold: int | None
    source_attributes: tuple[tuple[str, str, bool], ...]
    mappings: tuple[MappingSpec, ...]
    scope: tuple[GroupSpec, ...]


@dataclass(frozen=True, slots=True)
class ScopeDecision:
    """Immutable, so a generated evaluator shares one instance per decision it can know at
    compile time (a job with one scoping group, or none) instead of building one per record."""

    in_scope: bool
    group: str | None  # the group that put the record in scope
    failed: tuple[tuple[str, str], ...] = ()  # (group, first false clause) of each failed group
    reason: str = ""


@dataclass(slots=True)
class Outcome:
    """What the job does with one record."""

    action: str  # create update enable disable delete skip none fail
    reason: str
    scope: ScopeDecision
    keys: list[tuple[str, Any]]  # matching (target attribute, value) in priority order
    values: dict[str, Any] = field(default_factory=dict)  # target values computed
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)  # target: (old, new)
    no_flow: list[str] = field(default_factory=list)  # targets dropped by IgnoreFlowIfNullOrEmpty
    error: str | None = None
    error_mapping: str | None = None
    attributes: dict[str, Any] = field(default_factory=dict)  # the flat source attributes


# ---- the generic path's mapping functions (``MappingSpec.fn``) of a generated module --------
# built when the module is imported, so the module does not hold a small ``def`` per mapping
# for its one ``compile()`` to check and compile


def mapping_read(name: str) -> MappingFn:
    """A mapping that is a plain attribute read: the flat attribute ``name``."""

    def mapping(a: Mapping[str, Any], ctx: EvalContext) -> Any:
        return a.get(name)

    return mapping


def mapping_constant(value: Any) -> MappingFn:
    """A mapping that is a constant."""

    def mapping(a: Mapping[str, Any], ctx: EvalContext) -> Any:
        return value

    return mapping


def mapping_over(function: Callable[..., Any], names: tuple[str, ...]) -> MappingFn:
    """A mapping compiled into ``function`` (the module's ``_eN``): ``function`` of the values of
    the flat attributes ``names`` (in its parameters' order) and the context."""
    if not names:

        def mapping(a: Mapping[str, Any], ctx: EvalContext) -> Any:
            return function(ctx)

    elif len(names) == 1:
        (only,) = names

        def mapping(a: Mapping[str, Any], ctx: EvalContext) -> Any:
            return function(a.get(only), ctx)

    elif len(names) == 2:
        first, second = names

        def mapping(a: Mapping[str, Any], ctx: EvalContext) -> Any:
            return function(a.get(first), a.get(second), ctx)

    else:

        def mapping(a: Mapping[str, Any], ctx: EvalContext) -> Any:
            return function(*[a.get(n) for n in names], ctx)

    return mapping


def source_values(model: JobModel, user: Mapping[str, Any]) -> dict[str, Any]:
    return flatten(user, model.source_attributes)


def decide_scope(model: JobModel, attrs: Mapping[str, Any], ctx: EvalContext) -> ScopeDecision:
    if not model.scope:
        return IN_SCOPE_UNFILTERED
    failed: list[tuple[str, str]] = []
    for group in model.scope:
        for clause in group.clauses:
            value = attrs.get(clause.attribute)
            holds = clause_holds(clause.operator, value, clause.operand, ctx.regex_timeout,
                                 clause.located())
            if _lazy.COVERAGE is not None:
                _lazy.COVERAGE.add(f"{clause.where}: clause {'held' if holds else 'failed'}")
            if not holds:
                failed.append((group.name, clause.describe()))
                break
        else:
            return ScopeDecision(True, group.name, tuple(failed),
                                 f'in scope by group "{group.name}"')
    return out_of_scope(failed)


#: The reason of a job without a scoping filter.
NO_SCOPING = "no scoping filter: every record is in scope"
#: The decision of a job without a scoping filter.
IN_SCOPE_UNFILTERED = ScopeDecision(True, None, (), NO_SCOPING)


def out_of_scope(failed: Sequence[tuple[str, str]]) -> ScopeDecision:
    """The decision when every group failed; ``failed`` holds each group's first false clause."""
    reason = "; ".join(f'group "{g}": {c} is false' for g, c in failed)
    return ScopeDecision(False, None, tuple(failed), "out of scope: " + reason)


def normalise(value: Any, type_: str, multivalued: bool) -> Any:
    """A computed or stored value in the target's terms (for comparison and storage)."""
    if value is None:
        return None
    if value.__class__ is str and not multivalued and type_ != "Boolean" and type_ != "Integer":
        return value  # the common case, as to_str would return it
    if multivalued:
        items = value if isinstance(value, list | tuple) else [value]
        return [normalise(v, type_, False) for v in items if v is not None]
    if isinstance(value, list | tuple):
        value = value[0] if len(value) == 1 else to_str(list(value))
    if type_ == "Boolean":
        if isinstance(value, bool):
            return value
        text = to_str(value) or ""
        if text.strip().lower() in ("true", "false"):
            return text.strip().lower() == "true"
        return text
    if type_ == "Integer" and not isinstance(value, bool):
        text = to_str(value) or ""
        try:
            return int(text)
        except ValueError:
            return text
    return to_str(value)


def same(old: Any, new: Any) -> bool:
    """Change detection: attributes are not caseExact, so text compares as .NET's
    OrdinalIgnoreCase does (``text.ignore_case``)."""
    if isinstance(old, str) and isinstance(new, str):
        return old == new or ignore_case(old) == ignore_case(new)
    if isinstance(old, list) and isinstance(new, list):
        return len(old) == len(new) and all(same(a, b) for a, b in zip(old, new, strict=True))
    return bool(old == new and type(old) is type(new))


_MATCHING: dict[int, tuple[JobModel, tuple[MappingSpec, ...]]] = {}


def _matching_specs(model: JobModel) -> tuple[MappingSpec, ...]:
    """The matching mappings in priority order, sorted once per job model."""
    cached = _MATCHING.get(id(model))
    if cached is not None and cached[0] is model:
        return cached[1]
    specs = tuple(sorted((m for m in model.mappings if m.matching_priority),
                         key=lambda m: m.matching_priority))
    if len(_MATCHING) > 256:
        _MATCHING.clear()
    _MATCHING[id(model)] = (model, specs)
    return specs


def matching_keys(
    model: JobModel, attrs: Mapping[str, Any], ctx: EvalContext
) -> list[tuple[str, Any]]:
    keys = []
    for spec in _matching_specs(model):
        ctx.target = spec.target
        try:
            # several values for a single-valued target fail to normalise: no key either
            value = normalise(spec.fn(attrs, ctx), spec.target_type, spec.multivalued)
        except NoFlow:
            value = None
        except ExpressionError as exc:
            value = key_error(exc, f"{spec.where}: {spec.text}")
        if value is not None and value != "":
            keys.append((spec.target, value))
    return keys


def target_values(
    model: JobModel, attrs: Mapping[str, Any], ctx: EvalContext, *, create: bool
) -> tuple[dict[str, Any], list[str]]:
    """Target values for a create (every mapping, defaults) or an update (Always mappings).

    Raises ExpressionError (with ``mapping`` set) when a mapping fails.
    """
    values: dict[str, Any] = {}
    dropped: list[str] = []
    for spec in model.mappings:
        if not create and spec.flow == "ObjectAddOnly":
            continue
        ctx.target = spec.target
        if _lazy.COVERAGE is not None:
            _lazy.COVERAGE.add(f"{spec.where}: mapping {spec.target}")
        try:
            value = spec.fn(attrs, ctx)
        except NoFlow:
            dropped.append(spec.target)
            continue
        except ExpressionError as exc:
            exc.mapping = f"{spec.where}: {spec.text}"  # type: ignore[attr-defined]
            raise
        if value is None:
            if create and spec.default is not None:
                value = spec.default  # "default value if null" applies on create only
            else:
                continue  # Entra does not provision NULL
        values[spec.target] = normalise(value, spec.target_type, spec.multivalued)
    return values, dropped


def decide(
    model: JobModel,
    user: Mapping[str, Any],
    existing: Mapping[str, Any] | None = None,
    ctx: EvalContext | None = None,
    *,
    was_provisioned: bool | None = None,
    attrs: Mapping[str, Any] | None = None,
    keys: list[tuple[str, Any]] | None = None,
) -> Outcome:
    """The action for one SCIM user against the matched target user ``existing`` (or None).

    ``attrs`` (the user's flat source attributes) and ``keys`` (its matching keys) may be passed
    when the caller already computed them to find ``existing``; they are not recomputed then.
    A generated evaluator's own ``evaluate`` is this function specialised to its job (an
    instrumented build too: the same code with coverage probes); both build outcomes with the
    functions below.
    """
    ctx = ctx or EvalContext()
    if attrs is None:
        attrs = source_values(model, user)
    scope = decide_scope(model, attrs, ctx)
    if keys is None:
        keys = matching_keys(model, attrs, ctx)
    attributes = dict(attrs)
    if not scope.in_scope:
        return leaving(model, scope, keys, attributes, existing, was_provisioned)
    if not keys:
        return unmatchable(scope, keys, attributes)
    try:
        if existing is None:
            if "create" not in model.actions:
                return not_created(scope, keys, attributes)
            values, dropped = target_values(model, attrs, ctx, create=True)
            return created(scope, keys, values, dropped, attributes)
        values, dropped = target_values(model, attrs, ctx, create=False)
    except ExpressionError as exc:
        return failure(scope, keys, attributes, exc)
    return updated(model, scope, keys, values, dropped, existing, attributes)


# ---- outcomes (shared by decide and the generated _evaluate) ------------------------------------


def leaving(
    model: JobModel,
    scope: ScopeDecision,
    keys: list[tuple[str, Any]],
    attrs: dict[str, Any],
    existing: Mapping[str, Any] | None,
    was_provisioned: bool | None,
) -> Outcome:
    """Out of scope: skip, or delete / disable a provisioned user that leaves scope."""
    outcome = Outcome("skip", scope.reason, scope, keys, {}, {}, [], None, None, attrs)
    if existing is not None and (was_provisioned is None or was_provisioned):
        state_attr, enabled_value = ACCOUNT_STATE.get(model.target, ("accountEnabled", True))
        if "delete" in model.actions:
            outcome.action, outcome.reason = "delete", scope.reason + "; the user is deleted"
        elif _enabled(existing, state_attr, enabled_value):
            outcome.action = "disable"
            outcome.reason = scope.reason + "; a provisioned user leaving scope is disabled"
            outcome.changes = {state_attr: (existing.get(state_attr), not enabled_value)}
        else:
            outcome.reason = scope.reason + " (already disabled)"
    return outcome


def key_error(exc: ExpressionError, mapping: str) -> Any:
    """A matching mapping that fails gives no key, except when a regular expression ran out of
    time: that is not "no value" but the record's failure, raised again with ``mapping`` (the
    mapping's location and text) for ``errored``."""
    if exc.reason == "regex-timeout":
        exc.mapping = mapping  # type: ignore[attr-defined]
        raise exc
    return None


def errored(exc: ExpressionError, attrs: Mapping[str, Any]) -> Outcome:
    """The record fails alone: a scoping clause or a matching key could not be decided (a
    regular expression ran out of time). Nothing else was decided, so it is neither in nor out
    of scope and has no keys."""
    where = getattr(exc, "mapping", None)
    reason = f"{where}: {exc.message}" if where else exc.message
    scope = ScopeDecision(False, None, (), "not decided: " + reason)
    return Outcome("fail", reason, scope, [], {}, {}, [], exc.message, where, dict(attrs))


def unmatchable(
    scope: ScopeDecision, keys: list[tuple[str, Any]], attrs: dict[str, Any]
) -> Outcome:
    """In scope, but no matching attribute has a value."""
    error = "the record has no value for any matching attribute"
    return Outcome("fail", error, scope, keys, {}, {}, [], error, None, attrs)


def not_created(
    scope: ScopeDecision, keys: list[tuple[str, Any]], attrs: dict[str, Any]
) -> Outcome:
    reason = "no matching user, and the job does not create users"
    return Outcome("skip", reason, scope, keys, {}, {}, [], None, None, attrs)


def failure(
    scope: ScopeDecision,
    keys: list[tuple[str, Any]],
    attrs: dict[str, Any],
    exc: ExpressionError,
    mapping: str | None = None,
) -> Outcome:
    """A mapping failed; ``mapping`` ("where: text") is recorded on ``exc`` when given."""
    if mapping is not None:
        exc.mapping = mapping  # type: ignore[attr-defined]
    where = getattr(exc, "mapping", None)
    reason = f"{where}: {exc.message}" if where else exc.message
    return Outcome("fail", reason, scope, keys, {}, {}, [], exc.message, where, attrs)


def created(
    scope: ScopeDecision,
    keys: list[tuple[str, Any]],
    values: dict[str, Any],
    dropped: list[str],
    attrs: dict[str, Any],
) -> Outcome:
    changes = {k: (None, v) for k, v in values.items()}
    return Outcome("create", CREATED, scope, keys, values, changes, dropped, None, None, attrs)


#: The reason of a create.
CREATED = "no user matched; created"


def updated(
    model: JobModel,
    scope: ScopeDecision,
    keys: list[tuple[str, Any]],
    values: dict[str, Any],
    dropped: list[str],
    existing: Mapping[str, Any],
    attrs: dict[str, Any],
) -> Outcome:
    """Matched and in scope: update, enable, disable, or none (the target already matches)."""
    changes = {}
    for k, v in values.items():
        old = existing.get(k)
        if not same(old, v):
            changes[k] = (old, v)
    outcome = Outcome("none", "redundant export: the target already matches", scope, keys,
                      values, {}, dropped, None, None, attrs)
    if not changes:
        return outcome
    outcome.changes = changes
    if "update" not in model.actions:
        outcome.action, outcome.reason = "skip", "changes found, but the job does not update users"
        return outcome
    outcome.action, outcome.reason = "update", f"{len(changes)} attribute(s) changed"
    state_attr, enabled_value = ACCOUNT_STATE.get(model.target, ("accountEnabled", True))
    if state_attr in changes:
        old, new = changes[state_attr]
        if new == enabled_value and old != enabled_value:
            outcome.action, outcome.reason = "enable", "the account is enabled (active)"
        elif new != enabled_value and (old == enabled_value or old is None):
            outcome.action, outcome.reason = "disable", "the account is disabled (not active)"
    return outcome


def _enabled(existing: Mapping[str, Any], state_attr: str, enabled_value: bool) -> bool:
    value = existing.get(state_attr)
    if value is None:
        return True
    return normalise(value, "Boolean", False) == enabled_value
