"""Commands that live in their own modules, registered on the `prov` group."""

from __future__ import annotations

import importlib

import click

#: (module, attribute): a click command, or a `register(group)` function.
_COMMANDS = (
    ("syncrules.commands.eval_cmd", "eval_"),
    ("syncrules.commands.run_cmd", "run"),
    ("syncrules.commands.run_cmd", "directory"),
    ("syncrules.commands.fmt_cmd", "fmt"),
    ("syncrules.commands.graph_cmd", "register"),
    ("syncrules.commands.import_cmd", "import_"),
    ("syncrules.commands.test_cmd", "test"),
    ("syncrules.commands.plan_cmd", "plan"),
    ("syncrules.commands.lsp_cmd", "lsp"),
)


def register_all(group: click.Group) -> None:
    for module_name, attr in _COMMANDS:
        module = importlib.import_module(module_name)
        item = getattr(module, attr)
        if isinstance(item, click.Command):
            group.add_command(item)
        else:
            item(group)
