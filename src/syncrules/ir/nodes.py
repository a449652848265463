"""IR nodes. Data only: behaviour lives in passes (checker, printer, backends, evaluator).

Equality and hashing are structural and ignore spans, so the same rules written with different
whitespace compare equal.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from syncrules.source import Span

_NOSPAN = Span("<none>", 1, 1, 1, 1)

#: The largest number Graph stores for the job's numbers (deletion threshold, matching
#: priorities: Int32), and the largest a `test` block's seed takes.
INT32_MAX = 2**31 - 1


@dataclass(frozen=True, slots=True, kw_only=True)
class Node:
    span: Span = field(default=_NOSPAN, compare=False, repr=False, hash=False)


# ---- expressions -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Expr(Node):
    """An Entra expression."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Str(Expr):
    """A string constant; ``value`` is unescaped (only \\" and \\\\ are escapes).

    ``raw`` is the literal as written in the source (quotes included), when it came from one:
    ``prov fmt`` prints it back unchanged (``"\\,"`` and ``"\\\\,"`` are the same value, but
    the formatter never changes how a user spelled a string). It takes no part in equality.
    """

    value: str
    raw: str | None = field(default=None, compare=False, hash=False, repr=False)

    @property
    def is_macro(self) -> bool:
        """``%DomainFQDN%`` written bare: a macro constant (Graph: its expression is null)."""
        return self.raw is not None and self.raw[:1] == "%"


@dataclass(frozen=True, slots=True, kw_only=True)
class Num(Expr):
    """A numeric literal as written: ``42``, ``-10``, ``42568.75`` or hex ``&HF``."""

    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class AttrRef(Expr):
    """``[name]``: a source attribute; ``name`` is the full name (aliases expanded)."""

    name: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Name(Expr):
    """A bare word argument such as ``vbBinaryCompare`` or ``UTF8``."""

    name: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ParamRef(Expr):
    """``$name``: a parameter. Only ``prov fmt`` keeps it; lowering a job replaces it by the
    parameter's value (a ``Str`` or ``Num``), so checks and backends never see one."""

    name: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Call(Expr):
    """``name(args)``; ``name`` is canonical-cased when the function is known.

    ``args`` holds one entry per argument slot; an empty slot is ``None``. ``F()`` has no slots.
    ``name_span`` points at the function name.
    """

    name: str
    args: tuple[Expr | None, ...]
    name_span: Span = field(default=_NOSPAN, compare=False, repr=False, hash=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class Compare(Expr):
    """``left op right`` with op one of ``= <> < <= > >=`` (IIF conditions, CBool)."""

    op: str
    left: Expr
    right: Expr


# ---- rules -------------------------------------------------------------------------------------


class TargetKind(enum.StrEnum):
    ENTRA = "entra"
    AD = "ad"


class FlowType(enum.StrEnum):
    ALWAYS = "Always"
    OBJECT_ADD_ONLY = "ObjectAddOnly"


class AttrType(enum.StrEnum):
    STRING = "String"
    BOOLEAN = "Boolean"
    INTEGER = "Integer"
    DATETIME = "DateTime"
    REFERENCE = "Reference"
    BINARY = "Binary"


@dataclass(frozen=True, slots=True, kw_only=True)
class ExtAttribute(Node):
    """An attribute of a source schema extension; ``full_name`` is ``<urn>:<name>``."""

    name: str
    full_name: str
    type: AttrType
    multivalued: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class Extension(Node):
    urn: str
    alias: str | None
    attributes: tuple[ExtAttribute, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Mapping(Node):
    """``target <- expression``; matching pairs are mappings with ``matching_priority > 0``."""

    target: str
    expression: Expr
    default: str | None = None
    flow: FlowType = FlowType.ALWAYS
    matching_priority: int = 0
    text: str = field(default="", compare=False, repr=False, hash=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class Clause(Node):
    """A scoping clause: ``attribute operator [values]``."""

    attribute: str
    operator: str
    values: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class ScopeGroup(Node):
    name: str
    clauses: tuple[Clause, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class CsvEntry(Node):
    """``scimPath <- expression`` over CSV ``[Column]`` references."""

    path: str
    expression: Expr


@dataclass(frozen=True, slots=True, kw_only=True)
class GraphConfig(Node):
    service_principal: str | None = None
    job: str | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Expectation(Node):
    """``attr == value`` (kind "equals"), ``attr not set`` or ``attr does not flow``."""

    attribute: str
    kind: str
    value: object = None


@dataclass(frozen=True, slots=True, kw_only=True)
class TestCase(Node):
    name: str
    given: tuple[object, ...]
    existing: tuple[object, ...]  # `existing user` records: the target directory it starts with
    taken: tuple[str, ...]
    now: str | None
    seed: int | None
    domain: str | None
    action: str
    group: str | None
    expectations: tuple[Expectation, ...]
    #: ``param name = value`` steps: values that replace the environment's for this test
    params: tuple[tuple[str, str | int], ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Job(Node):
    """One provisioning job: everything a .prov file and its imports declare."""

    name: str
    target: TargetKind
    actions: tuple[str, ...]
    deletion_threshold: int | None
    extensions: tuple[Extension, ...]
    mappings: tuple[Mapping, ...]
    scope: tuple[ScopeGroup, ...]
    csv: tuple[CsvEntry, ...]
    graph: GraphConfig | None
    tests: tuple[TestCase, ...]
    source_path: str = field(default="", compare=False, hash=False)
    #: the schema kept by `preserve "file.json"` (parts the language does not model), if any
    preserved: object | None = field(default=None, compare=False, hash=False, repr=False)
    preserve_path: str | None = None
    #: the object mapping's object names (``objects "..." -> "..."``; Graph's default is User)
    source_object: str = "User"
    target_object: str = "User"
    #: names of the parameters the job declares (``param NAME: TYPE``), sorted
    params: tuple[str, ...] = field(default=(), compare=False, hash=False)
