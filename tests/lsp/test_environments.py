"""`prov lsp` checks a document that uses `$name` parameters with the values of an environment:
the one PROV_ENV names, else the project file's only one; otherwise an unset parameter is
PROV121."""

from __future__ import annotations

from pathlib import Path

import pytest

from syncrules.lsp.analysis import analyse

REPO = Path(__file__).resolve().parents[2]
CONTOSO = REPO / "tests/cases/valid/appendix/01_contoso_hr/input.prov"


def _job(tmp_path: Path) -> tuple[Path, str]:
    text = CONTOSO.read_text(encoding="utf-8")
    text = "param domain: string\n" + text.replace('"@contoso.com"', "$domain", 1)
    assert "$domain" in text
    path = tmp_path / "hr.prov"
    path.write_text(text, encoding="utf-8")
    return path, text


def _codes(path: Path, text: str) -> list[str]:
    return [d.code.value for d in analyse(path, text).diagnostics]


ONE = '[environments.test.params]\ndomain = "test.contoso.com"\n'
TWO = ONE + '[environments.prod.params]\ndomain = "contoso.com"\n'


def test_the_only_environment_gives_the_values(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PROV_ENV", raising=False)
    path, text = _job(tmp_path)
    assert "PROV121" in _codes(path, text)  # no project file: no value
    (tmp_path / "prov.toml").write_text(ONE, encoding="utf-8")
    assert "PROV121" not in _codes(path, text)


def test_prov_env_chooses_among_several(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PROV_ENV", raising=False)
    path, text = _job(tmp_path)
    (tmp_path / "prov.toml").write_text(TWO, encoding="utf-8")
    assert "PROV121" in _codes(path, text)  # two environments and none chosen
    monkeypatch.setenv("PROV_ENV", "prod")
    assert "PROV121" not in _codes(path, text)
