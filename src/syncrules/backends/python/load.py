"""Import a generated evaluator package straight from its emitted text (no files written).

`prov run` and `prov test` run the generated code itself, the same code `prov compile` writes, so
what is tested is what ships.
"""

from __future__ import annotations

import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
from types import ModuleType

from syncrules.backends.python.emit import emit_package
from syncrules.diagnostics import DiagnosticBag
from syncrules.ir.nodes import Job


class _MemoryFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def __init__(self, root: str, files: dict[str, str]) -> None:
        self.root = root
        self.modules: dict[str, tuple[str, bool]] = {}
        for rel, text in files.items():
            parts = rel[: -len(".py")].split("/")
            is_package = parts[-1] == "__init__"
            if is_package:
                parts = parts[:-1]
            name = ".".join([root, *parts])
            self.modules[name] = (text, is_package)
        # folders without an __init__.py (the _runtime copy has one only if the runtime does)
        for rel in files:
            parts = rel.split("/")[:-1]
            for i in range(1, len(parts) + 1):
                name = ".".join([root, *parts[:i]])
                self.modules.setdefault(name, ("", True))

    def find_spec(self, fullname, path=None, target=None):  # type: ignore[no-untyped-def]
        if fullname not in self.modules:
            return None
        _, is_package = self.modules[fullname]
        return importlib.machinery.ModuleSpec(
            fullname, self, origin=f"<generated {fullname}>", is_package=is_package
        )

    def create_module(self, spec):  # type: ignore[no-untyped-def]
        return None

    def exec_module(self, module: ModuleType) -> None:
        text, is_package = self.modules[module.__name__]
        if is_package:
            module.__path__ = []  # type: ignore[attr-defined]
        code = compile(text.encode("utf-8"), module.__spec__.origin or module.__name__, "exec")  # type: ignore[union-attr]
        exec(code, module.__dict__)  # our own generated, compile()-checked code


def load_evaluator(job: Job, instrument: bool = False) -> ModuleType:
    """The generated ``evaluator`` module for ``job``, imported from memory.

    With ``instrument`` the module carries coverage probes (``COVERAGE_PROBES``) that record into
    its own runtime copy's ``lazy.COVERAGE`` set when one is installed.
    """
    bag = DiagnosticBag()
    files = emit_package(job, "generated", bag, instrument)
    if not files:
        raise RuntimeError("the Python backend failed: " + "; ".join(d.message for d in bag.items))
    digest = hashlib.sha256("\0".join(f"{k}\0{v}" for k, v in sorted(files.items())).encode())
    root = "_syncrules_generated_" + digest.hexdigest()[:16]
    if root + ".evaluator" in sys.modules:
        return sys.modules[root + ".evaluator"]
    finder = _MemoryFinder(root, files)
    sys.meta_path.append(finder)
    return importlib.import_module(root + ".evaluator")
