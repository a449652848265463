"""The `prov` command line: parse arguments, call the API, render, map to exit codes.

Exit codes: 0 success (warnings allowed unless --strict), 1 errors found (or a test/operation
failed), 2 usage error, 3 internal error (a bug: "this is a bug" banner; --debug shows the
traceback). The codes and the banner are ``syncrules.output``'s, shared with the Graph commands.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from syncrules import __version__
from syncrules.commands.environment import env_option, resolve_environment
from syncrules.output import (
    EXIT_ERRORS,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_OK,
    err,
    internal_error,
    out,
)

FORMATS = click.Choice(["text", "json"])


class ProvGroup(click.Group):
    """Turns any unexpected exception into exit 3 with a bug banner; loads the commands of
    :data:`syncrules.commands.COMMANDS` only when one of them is used, so `prov --help`,
    `--version` and completing a command name import none of their modules."""

    def main(self, args: Any = None, *more: Any, **options: Any) -> Any:
        if args is None:  # the arguments of the process: run as the program, not in-process
            _RUN_AS_PROGRAM[0] = True
        return super().main(args, *more, **options)

    def list_commands(self, ctx: click.Context) -> list[str]:
        from syncrules.commands import COMMANDS

        return sorted({*self.commands, *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        from syncrules.commands import COMMANDS, load_command

        if cmd_name not in self.commands and cmd_name in COMMANDS:
            command = load_command(cmd_name)
            assert isinstance(command, click.Command), cmd_name
            self.add_command(command, cmd_name)
        return self.commands.get(cmd_name)

    def _listed(self, ctx: click.Context) -> list[tuple[str, click.Command]]:
        """Every visible command, a not yet loaded one as a stand-in holding its help line."""
        from syncrules.commands import COMMANDS

        listed = []
        for name in self.list_commands(ctx):
            command = self.commands.get(name) or click.Command(name, help=COMMANDS[name][1])
            if not command.hidden:
                listed.append((name, command))
        return listed

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        listed = self._listed(ctx)
        if listed:
            limit = formatter.width - 6 - max(len(name) for name, _ in listed)
            with formatter.section("Commands"):
                formatter.write_dl([(name, cmd.get_short_help_str(limit)) for name, cmd in listed])

    def shell_complete(self, ctx: click.Context, incomplete: str) -> list[Any]:
        from click.shell_completion import CompletionItem

        results: list[Any] = [
            CompletionItem(name, help=command.get_short_help_str())
            for name, command in self._listed(ctx)
            if name.startswith(incomplete)
        ]
        results.extend(click.Command.shell_complete(self, ctx, incomplete))
        return results

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            err("interrupted")
            ctx.exit(EXIT_INTERRUPTED)
        except BrokenPipeError:
            # The reader went away (`prov ... | head`): stop quietly, as other tools do.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            ctx.exit(EXIT_ERRORS)
        except Exception as exc:
            internal_error(exc, debug=bool(ctx.obj and ctx.obj.get("debug")))
            ctx.exit(EXIT_INTERNAL)


#: Whether `prov` runs as the program (`prov ...`, `python -m syncrules ...`: the arguments are
#: the process's), so the process ends with the command; False when called in-process
#: (``CliRunner``, ``main([...])``).
_RUN_AS_PROGRAM = [False]


@contextlib.contextmanager
def kept_until_exit() -> Iterator[None]:
    """Around a one-shot command (`prov check`, `prov compile`) whose structures (models, IR,
    generated code) live until the process ends. Run as the program, the collector stays paused
    meanwhile and what was built is then frozen (``gc.freeze``), so no collection walks it again:
    neither the first one after the pause nor the interpreter's last one at exit (together about
    a sixth of `prov compile` of 1,000 mappings); the exit frees it. In-process nothing changes
    (``check_paths`` and ``compile_paths`` pause the collector themselves and give it back)."""
    if not _RUN_AS_PROGRAM[0] or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(cls=ProvGroup, context_settings=CONTEXT)
@click.version_option(__version__, "--version", prog_name="prov")
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """syncrules: Microsoft Entra API-driven provisioning rules as code.

    \b
    Exit codes:
      0  success (warnings allowed unless --strict)
      1  errors found, unreadable input, a test failed, or a remote operation failed
      2  usage error (unknown flag, missing argument, bad option value)
      3  internal error (a bug in syncrules; --debug shows the traceback)
      130  interrupted (Ctrl-C)
    `prov plan` follows `terraform plan -detailed-exitcode`: 0 no change, 1 error, 2 changes.
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug
    _escape_unencodable_output()


def _escape_unencodable_output() -> None:
    """Results on stdout may hold text that UTF-8 cannot encode: a file name or a test value
    with bytes that are not UTF-8 (Python keeps them as lone surrogates). Write those as
    ``\\udcff`` escapes, as Python already does on stderr, rather than stop with an internal
    error; where Python chose a lenient handler for the locale, it is kept."""
    stream = sys.stdout
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None and getattr(stream, "errors", None) == "strict":
        with contextlib.suppress(OSError, ValueError):  # a stream that cannot be changed
            reconfigure(errors="backslashreplace")


def _sources(result: Any) -> dict[str, Any]:
    return dict(result.sources)


def report(result: Any, fmt: str, max_errors: int | None, strict: bool = False) -> int:
    """Print diagnostics (stderr for text, stdout for json) and return the exit code."""
    from syncrules.diagnostics.render import render_json, render_text, summary

    diags = result.diagnostics
    if fmt == "json":
        out(render_json(diags))
    elif fmt == "sarif":
        from syncrules.diagnostics.sarif import render_sarif

        out(render_sarif(diags))
    elif fmt in ("github", "azure-devops"):
        from syncrules.diagnostics.ci import render_azure, render_github
        from syncrules.diagnostics.render import render_text as text_of

        if diags:  # annotations for the CI on stdout, the readable form in the log (stderr)
            out(render_github(diags) if fmt == "github" else render_azure(diags))
            err(text_of(diags, _sources(result), max_errors))
            err(summary(diags))
    elif diags:
        err(render_text(diags, _sources(result), max_errors))
        err(summary(diags))
    failed = not result.ok or (strict and bool(diags))
    return EXIT_ERRORS if failed else EXIT_OK


_paths = click.argument(
    "paths",
    nargs=-1,
    required=True,
    # readable=False: an unreadable file is reported with the others (PROV002, exit 1)
    type=click.Path(path_type=Path, exists=False, readable=False),
)
_max_errors = click.option(
    "--max-errors",
    type=click.IntRange(min=1),
    default=50,
    show_default=True,
    help="Show at most this many diagnostics in text output.",
)


@main.command()
@_paths
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "sarif", "github", "azure-devops"]),
    default="text",
    show_default=True,
    help="text to stderr; json (an array) or sarif (2.1.0) to stdout; github (workflow "
    "annotations) or azure-devops (logging commands) to stdout, with the text on stderr.",
)
@_max_errors
@click.option("--strict", is_flag=True, help="Treat warnings as errors (exit 1).")
@env_option
def check(
    paths: tuple[Path, ...], fmt: str, max_errors: int, strict: bool, env_name: str | None
) -> None:
    """Check .prov files (or folders of them) and report every problem."""
    from syncrules.api import check_paths

    with kept_until_exit():
        environment = resolve_environment(env_name, paths)
        result = check_paths(paths, environment.param_values() if environment else None)
        code = report(result, fmt, max_errors, strict)
        if fmt in ("text", "github", "azure-devops") and code == EXIT_OK:
            jobs = len(result.compiled_jobs())
            err(f"ok: {jobs} job{'s' if jobs != 1 else ''} checked")
    sys.exit(code)


@main.command(name="compile")
@_paths
@click.option(
    "-o",
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("build"),
    show_default=True,
    help="Output folder.",
)
@click.option(
    "--target",
    type=click.Choice(["json", "python", "all"]),
    default="all",
    show_default=True,
    help="json: the Graph job configuration; python: the evaluator package.",
)
@click.option(
    "--format",
    "fmt",
    type=FORMATS,
    default="text",
    show_default=True,
    help="text: diagnostics to stderr, the files written to stdout; json: the diagnostics as "
    "a JSON array on stdout.",
)
@_max_errors
@env_option
def compile_(
    paths: tuple[Path, ...],
    out_dir: Path,
    target: str,
    fmt: str,
    max_errors: int,
    env_name: str | None,
) -> None:
    """Compile .prov files into <job>.json (a Graph synchronizationSchema) and a Python package.

    With --env NAME, $name parameters compile to the values of that environment."""
    from syncrules.api import compile_paths

    targets = ("json", "python") if target == "all" else (target,)
    environment = resolve_environment(env_name, paths)
    params = environment.param_values() if environment else None
    with kept_until_exit():
        try:
            result = compile_paths(paths, out_dir, targets, params)
        except OSError as exc:
            err(f"error: cannot write to {out_dir}: {exc.strerror}")
            sys.exit(EXIT_ERRORS)
        code = report(result, fmt, max_errors)
        if code == EXIT_OK:
            for rel in result.written:
                if fmt == "text":
                    out((out_dir / rel).as_posix())
    sys.exit(code)


@main.command()
@click.argument("topic", required=False)
def explain(topic: str | None) -> None:
    """Explain a diagnostic code (PROV101), a function (Replace), or `functions`, `codes`
    or `semantics` (without TOPIC: the codes). Exit 1 when TOPIC is unknown."""
    from syncrules.explain import explain_topic

    text, ok = explain_topic(topic)
    if ok:
        out(text)
        sys.exit(EXIT_OK)
    err(f"error: {text}")
    sys.exit(EXIT_ERRORS)


@main.command()
def schema() -> None:
    """Print the JSON Schema that every compiled job configuration validates against."""
    import json

    from syncrules.backends.jobconfig.schema import schema as load

    out(json.dumps(load(), indent=2, sort_keys=True))

