"""IR Job → the evaluator package: ``__init__.py``, ``evaluator.py`` and ``_runtime/`` (a verbatim
copy of ``syncrules.runtime``, so the package needs only the standard library and ``regex``).

All decisions are made here; the templates only lay text out. Every generated module is passed
through ``compile()`` before anything is written (a failure is PROV903, a bug).
"""

from __future__ import annotations

import contextlib
import functools
from importlib import resources
from types import CodeType
from typing import Any

from jinja2 import Environment, FileSystemBytecodeCache, PackageLoader, StrictUndefined
from jinja2.bccache import Bucket

from syncrules import __version__
from syncrules.backends.python.filters import FILTERS
from syncrules.backends.python.fused import FusedMapping, fused_body
from syncrules.catalogue.attributes import AttributeDef, source_attributes, target_attributes
from syncrules.diagnostics import Code, DiagnosticBag
from syncrules.ir.nodes import AttrRef, Job
from syncrules.ir.printer import compact
from syncrules.ir.visitor import iter_nodes


class _TemplateCache(FileSystemBytecodeCache):
    """Jinja's per-user bytecode cache (``$TMPDIR/_jinja2-cache-UID``, mode 0700, entries keyed by
    the template's path and checked against its source's checksum), so a compile does not
    recompile the two templates every run. A cache that cannot be read or written is no cache."""

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except (OSError, ValueError, EOFError, TypeError):
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def _template_cache() -> FileSystemBytecodeCache | None:
    try:
        return _TemplateCache()
    except (OSError, RuntimeError):  # no safe per-user directory: compile the templates
        return None


@functools.cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("syncrules.backends.python", "templates"),
        bytecode_cache=_template_cache(),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )
    env.filters.update(FILTERS)
    return env


def runtime_files() -> dict[str, str]:
    """The runtime package's modules, by file name (sorted)."""
    return dict(_runtime_files())


@functools.cache
def _runtime_files() -> tuple[tuple[str, str], ...]:
    # read once per process: the runtime is syncrules' own package, it does not change under us
    root = resources.files("syncrules.runtime")
    return tuple(
        (entry.name, entry.read_text(encoding="utf-8"))
        for entry in sorted(root.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".py")
    )


def _where(span: Any) -> str:
    return f"{span.file}:{span.line}:{span.col}"


def _context_functions() -> frozenset[str]:
    from syncrules.catalogue.functions import context_functions

    return context_functions()


def coverage_items(job: Job) -> list[str]:
    """Probe ids for what coverage counts besides branches: mappings and scoping clauses."""
    items = []
    for mapping in job.mappings:
        items.append(f"{_where(mapping.span)}: mapping {mapping.target}")
    for group in job.scope:
        for clause in group.clauses:
            items.append(f"{_where(clause.span)}: clause held")
            items.append(f"{_where(clause.span)}: clause failed")
    return items


#: What every module imports from the runtime's ``record`` (``matching_keys`` under another name, as
#: the module's own ``matching_keys`` takes a user).
_RECORD_NAMES = (
    "ClauseSpec",
    "GroupSpec",
    "JobModel",
    "MappingSpec",
    "Outcome",
    "ScopeDecision",
    "decide",
    "decide_scope",
    "errored",
    "matching_keys as _matching_keys",
    "source_values",
    "target_values",
)

#: Runtime modules generated code imports from, besides ``record`` (in this order).
_MODULES = ("errors", "functions", "lazy", "scim", "scoping", "values")


def _imports(used: set[str], fused: dict[str, set[str]]) -> list[tuple[str, list[str]]]:
    """``(runtime module, sorted names)`` for the mapping functions' and fused path's names."""
    by_module: dict[str, set[str]] = {m: set(fused.get(m, ())) for m in _MODULES}
    by_module["errors"].add("ExpressionError")  # evaluate() turns a late one into a failure
    by_module["functions"].update(n for n in used if n.startswith("fn_") or n == "select_unique")
    by_module["lazy"].update(
        n for n in used
        if n in ("bad_arity", "each", "hit", "switch_key", "truth", "unknown", "unpaired_switch")
    )
    by_module["values"].update(n for n in used if n in ("compare", "is_null"))
    return [(m, sorted(by_module[m])) for m in _MODULES if by_module[m]]


def module_context(job: Job, instrument: bool = False) -> dict[str, Any]:
    """The template context of ``evaluator.py``. ``instrument`` is the build switch of
    `prov test --coverage`: the same code, with coverage probes (``fused``)."""
    probes: list[tuple[str, str]] | None = [] if instrument else None
    sources = dict(source_attributes())
    for ext in job.extensions:
        for attr in ext.attributes:
            sources[attr.full_name] = AttributeDef(
                name=attr.full_name, type=attr.type.value, multivalued=attr.multivalued
            )
    targets = target_attributes(job.target.value)
    used_sources: set[str] = set()
    mappings = []
    fused_mappings = []
    ordered = sorted(
        job.mappings, key=lambda m: (m.matching_priority == 0, m.matching_priority)
    )
    for mapping in ordered:
        for node in iter_nodes(mapping.expression):
            if isinstance(node, AttrRef):
                used_sources.add(node.name)
        defn = targets.get(mapping.target)
        info: dict[str, Any] = {
            "target": mapping.target,
            "flow": mapping.flow.value,
            "default": mapping.default,
            "priority": mapping.matching_priority,
            "target_type": defn.type if defn else "String",
            "multivalued": defn.multivalued if defn else False,
            "where": _where(mapping.span),
            "text": f"{mapping.target} <- {compact(mapping.expression)}",
        }
        mappings.append(info)
        fused_mappings.append(FusedMapping(mapping.expression, info))
    groups = []
    for group in job.scope:
        clauses = []
        for clause in group.clauses:
            used_sources.add(clause.attribute)
            clauses.append(
                {
                    "attribute": clause.attribute,
                    "operator": clause.operator,
                    "operand": clause.values[0] if clause.values else None,
                    "where": _where(clause.span),
                }
            )
        groups.append({"name": group.name, "clauses": clauses})
    source_rows = []
    for name in sorted(used_sources):
        defn = sources.get(name)
        source_rows.append(
            (name, defn.type if defn else "String", defn.multivalued if defn else False)
        )
    fused = fused_body(source_rows, fused_mappings, groups, tuple(job.actions),
                       _context_functions(), probes)
    for info, function in zip(mappings, fused.functions, strict=True):
        info["function"] = function
    imports = _imports(fused.used, fused.imports)
    record_names = sorted(
        {*_RECORD_NAMES, *fused.imports.get("record", ())}, key=lambda n: n.split(" ")[0]
    )
    return {
        "version": __version__,
        "source": job.source_path,
        "job": {
            "name": job.name,
            "target": job.target.value,
            "actions": tuple(job.actions),
            "deletion_threshold": job.deletion_threshold,
        },
        "source_attributes": source_rows,
        "mappings": mappings,
        "groups": groups,
        "imports": imports,
        "record_names": record_names,
        "fused": fused.lines,
        "fused_constants": fused.constants,
        "probes": (
            sorted({p for p, _ in probes} | set(coverage_items(job)))
            if probes is not None
            else None
        ),
    }


def emit_package(
    job: Job,
    name: str,
    bag: DiagnosticBag,
    instrument: bool = False,
    codes: dict[str, CodeType] | None = None,
) -> dict[str, str]:
    """Files of the package, relative to the package folder; empty on an internal error.

    ``instrument`` adds coverage probes to the same code (used by `prov test --coverage`,
    never written out). The generated modules are checked as the UTF-8 bytes Python will read
    and compiled once, from those bytes; ``codes`` receives those code objects (by file), so a
    caller that runs the package does not compile them again. The ``_runtime/`` files are copies
    of syncrules' own runtime package, not generated: they are not checked again on every build.
    """
    env = environment()
    ctx = module_context(job, instrument)
    generated = {
        "__init__.py": env.get_template("package_init.py.jinja").render(
            version=__version__, source=job.source_path
        ),
        "evaluator.py": env.get_template("module.py.jinja").render(**ctx),
    }
    for rel, text in generated.items():
        compiled: list[CodeType] = []
        problem = check_module_bytes(text, f"{name}/{rel}", compiled=compiled)
        if problem is not None:
            bag.add(Code.GENERATED_CODE_INVALID, job.span, detail=f"{rel}:{problem}")
            return {}
        if codes is not None:
            codes[rel] = compiled[0]
    files = dict(generated)
    for file_name, text in _runtime_files():
        files[f"_runtime/{file_name}"] = text
    return files


#: The first line of every generated module: it fixes the encoding, so nothing written below it
#: (a source path holding ``coding: utf-7``, for example) can be read by Python as a directive.
CODING_LINE = "# -*- coding: utf-8 -*-\n"


def check_module_bytes(
    text: str, filename: str, *, generated: bool = True, compiled: list[CodeType] | None = None
) -> str | None:
    """Why ``text`` is not safe to write as a Python module, or None.

    The check is on the bytes Python will read (UTF-8, as written), compiled from those bytes, so
    an encoding directive would be honoured here exactly as on import; a generated module must
    declare UTF-8 on its first line and Python must decode its bytes back to the same text.
    The code object is appended to ``compiled`` when given.
    """
    if generated and not text.startswith(CODING_LINE):
        return "1: the module does not start with its encoding declaration"
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return f"{text.count(chr(10), 0, exc.start) + 1}: text that is not Unicode ({exc.reason})"
    try:
        code = compile(data, filename, "exec")
    except SyntaxError as exc:
        return f"{exc.lineno}: {exc.msg}"
    if generated:
        import io
        import tokenize

        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        if encoding not in ("utf-8", "utf-8-sig"):
            return f"1: Python would read the module as {encoding}"
    if compiled is not None:
        compiled.append(code)
    return None
