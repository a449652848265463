"""A job's ``source csv { scimPath <- EXPRESSION }`` block, compiled to Python: CSV row → SCIM user.

Each entry becomes one Python function over ``a`` (the row: column name → cell text) and ``ctx``,
written by the same ``ExprCompiler`` the generated evaluators use, compiled with ``compile()`` and
executed in a fresh namespace whose globals are only the runtime names it calls. Constants and
column names are emitted with ``repr``, so no text from a .prov file becomes code.

Cells: an empty cell is NULL (absent from ``a``), as a missing value in the HR export is;
``[Col]`` reads the cell's text. A value that does not flow (NULL, or IgnoreFlowIfNullOrEmpty)
is left out of the SCIM user. A column referenced by the block but missing from the header is
reported once, before any row is processed (``missing_columns``).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from syncrules.backends.python.compile_expr import ExprCompiler
from syncrules.ir.nodes import AttrRef, Job
from syncrules.ir.printer import compact
from syncrules.ir.visitor import iter_nodes
from syncrules.runtime import functions as _functions
from syncrules.runtime import lazy as _lazy
from syncrules.runtime import values as _values
from syncrules.runtime.context import EvalContext
from syncrules.runtime.errors import ExpressionError, NoFlow
from syncrules.runtime.scim import set_path

CORE_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"

CellFn = Callable[[Mapping[str, str], EvalContext], Any]


@dataclass(frozen=True, slots=True)
class CsvEntryFn:
    path: str
    fn: CellFn
    text: str  # "path <- expression", for messages
    where: str  # "file:line:col"
    boolean: bool = False  # a Boolean SCIM attribute: "True"/"False" become JSON booleans


@dataclass(frozen=True, slots=True)
class CsvProgram:
    """The compiled block: ``entries`` in source order and the columns they read."""

    entries: tuple[CsvEntryFn, ...]
    columns: frozenset[str]

    def missing_columns(self, header: list[str]) -> list[str]:
        """Referenced columns absent from ``header`` (sorted), each with a did-you-mean hint."""
        present = set(header)
        problems = []
        for column in sorted(self.columns - present):
            close = difflib.get_close_matches(column, header, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            problems.append(f"[{column}]{hint}")
        return problems

    def to_user(self, row: Mapping[str, str], ctx: EvalContext) -> dict[str, Any]:
        """The SCIM user for one row (cells already filtered: empty cells are absent).

        Raises:
            ExpressionError: an entry failed; ``.message`` names the entry.
        """
        user: dict[str, Any] = {"schemas": [CORE_SCHEMA]}
        for entry in self.entries:
            try:
                value = entry.fn(row, ctx)
            except NoFlow:
                continue
            except ExpressionError as exc:
                raise ExpressionError(exc.reason, f"{entry.text}: {exc.message}") from None
            if value is None:
                continue
            if entry.boolean and isinstance(value, str) and value.lower() in ("true", "false"):
                value = value.lower() == "true"  # SCIM booleans are JSON booleans (`active`)
            set_path(user, entry.path, value)
        return user


def _runtime_globals(names: set[str]) -> dict[str, Any]:
    namespace: dict[str, Any] = {"__builtins__": {}}
    for name in sorted(names):
        for module in (_functions, _lazy, _values):
            if hasattr(module, name):
                namespace[name] = getattr(module, name)
                break
        else:  # pragma: no cover - the compiler only emits runtime names
            raise AssertionError(f"the runtime has no {name}")
    return namespace


def compile_csv(job: Job) -> CsvProgram | None:
    """The job's ``source csv`` block compiled, or None when the job has none."""
    if not job.csv:
        return None
    compiler = ExprCompiler()
    lines: list[str] = []
    columns: set[str] = set()
    for i, entry in enumerate(job.csv):
        compiler.reset()
        for node in iter_nodes(entry.expression):
            if isinstance(node, AttrRef):
                columns.add(node.name)
        lines.append(f"def _c{i}(a, ctx):\n    return {compiler.compile(entry.expression)}\n")
    namespace = _runtime_globals(compiler.used)
    code = compile("\n".join(lines), f"<source csv of {job.name}>", "exec")
    exec(code, namespace)  # our compiler's output; every constant is repr()'d
    from syncrules.catalogue.attributes import source_attributes

    types = {name: d.type for name, d in source_attributes().items()}
    for ext in job.extensions:
        types.update({a.full_name: a.type.value for a in ext.attributes})
    entries = tuple(
        CsvEntryFn(
            path=entry.path,
            fn=namespace[f"_c{i}"],
            text=f"{entry.path} <- {compact(entry.expression)}",
            where=f"{entry.span.file}:{entry.span.line}:{entry.span.col}",
            boolean=types.get(entry.path) == "Boolean",
        )
        for i, entry in enumerate(job.csv)
    )
    return CsvProgram(entries, frozenset(columns))
