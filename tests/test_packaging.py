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
