"""The project file of a rules repository: environments, their Graph settings and parameters.

Contract: ``find_project(start)`` looks for ``prov.toml``, or a ``pyproject.toml`` with a
``[tool.syncrules]`` table, in ``start`` and then in each parent folder, stopping after the folder
that holds ``.git`` (the repository root). ``load_project(path)`` reads and validates it;
``select_environment(name, start)`` does both and picks one environment. Problems are returned as
``ProjectProblem`` (a usage error for the CLI, exit 2), never raised. No I/O beyond reading files.

The shape (unknown keys are refused, so a misspelt key is not silently ignored)::

    [environments.prod]
    default_domain = "contoso.com"            # optional: the tenant's default domain
    graph = { service_principal = "...", job = "API2AAD....",
              url = "https://graph.microsoft.com/v1.0", tenant = "<tenant id>" }
    [environments.prod.params]                # values of `param NAME: TYPE` declarations
    domain = "contoso.com"
    [environments.prod.jobs."Contoso HR to Entra ID"]   # optional, per job (by its name):
    service_principal = "..."                           # overrides graph for that job
    job = "API2AAD...."

Every key of ``graph`` is optional; ``url`` must be a string and is checked where it is used.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from syncrules.ir.params import ParamValue, ParamValues, value_kind
from syncrules.safeio import cannot_read, read_input

PROJECT_FILE = "prov.toml"
PYPROJECT = "pyproject.toml"
ENV_VARIABLE = "PROV_ENV"

_ENV_KEYS = ("default_domain", "graph", "params", "jobs")
_GRAPH_KEYS = ("service_principal", "job", "url", "tenant")


@dataclass(frozen=True, slots=True)
class ProjectProblem:
    """The project file cannot be used, or the environment does not exist."""

    message: str


@dataclass(frozen=True, slots=True, kw_only=True)
class GraphTarget:
    """Where a job lives in one environment (every part optional)."""

    service_principal: str | None = None
    job: str | None = None
    url: str | None = None
    tenant: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Environment:
    name: str
    source: str  # "environment 'prod' in prov.toml": for messages
    default_domain: str | None = None
    graph: GraphTarget = field(default_factory=GraphTarget)
    params: Mapping[str, ParamValue] = field(default_factory=dict)
    jobs: Mapping[str, GraphTarget] = field(default_factory=dict)

    def param_values(self, *, deferred: bool = False) -> ParamValues:
        return ParamValues(dict(self.params), self.source, deferred)

    def graph_for(self, job_name: str | None) -> GraphTarget:
        """The Graph settings of one job: its ``jobs`` entry over the environment's ``graph``."""
        own = self.jobs.get(job_name or "")
        if own is None:
            return self.graph
        return GraphTarget(
            service_principal=own.service_principal or self.graph.service_principal,
            job=own.job or self.graph.job,
            url=own.url or self.graph.url,
            tenant=own.tenant or self.graph.tenant,
        )


@dataclass(frozen=True, slots=True)
class Project:
    path: Path
    environments: Mapping[str, Environment]


def find_project(start: Path) -> Path | None:
    """The project file that governs ``start`` (a file or folder), or None."""
    folder = start if start.is_dir() else start.parent
    folder = folder.resolve()
    for candidate in (folder, *folder.parents):
        prov = candidate / PROJECT_FILE
        if prov.is_file():
            return prov
        pyproject = candidate / PYPROJECT
        if pyproject.is_file() and _has_tool_table(pyproject):
            return pyproject
        if (candidate / ".git").exists():
            return None
    return None


def _has_tool_table(path: Path) -> bool:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False
    return isinstance(data.get("tool"), dict) and "syncrules" in data["tool"]


def _shown(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        return str(path)


def _toml_kind(value: Any) -> str:
    """What a TOML value is, in TOML's words."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, float):
        return "a float"
    return "a date or time" if not isinstance(value, str | int) else f"a {type(value).__name__}"


def load_project(path: Path) -> Project | ProjectProblem:
    """Read and validate a ``prov.toml`` (or the ``[tool.syncrules]`` table of a pyproject)."""
    shown = _shown(path)
    try:
        raw = read_input(path)  # refuses FIFOs, devices, huge files
    except OSError as exc:
        return ProjectProblem(cannot_read(shown, exc))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:  # worded as for a .prov file
        return ProjectProblem(
            f"{shown} is not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start})"
        )
    try:
        data: Any = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return ProjectProblem(f"{shown} is not valid TOML: {exc}")
    where = shown
    if path.name == PYPROJECT:
        data = data.get("tool", {}).get("syncrules", {})
        where = f"{shown} [tool.syncrules]"
    if not isinstance(data, dict):
        return ProjectProblem(f"{where} must be a table")
    unknown = sorted(set(data) - {"environments"})
    if unknown:
        return ProjectProblem(f"{where}: unknown key {unknown[0]!r} (expected 'environments')")
    raw_envs = data.get("environments", {})
    if not isinstance(raw_envs, dict):
        return ProjectProblem(f"{where}: 'environments' must be a table of environments")
    environments: dict[str, Environment] = {}
    for name, raw in sorted(raw_envs.items()):
        env = _environment(name, raw, shown)
        if isinstance(env, ProjectProblem):
            return env
        environments[name] = env
    return Project(path, environments)


def _text(value: object, what: str) -> str | ProjectProblem:
    if not isinstance(value, str) or not value.strip():
        return ProjectProblem(f"{what} must be a non-empty string")
    return value.strip()


def _graph(raw: object, what: str) -> GraphTarget | ProjectProblem:
    if not isinstance(raw, dict):
        return ProjectProblem(f"{what} must be a table")
    unknown = sorted(set(raw) - set(_GRAPH_KEYS))
    if unknown:
        return ProjectProblem(
            f"{what}: unknown key {unknown[0]!r} (expected one of: {', '.join(_GRAPH_KEYS)})"
        )
    values: dict[str, str] = {}
    for key, value in raw.items():
        text = _text(value, f"{what}.{key}")
        if isinstance(text, ProjectProblem):
            return text
        values[key] = text
    return GraphTarget(**values)


def _environment(name: str, raw: object, shown: str) -> Environment | ProjectProblem:
    what = f"{shown}: environments.{name}"
    if not isinstance(raw, dict):
        return ProjectProblem(f"{what} must be a table")
    unknown = sorted(set(raw) - set(_ENV_KEYS))
    if unknown:
        return ProjectProblem(
            f"{what}: unknown key {unknown[0]!r} (expected one of: {', '.join(_ENV_KEYS)})"
        )
    domain = None
    if "default_domain" in raw:
        text = _text(raw["default_domain"], f"{what}.default_domain")
        if isinstance(text, ProjectProblem):
            return text
        domain = text
    graph = _graph(raw.get("graph", {}), f"{what}.graph")
    if isinstance(graph, ProjectProblem):
        return graph
    params = raw.get("params", {})
    if not isinstance(params, dict):
        return ProjectProblem(f"{what}.params must be a table of parameter values")
    for key, value in params.items():
        if value_kind(value) is None:
            return ProjectProblem(
                f"{what}.params.{key} must be a string or an integer (got {_toml_kind(value)})"
            )
    jobs_raw = raw.get("jobs", {})
    if not isinstance(jobs_raw, dict):
        return ProjectProblem(f"{what}.jobs must be a table of jobs by name")
    jobs: dict[str, GraphTarget] = {}
    for job_name, job_raw in jobs_raw.items():
        target = _graph(job_raw, f"{what}.jobs.{job_name!r}")
        if isinstance(target, ProjectProblem):
            return target
        jobs[job_name] = target
    return Environment(
        name=name,
        source=f"environment '{name}' in {shown}",
        default_domain=domain,
        graph=graph,
        params=dict(params),
        jobs=jobs,
    )


def select_environment(
    name: str | None, start: Path, env: Mapping[str, str] | None = None
) -> Environment | ProjectProblem | None:
    """The environment named by ``--env`` (``name``), else by ``PROV_ENV``; None when neither
    is given. ``start`` is where the project file is looked for (the first path given)."""
    environ = os.environ if env is None else env
    chosen = name or environ.get(ENV_VARIABLE, "").strip() or None
    if chosen is None:
        return None
    how = "--env" if name else ENV_VARIABLE
    path = find_project(start)
    if path is None:
        return ProjectProblem(
            f"{how} {chosen}: no project file: neither {PROJECT_FILE} nor a {PYPROJECT} with "
            f"[tool.syncrules] was found in {_shown(start)} or a parent folder"
        )
    project = load_project(path)
    if isinstance(project, ProjectProblem):
        return project
    found = project.environments.get(chosen)
    if found is None:
        names = ", ".join(project.environments) or "none"
        return ProjectProblem(
            f"{how} {chosen}: no environment '{chosen}' in {_shown(path)} (environments: {names})"
        )
    return found


def start_of(paths: Sequence[Path | str]) -> Path:
    """Where the project file is looked for: the first existing path given, else the cwd."""
    for raw in paths:
        path = Path(raw)
        if path.exists():
            return path
    return Path.cwd()
