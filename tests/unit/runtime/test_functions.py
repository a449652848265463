"""functions and the package: the registry, recorded decisions, eager forms, self-containedness."""

from __future__ import annotations

import ast
import importlib
import inspect
import shutil
import sys
from pathlib import Path

import pytest

import syncrules.runtime as runtime
from syncrules.runtime import (
    RUNTIME_FUNCTIONS,
    EvalContext,
    ExpressionError,
    NoFlow,
    fn_Coalesce,
    fn_FormatDateTime,
    fn_IgnoreFlowIfNullOrEmpty,
    fn_IIF,
    fn_SelectUniqueValue,
    fn_Switch,
)

PACKAGE = Path(runtime.__file__).parent


def test_all_names_exist_and_cover_every_function() -> None:
    for name in runtime.__all__:
        assert hasattr(runtime, name), name
    assert {f"fn_{name}" for name in RUNTIME_FUNCTIONS} <= set(runtime.__all__)
    assert len(runtime.__all__) == len(set(runtime.__all__))


def test_context_functions_take_ctx_first() -> None:
    from syncrules.catalogue.functions import context_functions

    for name, fn in RUNTIME_FUNCTIONS.items():
        first = next(iter(inspect.signature(fn).parameters), None)
        assert (first == "ctx") == (name in context_functions()), name


def test_decisions_name_real_functions() -> None:
    from syncrules.catalogue.function_decisions import DECISIONS

    assert set(DECISIONS) <= set(RUNTIME_FUNCTIONS)
    for name in ("Append", "Mid", "Replace", "Split", "RemoveDuplicates"):
        assert DECISIONS[name].endswith(".")


def test_eager_forms() -> None:
    assert fn_IIF("True", "a", "b") == "a"
    assert fn_IIF(None, "a", "b") == "b"
    assert fn_Switch(None, "d", "", "empty") == "empty"
    assert fn_Switch("x", "d", "a", "A", None) == "d"
    assert fn_Coalesce(None, "", "x") == ""
    with pytest.raises(NoFlow):
        fn_IgnoreFlowIfNullOrEmpty("")
    with pytest.raises(ExpressionError) as caught:
        fn_Switch("x", "d", "a", "A", "b")
    assert caught.value.reason == "invalid-argument"
    with pytest.raises(TypeError):  # 3 slots: the catalogue's arity, in the signature
        fn_Switch("x", "d", "a")  # type: ignore[call-arg]


def test_select_unique_reports_what_was_tried() -> None:
    ctx = EvalContext(taken=frozenset({"a"}))
    with pytest.raises(ExpressionError) as caught:
        fn_SelectUniqueValue(ctx, "a", None)
    assert caught.value.reason == "unique-values-exhausted" and "'a'" in caught.value.message


def test_format_date_time_argument_forms() -> None:
    ctx = EvalContext()
    assert fn_FormatDateTime(ctx, "2020-01-02", "yyyy-MM-dd", "d") == "01/02/2020"
    assert fn_FormatDateTime(ctx, "2020-01-02", "yyyy-MM-dd", "d", None) == "01/02/2020"
    assert fn_FormatDateTime(ctx, "2020-01-02", None, None, "yyyy") == "2020"
    with pytest.raises(ExpressionError):
        fn_FormatDateTime(ctx, "2020-01-02", "yyyy")


def _imports(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.extend((0, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            found.append((node.level, node.module or ""))
    return found


def test_runtime_imports_only_stdlib_regex_and_itself() -> None:
    for path in sorted(PACKAGE.glob("*.py")):
        for level, module in _imports(path):
            if level:
                continue
            top = module.split(".")[0]
            assert top in sys.stdlib_module_names or top in ("regex", "__future__"), (path, module)


def test_runtime_works_when_copied_verbatim(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(
        PACKAGE, tmp_path / "copied_runtime", ignore=shutil.ignore_patterns("__pycache__")
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    copied = importlib.import_module("copied_runtime")
    try:
        assert copied.fn_Join(",", ["a", ""], "b") == "a,b"
        assert copied.fn_Now(copied.EvalContext(now=copied.parse_date("2021-07-02T15:33:38Z"))) == (
            "7/2/2021 3:33:38 PM"
        )
    finally:
        for name in [n for n in sys.modules if n.split(".")[0] == "copied_runtime"]:
            del sys.modules[name]
