"""The composite GitHub Action (action.yml), the Azure Pipelines template and their README
examples: valid YAML, inputs that exist, and the check and test steps run for real (bash, the
installed `prov`) over a small rules repository."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
ACTION = ROOT / "action.yml"
TEMPLATE = ROOT / "ci" / "azure-pipelines-template.yml"
RULES = "tests/data/environments"


def _yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _readme_blocks() -> list[Any]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return [yaml.safe_load(b) for b in re.findall(r"```yaml\n(.*?)```", text, re.S)]


def _action_example() -> dict[str, Any]:
    for block in _readme_blocks():
        for job in (block.get("jobs") or {}).values() if isinstance(block, dict) else ():
            for step in job.get("steps", []):
                if str(step.get("uses", "")).startswith("syncrules/syncrules@"):
                    return dict(step.get("with") or {})
    raise AssertionError("README has no workflow using the action")


def test_action_is_a_valid_composite_action() -> None:
    action = _yaml(ACTION)
    assert action["runs"]["using"] == "composite"
    inputs = set(action["inputs"])
    text = ACTION.read_text(encoding="utf-8")
    used = set(re.findall(r"\$\{\{\s*inputs\.([A-Za-z0-9_-]+)", text))
    assert used <= inputs, used - inputs
    for step in action["runs"]["steps"]:
        if "run" in step:
            assert step["shell"] == "bash"
            # inputs reach scripts through env, never spliced into the script text
            assert "${{" not in step["run"], step["run"]


def test_readme_example_uses_only_inputs_of_the_action() -> None:
    example = _action_example()
    assert example and set(example) <= set(_yaml(ACTION)["inputs"])


def test_pipeline_template_and_its_readme_example() -> None:
    template = _yaml(TEMPLATE)
    declared = {p["name"] for p in template["parameters"]}
    used = set(re.findall(r"parameters\.([A-Za-z0-9_]+)", TEMPLATE.read_text(encoding="utf-8")))
    assert used <= declared, used - declared
    examples = [
        step
        for block in _readme_blocks()
        if isinstance(block, dict)
        for step in block.get("steps", [])
        if isinstance(step, dict) and str(step.get("template", "")).startswith("ci/azure-pipelines")
    ]
    assert examples, "README has no Azure Pipelines example"
    for step in examples:
        assert set(step["parameters"]) <= declared


def _run(script: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    bindir = str(Path(sys.executable).parent)
    environ = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PROV_")},
        "PATH": bindir + os.pathsep + os.environ.get("PATH", ""),
        **env,
    }
    return subprocess.run(
        ["bash", "-e", "-c", script],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _step(name: str) -> dict[str, Any]:
    return next(s for s in _yaml(ACTION)["runs"]["steps"] if s.get("name") == name)


@pytest.mark.parametrize(("env", "code"), [("dev", 0), ("prod", 1)])
def test_the_actions_check_and_test_steps_run(env: str, code: int) -> None:
    check = _run(_step("prov check")["run"], {"PROV_PATHS": RULES, "PROV_ENV": env})
    assert check.returncode == 0, check.stderr
    test = _run(
        _step("prov test")["run"],
        {"PROV_PATHS": RULES, "PROV_ENV": env, "PROV_THRESHOLD": ""},
    )
    assert test.returncode == code, test.stderr
    if code:
        assert test.stdout.startswith(f"::error file={RULES}/hr.prov,line=24,col=1::test failed")
    unset = _run(_step("prov check")["run"], {"PROV_PATHS": RULES, "PROV_ENV": ""})
    assert unset.returncode == 1
    assert "::error file=tests/data/environments/hr.prov,line=14,col=30::PROV121" in unset.stdout


def test_the_pipeline_templates_check_and_test_steps_run() -> None:
    steps = {s.get("displayName"): s for s in _yaml(TEMPLATE)["steps"] if isinstance(s, dict)}
    for name, expected in (("prov check", 0), ("prov test", 1)):
        script = steps[name]["script"].replace("${{ parameters.paths }}", RULES)
        done = _run(script, {"PROV_ENV": "prod", "PROV_THRESHOLD": ""})
        assert done.returncode == expected, done.stderr
    failing = _run(
        steps["prov test"]["script"].replace("${{ parameters.paths }}", RULES),
        {"PROV_ENV": "prod", "PROV_THRESHOLD": ""},
    )
    assert failing.stdout.startswith("##vso[task.logissue type=error;sourcepath=")
