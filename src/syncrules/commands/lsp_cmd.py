"""`prov lsp`: the Language Server for editors, over standard input and output.

Exit codes: 0 after the client's `exit` (following `shutdown`); 1 when the server cannot start
(pygls missing).
"""

from __future__ import annotations

import sys

import click

from syncrules.output import EXIT_ERRORS, err


@click.command(name="lsp")
@click.option("--stdio", is_flag=True, help="Talk over standard input/output (the default).")
@click.pass_context
def lsp(ctx: click.Context, stdio: bool) -> None:
    """Run the Language Server for editors (LSP over stdio).

    Diagnostics as `prov check`, completion, hover (`prov explain`), go to definition, symbols,
    formatting (`prov fmt`), quick fixes and live values of mappings for a test's sample record.

    \b
    VS Code: the extension in editors/vscode starts it.
    Other editors: run `prov lsp` for files of type prov (*.prov).
    """
    try:
        from syncrules.lsp.server import serve
    except ImportError as exc:  # pragma: no cover - pygls is a dependency
        err(f"error: prov lsp needs pygls ({exc}); pip install 'pygls>=2'")
        sys.exit(EXIT_ERRORS)
    serve(debug=bool(ctx.obj and ctx.obj.get("debug")))
