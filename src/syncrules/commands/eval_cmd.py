"""`prov eval`: the offline "Test expression" of the Entra portal."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from syncrules.commands.textio import quoted, read_stdin_text, require_text
from syncrules.jsontext import json_error, json_kind, load_json_text
from syncrules.output import EXIT_ERRORS, err, out


def _load_json_arg(value: str | None, option: str) -> Any:
    if value is None:
        return None
    hint = f"'{option}'"  # quoted as click quotes the options it checks itself
    text = value
    source: str | None = None
    if value.startswith("@"):
        from syncrules.safeio import cannot_read, read_input_text

        if not value[1:]:
            raise click.BadParameter("@ must be followed by a file name (@FILE)", param_hint=hint)
        path = Path(value[1:])
        source = str(path)
        try:
            text = read_input_text(path)  # refuses FIFOs, devices, huge files
        except OSError as exc:
            raise click.BadParameter(cannot_read(path, exc), param_hint=hint) from None
        except UnicodeDecodeError:
            raise click.BadParameter(f"{path} is not UTF-8 text", param_hint=hint) from None
    require_text(text, option)
    try:
        return load_json_text(text)
    except json.JSONDecodeError as exc:
        raise click.BadParameter(json_error(exc, source), param_hint=hint) from None
    except ValueError as exc:  # too deep, a lone surrogate, NaN, a number out of range
        reason = f"{source}: {exc}" if source else str(exc)
        raise click.BadParameter(reason, param_hint=hint) from None


def parse_now(value: str | None) -> datetime | None:
    from syncrules.runtime.context import parse_instant

    if value is None:
        return None
    try:
        return parse_instant(value)
    except ValueError:
        raise click.BadParameter(
            f"{quoted(value)} is not an ISO-8601 time such as 2024-05-01T09:00:00Z",
            param_hint="'--now'",
        ) from None


def _jsonable(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


@click.command(name="eval")
@click.argument("expression")
@click.option(
    "--input", "input_", metavar="JSON|@FILE", help="Attribute values: a flat JSON object."
)
@click.option(
    "--now",
    metavar="ISO-8601",
    help="The clock for Now() and for dates without a year (default: the real time).",
)
@click.option("--seed", type=int, help="Seed for RandomString and Guid (repeatable results).")
@click.option("--default-domain", metavar="DOMAIN", help="The tenant's default domain.")
@click.option(
    "--existing-values",
    metavar="JSON-ARRAY|@FILE",
    help="Values already present in the target (for SelectUniqueValue).",
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def eval_(
    expression: str,
    input_: str | None,
    now: str | None,
    seed: int | None,
    default_domain: str | None,
    existing_values: str | None,
    fmt: str,
) -> None:
    """Evaluate one Entra expression offline (use - to read it from standard input).

    \b
    prov eval 'Join(" ", [givenName], [surname])' --input '{"givenName": "Ada", "surname": "L"}'
    With --format json prints {"value": ..., "flows": true|false}; value is null and flows is
    false when nothing flows (IgnoreFlowIfNullOrEmpty, or a NULL result). Exit 1 on a syntax,
    type or runtime error (diagnostic on stderr; with --format json, also a "diagnostics" array
    in the object on stdout).
    """
    from syncrules.evaluation import EvalRequest, run_eval

    if expression == "-":
        expression = read_stdin_text("the expression on standard input")
    require_text(expression, "EXPRESSION")
    require_text(default_domain, "--default-domain")
    attributes = _load_json_arg(input_, "--input")
    if input_ is None:
        attributes = {}
    if not isinstance(attributes, dict):  # also null: the option is optional, not nullable
        raise click.BadParameter(
            f"must be a JSON object of attribute name to value, not {json_kind(attributes)}",
            param_hint="'--input'",
        )
    taken = _load_json_arg(existing_values, "--existing-values")
    if existing_values is None:
        taken = []
    if not isinstance(taken, list) or not all(isinstance(v, str) for v in taken):
        raise click.BadParameter(
            "must be a JSON array of strings", param_hint="'--existing-values'"
        )
    request = EvalRequest(
        expression=expression,
        attributes=attributes,
        now=parse_now(now),
        seed=seed,
        default_domain=default_domain,
        taken=frozenset(taken),
    )
    result = run_eval(request)
    if result.diagnostics:
        from syncrules.diagnostics.render import render_text

        err(render_text(result.diagnostics, {"<expression>": result.source}))
    if not result.ok:
        if fmt == "json":  # stdout stays one JSON object, so a script can read why
            out(
                json.dumps(
                    {
                        "value": None,
                        "flows": False,
                        "diagnostics": [d.to_json() for d in result.diagnostics],
                    },
                    ensure_ascii=False,
                )
            )
        sys.exit(EXIT_ERRORS)
    if fmt == "json":
        value = result.value if result.flows else None
        out(json.dumps({"value": _jsonable(value), "flows": result.flows}, ensure_ascii=False))
    elif not result.flows:
        out("(nothing flows: " + result.reason + ")")
    elif isinstance(result.value, str):
        out(result.value)
    else:
        out(json.dumps(_jsonable(result.value), ensure_ascii=False))
