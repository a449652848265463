"""Import a generated evaluator package straight from its emitted text (no files written).

`prov run` and `prov test` run the generated code itself, the same code `prov compile` writes, so
what is tested is what ships.

Each evaluator is built once per process, however many files import its job: modules are cached
by a hash of the content they are generated from (:func:`evaluator_key`). The generated modules
run from the code objects of their syntax check; the runtime's modules are compiled once per
process and shared by every evaluator's own copy of the runtime.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
from types import CodeType, ModuleType
from typing import Any

from syncrules import __version__
from syncrules.backends.python.emit import emit_package
from syncrules.diagnostics import DiagnosticBag
from syncrules.ir.nodes import Job

#: Job fields the evaluator does not depend on: its tests, and the file it was loaded through
#: (only named in the header comment; a test file importing a job shares the job's evaluator).
_NOT_IN_KEY = frozenset({"tests", "source_path", "preserved"})

#: evaluator_key -> the loaded ``evaluator`` module
_EVALUATORS: dict[str, ModuleType] = {}

#: how many evaluators this process built (emitted and imported); for tests and benchmarks
builds = 0


class _MemoryFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def __init__(self, root: str, files: dict[str, str], codes: dict[str, CodeType]) -> None:
        self.root = root
        self.modules: dict[str, tuple[str, bool, str]] = {}
        self.codes: dict[str, CodeType] = {}
        for rel, text in files.items():
            parts = rel[: -len(".py")].split("/")
            is_package = parts[-1] == "__init__"
            if is_package:
                parts = parts[:-1]
            name = ".".join([root, *parts])
            self.modules[name] = (text, is_package, rel)
            if rel in codes:
                self.codes[name] = codes[rel]
        # folders without an __init__.py (the _runtime copy has one only if the runtime does)
        for rel in files:
            parts = rel.split("/")[:-1]
            for i in range(1, len(parts) + 1):
                name = ".".join([root, *parts[:i]])
                self.modules.setdefault(name, ("", True, ""))

    def find_spec(self, fullname, path=None, target=None):  # type: ignore[no-untyped-def]
        if fullname not in self.modules:
            return None
        is_package = self.modules[fullname][1]
        return importlib.machinery.ModuleSpec(
            fullname, self, origin=f"<generated {fullname}>", is_package=is_package
        )

    def create_module(self, spec):  # type: ignore[no-untyped-def]
        return None

    def exec_module(self, module: ModuleType) -> None:
        text, is_package, rel = self.modules[module.__name__]
        if is_package:
            module.__path__ = []  # type: ignore[attr-defined]
        code = self.codes.get(module.__name__)
        if code is None:
            code = _runtime_code(rel, text)
        exec(code, module.__dict__)  # our own generated, compile()-checked code


_RUNTIME_CODES: dict[tuple[str, str], CodeType] = {}


def _runtime_code(rel: str, text: str) -> CodeType:
    """A runtime module (the same text in every evaluator), compiled once per process."""
    key = (rel, text)
    code = _RUNTIME_CODES.get(key)
    if code is None:
        code = _RUNTIME_CODES[key] = compile(text, f"<generated {rel}>", "exec")
    return code


def evaluator_key(job: Job, instrument: bool = False) -> str:
    """A hash of everything the generated evaluator is made from: the job's name, target,
    actions, threshold, extensions, mappings and scope, with their source positions (they are
    in the generated comments, messages and coverage probes), and whether it is instrumented."""
    content = tuple(
        (f.name, _tree(getattr(job, f.name)))
        for f in dataclasses.fields(job)
        if f.name not in _NOT_IN_KEY
    )
    text = repr((__version__, instrument, content))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


_FIELDS: dict[type, tuple[str, ...]] = {}


def _tree(value: Any) -> Any:
    """IR → nested tuples of plain values, spans included (IR equality leaves spans out)."""
    if isinstance(value, tuple | list):
        return tuple(_tree(v) for v in value)
    kind = type(value)
    names = _FIELDS.get(kind)
    if names is None:
        if not dataclasses.is_dataclass(value):
            return value
        names = _FIELDS[kind] = tuple(f.name for f in dataclasses.fields(value))
    return (kind.__name__, *(_tree(getattr(value, name)) for name in names))


def load_evaluator(job: Job, instrument: bool = False) -> ModuleType:
    """The generated ``evaluator`` module for ``job``, imported from memory; built once per
    process for the same content (see :func:`evaluator_key`).

    With ``instrument`` the module carries coverage probes (``COVERAGE_PROBES``) that record into
    its own runtime copy's ``lazy.COVERAGE`` set when one is installed.
    """
    key = evaluator_key(job, instrument)
    module = _EVALUATORS.get(key)
    if module is None:
        module = _EVALUATORS[key] = _build(job, instrument, "_syncrules_generated_" + key[:24])
    return module


def _build(job: Job, instrument: bool, root: str) -> ModuleType:
    global builds
    bag = DiagnosticBag()
    codes: dict[str, CodeType] = {}
    files = emit_package(job, "generated", bag, instrument, codes)
    if not files:
        raise RuntimeError("the Python backend failed: " + "; ".join(d.message for d in bag.items))
    builds += 1
    if root + ".evaluator" in sys.modules:  # built before this cache was filled (a reload)
        return sys.modules[root + ".evaluator"]
    sys.meta_path.append(_MemoryFinder(root, files, codes))
    return importlib.import_module(root + ".evaluator")
