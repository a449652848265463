"""Packaging: textX knows the language and its generators; the grammar is found in a wheel."""

from __future__ import annotations

from pathlib import Path

from textx import generator_for_language_target, language_descriptions, metamodel_for_language

from syncrules.frontend import grammar


def test_textx_registration(tmp_path: Path) -> None:
    assert "prov" in language_descriptions()
    mm = metamodel_for_language("prov")
    model = mm.model_from_file("tests/cases/valid/appendix/01_contoso_hr/input.prov")
    generate = generator_for_language_target("prov", "json")
    generate(mm, model, str(tmp_path), False, False)
    assert (tmp_path / "contoso-hr-to-entra-id.json").is_file()
    generate = generator_for_language_target("prov", "python")
    generate(mm, model, str(tmp_path), False, False)
    assert (tmp_path / "contoso-hr-to-entra-id" / "evaluator.py").is_file()


def test_grammar_inside_the_package_wins(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A wheel carries syncrules/grammar/prov.tx (force-include); the locator prefers it."""
    import importlib.resources

    fake_pkg = tmp_path / "syncrules"
    (fake_pkg / "grammar").mkdir(parents=True)
    (fake_pkg / "grammar" / "prov.tx").write_text("// packaged\n", encoding="utf-8")
    monkeypatch.setattr(importlib.resources, "files", lambda name: fake_pkg)
    assert grammar.grammar_path() == fake_pkg / "grammar" / "prov.tx"


def test_grammar_from_the_checkout() -> None:
    path = grammar.grammar_path()
    assert path.name == "prov.tx" and path.is_file()
    assert "ProvFile:" in path.read_text(encoding="utf-8")


def test_pyproject_ships_the_grammar_and_data() -> None:
    text = Path("pyproject.toml").read_text(encoding="utf-8")
    assert '"grammar/prov.tx" = "syncrules/grammar/prov.tx"' in text
    assert 'syncrules = "syncrules.pytest_plugin"' in text


def _core_closure() -> set[str]:
    """Every distribution `pip install syncrules` brings: the core requirements, transitively."""
    import re
    from importlib import metadata

    from packaging.requirements import Requirement

    seen: set[str] = set()
    todo = ["syncrules"]
    while todo:
        name = re.sub(r"[-_.]+", "-", todo.pop()).lower()
        if name in seen:
            continue
        seen.add(name)
        for line in metadata.requires(name) or ():
            req = Requirement(line)
            if req.marker is None or req.marker.evaluate({"extra": ""}):
                todo.append(req.name)
    return seen


def test_a_rules_repository_needs_only_syncrules_and_pytest() -> None:
    """What the pytest plugin imports to run a rules repository (tests and fixture snapshots)
    comes with `pip install syncrules pytest`: no extra is needed."""
    import json
    import re
    import subprocess
    import sys
    from importlib import metadata

    code = (
        "import sys, json\n"
        "import syncrules.pytest_plugin, syncrules.api, syncrules.testing.runner\n"
        "import syncrules.testing.fixtures, syncrules.testing.snapshot\n"
        "import syncrules.backends.python.load, syrupy, syrupy.extensions.single_file\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    modules = json.loads(done.stdout)
    owners = metadata.packages_distributions()
    # pytest and its own requirements; mypy_extensions is an optional import of syrupy's (it is
    # used when present, skipped when absent).
    allowed = _core_closure() | {"pytest", "pluggy", "iniconfig", "packaging", "pygments",
                                 "mypy-extensions"}
    missing = set()
    for module in modules:
        if module in sys.stdlib_module_names or module.startswith("_") or module == "syncrules":
            continue
        for dist in owners.get(module, ()):
            if re.sub(r"[-_.]+", "-", dist).lower() not in allowed:
                missing.add(f"{module} (from {dist})")
    assert not missing, f"imported but not brought by `pip install syncrules pytest`: {missing}"
    assert "syrupy" in _core_closure()
