"""The ``--env NAME`` option (and ``PROV_ENV``) shared by check, compile, test, run, plan and the
Graph commands: pick an environment of the project file, or stop with a usage error (exit 2)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from syncrules.output import EXIT_USAGE, err

if TYPE_CHECKING:
    from syncrules.project import Environment

ENV_HELP = (
    "An environment of the project file (prov.toml, or [tool.syncrules] in pyproject.toml, "
    "found from the first path upwards): its params give $name parameters their values "
    "[env var: PROV_ENV]."
)


def env_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--env", "env_name", metavar="NAME", help=ENV_HELP)(fn)


def resolve_environment(env_name: str | None, paths: Sequence[Path | str]) -> Environment | None:
    """The chosen environment, None without --env/PROV_ENV; a problem exits 2 with a message."""
    from syncrules.project import ProjectProblem, select_environment, start_of

    chosen = select_environment(env_name, start_of(paths))
    if isinstance(chosen, ProjectProblem):
        err(f"error: {chosen.message}")
        sys.exit(EXIT_USAGE)
    return chosen
