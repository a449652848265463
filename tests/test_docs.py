"""The docs describe this repository: every path and section that README.md, `prov --help` (every
command) and `prov explain` (every topic) mention exists, the README's Python sample runs when
pasted, and the quick start is what CI runs."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from syncrules import explain
from syncrules.cli import main

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
REFERENCE = ROOT / "docs" / "entra-provisioning.md"
TOP_LEVEL = {p.name for p in ROOT.iterdir()} - {"build", "dist", ".venv", ".venv-ci", ".git"}
PATH = re.compile(r"(?<![\w./-])((?:\.?[\w-]+/)+[\w.-]*|[\w.-]+\.(?:md|py|prov|tx|toml|yaml|yml))")


def _repo_paths(text: str) -> set[str]:
    """Paths in ``text`` whose first component is an entry of the repository's top level."""
    found = set()
    for match in PATH.finditer(text):
        path = match.group(1).rstrip(".")
        if (path.split("/")[0] in TOP_LEVEL and "/" in path) or path in TOP_LEVEL:
            found.add(path)
    return found


def _all_help() -> str:
    texts = []

    def walk(command: click.Command, args: list[str]) -> None:
        result = CliRunner().invoke(main, [*args, "--help"])
        assert result.exit_code == 0, result.output
        texts.append(result.output)
        if isinstance(command, click.Group):
            for name in command.list_commands(click.Context(command)):
                sub = command.get_command(click.Context(command), name)
                assert sub is not None
                walk(sub, [*args, name])

    walk(main, [])
    return "\n".join(texts)


def _all_explain() -> str:
    texts = [explain.list_codes(), explain.list_functions(), explain.semantics()]
    for code in explain.CODES:
        texts.append(explain.explain_code(code))
    for line in explain.list_functions().splitlines():
        name = line.split()[0] if line.strip() else ""
        if name[:1].isupper() and name.isidentifier():
            text = explain.explain_function(name)
            if text:
                texts.append(text)
    return "\n".join(texts)


SOURCES = {"README.md": lambda: README, "prov --help": _all_help, "prov explain": _all_explain}


@pytest.mark.parametrize("where", list(SOURCES))
def test_every_mentioned_path_exists(where: str) -> None:
    text = SOURCES[where]()
    paths = _repo_paths(text)
    missing = sorted(p for p in paths if not (ROOT / p).exists())
    assert not missing, f"{where} mentions paths the repository does not have: {missing}"


@pytest.mark.parametrize("where", list(SOURCES))
def test_every_cited_section_exists(where: str) -> None:
    text = SOURCES[where]()
    headings = set(re.findall(r"^#+ (\d+(?:\.\d+)*)[. ]", REFERENCE.read_text("utf-8"), re.M))
    cited = set(re.findall(r"§(\d+(?:\.\d+)*)", text))
    assert cited <= headings, f"{where} cites sections docs/entra-provisioning.md lacks: " \
        f"{sorted(cited - headings)}"
    # a section number always says which document it is in
    for match in re.finditer(r"§\d", text):
        before = text[max(0, match.start() - 40):match.start()]
        around = text[match.start() - 40 : match.end() + 10]
        assert "entra-provisioning.md" in before or "§" in before, (
            f"{where}: a § citation without its document: ...{around!r}"
        )


def test_the_catalogue_cites_only_shipped_documents() -> None:
    text = _all_explain()
    # nothing outside the repository (a user's clone has only the repository): no path that
    # climbs out of it, no section of a reference that is not shipped
    assert "../" not in text and "reference §" not in text


def test_readme_python_sample_runs_when_pasted(tmp_path: Path) -> None:
    block = README[README.index("## Generated evaluators"):]
    code = block[block.index("```python\n") + 10:]
    code = code[:code.index("```")]
    compiled = CliRunner().invoke(main, ["compile", str(ROOT / "examples" / "contoso-hr"),
                                         "-o", str(tmp_path / "build")])
    assert compiled.exit_code == 0, compiled.output
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "in_scope=True" in done.stdout
    assert "create {" in done.stdout and "'displayName': (None, 'Lena Petrov')" in done.stdout


def test_quick_start_is_what_ci_runs() -> None:
    block = README[README.index("## Quick start"):]
    block = block[block.index("```sh\n") + 6:]
    commands = [line for line in block[:block.index("```")].splitlines() if line.strip()]
    assert len(commands) == 2, "the quick start is exactly two commands"
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    for command in commands:
        assert command in ci, f".ci/run does not run the README's command: {command}"
    assert "python -m venv .venv" in commands[0] and commands[1] == "python -m pytest"


def _layout() -> list[str]:
    """The paths of the README's Layout section: the first column of its listing."""
    block = README[README.index("## Layout\n"):]
    block = block[block.index("```\n") + 4:]
    block = block[:block.index("```")]
    return [line.split()[0] for line in block.splitlines() if line and not line[0].isspace()]


def test_the_layout_section_matches_the_tree() -> None:
    """Every path the Layout lists exists, and every module and package of src/syncrules is
    listed (a folder with a trailing slash)."""
    listed = _layout()
    assert listed and len(listed) == len(set(listed)), listed
    missing = [p for p in listed
               if not (ROOT / p).exists() or p.endswith("/") != (ROOT / p).is_dir()]
    assert not missing, f"the README's Layout lists paths the tree does not have: {missing}"
    package = ROOT / "src" / "syncrules"
    parts = {
        f"src/syncrules/{p.name}/" if p.is_dir() else f"src/syncrules/{p.name}"
        for p in package.iterdir()
        if (p.is_dir() and (p / "__init__.py").exists()) or p.suffix == ".py"
    }
    unlisted = sorted(parts - set(listed))
    assert not unlisted, f"the README's Layout does not list: {unlisted}"
