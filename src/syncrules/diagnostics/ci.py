"""Diagnostics as CI annotations: GitHub Actions workflow commands and Azure Pipelines logging
commands, so that errors land on the exact lines of a pull request.

Contract: pure functions from data to text, one line per item; nothing else is printed.

- GitHub: ``::error file=F,line=L,col=C::PROV101 unknown-source-attribute: MESSAGE`` (``warning``,
  ``notice`` for notes; the code leads the message rather than a ``title``, so the command keeps
  the plain ``file,line,col`` form every reader of it understands). Escaping as in the Actions
  toolkit: in the message ``%`` ``\\r`` ``\\n`` become ``%25`` ``%0D`` ``%0A``; in properties
  also ``:`` and ``,`` (``%3A``, ``%2C``).
- Azure Pipelines: ``##vso[task.logissue type=error;sourcepath=F;linenumber=L;columnnumber=C;
  code=PROV101]MESSAGE``; there is no note level, so notes are plain lines. Escaping as in the
  azure-pipelines-task-lib: ``%`` ``\\r`` ``\\n`` become ``%AZP25`` ``%0D`` ``%0A``, and in
  properties ``;`` and ``]`` become ``%3B`` and ``%5D``.
"""

from __future__ import annotations

from collections.abc import Iterable

from syncrules.diagnostics import Diagnostic
from syncrules.diagnostics.codes import CODES

_GITHUB_LEVEL = {"error": "error", "warning": "warning", "note": "notice"}


def _gh_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_prop(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


def github_line(
    level: str,
    message: str,
    *,
    file: str,
    line: int,
    col: int,
    end_line: int | None = None,
    end_col: int | None = None,
    title: str | None = None,
) -> str:
    """One workflow command (``level``: error, warning or notice)."""
    props = [f"file={_gh_prop(file)}", f"line={line}", f"col={col}"]
    if end_line is not None:
        props.append(f"endLine={end_line}")
    if end_col is not None and end_line == line:
        props.append(f"endColumn={end_col}")
    if title:
        props.append(f"title={_gh_prop(title)}")
    return f"::{level} {','.join(props)}::{_gh_data(message)}"


def _azp_data(text: str) -> str:
    return text.replace("%", "%AZP25").replace("\r", "%0D").replace("\n", "%0A")


def _azp_prop(text: str) -> str:
    return _azp_data(text).replace(";", "%3B").replace("]", "%5D")


def azure_line(
    level: str, message: str, *, file: str, line: int, col: int, code: str | None = None
) -> str:
    """One ``task.logissue`` logging command (``level``: error or warning)."""
    props = [
        f"type={level}",
        f"sourcepath={_azp_prop(file)}",
        f"linenumber={line}",
        f"columnnumber={col}",
    ]
    if code:
        props.append(f"code={_azp_prop(code)}")
    return f"##vso[task.logissue {';'.join(props)}]{_azp_data(message)}"


def _message(d: Diagnostic) -> str:
    return d.message + (f"\nhelp: {d.hint}" if d.hint else "")


def render_github(diags: Iterable[Diagnostic]) -> str:
    return "\n".join(
        github_line(
            _GITHUB_LEVEL[d.severity.value],
            f"{d.code.value} {CODES[d.code].slug}: {_message(d)}",
            file=d.span.file,
            line=d.span.line,
            col=d.span.col,
        )
        for d in diags
    )


def render_azure(diags: Iterable[Diagnostic]) -> str:
    lines = []
    for d in diags:
        if d.severity.value == "note":
            s = d.span
            lines.append(f"{s.file}:{s.line}:{s.col}: note[{d.code.value}]: {d.message}")
            continue
        lines.append(
            azure_line(
                d.severity.value,
                f"[{d.code.value}] {_message(d)}",
                file=d.span.file,
                line=d.span.line,
                col=d.span.col,
                code=d.code.value,
            )
        )
    return "\n".join(lines)
