"""Commands that live in their own modules, registered on the `prov` group lazily.

A command's module is imported only when that command runs (or shows its own ``--help``):
``prov --help``, ``prov --version`` and shell completion of command names read this table and
import nothing else. Adding a command is one line here: its name, where its click command lives
(``module:attribute``), and the first sentence of its help, which ``prov --help`` shows (a test
checks it against the command's own help).
"""

from __future__ import annotations

#: name -> ("module:attribute" of the click command, first sentence of its help)
COMMANDS: dict[str, tuple[str, str]] = {
    "deploy": (
        "syncrules.commands.graph_cmd:deploy",
        "Compile PATH and replace the job's live schema with the merged result.",
    ),
    "directory": (
        "syncrules.commands.run_cmd:directory",
        "The offline target directory `prov run` provisions into (a SQLite file).",
    ),
    "eval": (
        "syncrules.commands.eval_cmd:eval_",
        "Evaluate one Entra expression offline (use - to read it from standard input).",
    ),
    "fmt": (
        "syncrules.commands.fmt_cmd:fmt",
        "Format .prov files (or folders of them) in the one canonical layout.",
    ),
    "import": (
        "syncrules.commands.import_cmd:import_",
        "Decompile a synchronizationSchema into a readable .prov file.",
    ),
    "lsp": (
        "syncrules.commands.lsp_cmd:lsp",
        "Run the Language Server for editors (LSP over stdio).",
    ),
    "plan": (
        "syncrules.commands.plan_cmd:plan",
        "Compare two versions of a job: .prov files or folders, compiled JSON, or git REV:path.",
    ),
    "pull": (
        "syncrules.commands.graph_cmd:pull",
        "Write the live synchronization schema of a job to a file.",
    ),
    "run": (
        "syncrules.commands.run_cmd:run",
        "Run a whole provisioning cycle offline: one log record per input operation.",
    ),
    "test": (
        "syncrules.commands.test_cmd:test",
        "Run rule tests (default PATHS: the current folder).",
    ),
    "upload": (
        "syncrules.commands.graph_cmd:upload",
        "Send the SCIM users in FILE to the job's bulkUpload endpoint.",
    ),
}


def load_command(name: str) -> object:
    """The click command registered as ``name`` in :data:`COMMANDS` (imports its module)."""
    import importlib

    module_name, _, attribute = COMMANDS[name][0].partition(":")
    return getattr(importlib.import_module(module_name), attribute)
