"""`prov lsp` runs as a real subprocess over stdio; the tests talk to it with the small client in
``syncrules.lsp.client`` (the one the benchmark uses)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from syncrules.lsp.client import StdioClient
from tests.conftest import ROOT


class Session:
    """One running server and helpers to open documents and ask for things."""

    def __init__(self, client: StdioClient) -> None:
        self.client = client
        self._versions: dict[str, int] = {}

    def open(self, path: Path, text: str | None = None) -> str:
        uri = path.resolve().as_uri()
        if text is None:
            text = path.read_text(encoding="utf-8")
        if uri in self._versions:  # reopened: close first, as an editor does
            self.client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
        self._versions[uri] = 1
        self.client.diagnostics.pop(uri, None)
        self.client.open(uri, text, 1)
        return uri

    def change(self, uri: str, text: str) -> int:
        self._versions[uri] += 1
        self.client.change_full(uri, self._versions[uri], text)
        return self._versions[uri]

    def diagnostics(self, uri: str, version: int | None = None) -> list[dict[str, Any]]:
        version = version if version is not None else self._versions[uri]
        return self.client.wait_diagnostics(uri, version)["diagnostics"]

    def ask(self, method: str, uri: str, line: int, character: int, **extra: Any) -> Any:
        params = {
            "textDocument": {"uri": uri},
            "position": {"line": line, "character": character},
            **extra,
        }
        return self.client.request(method, params)

    def request(self, method: str, params: Any) -> Any:
        return self.client.request(method, params)


def start_server(cwd: Path) -> StdioClient:
    client = StdioClient.start([sys.executable, "-m", "syncrules", "lsp"], cwd=str(cwd))
    client.initialize(cwd.as_uri(), {"debounce": 10})
    return client


@pytest.fixture(scope="module")
def lsp_session() -> Iterator[Session]:
    client = start_server(ROOT)
    try:
        yield Session(client)
    finally:
        code = client.stop()
        assert code == 0, b"".join(client.stderr).decode(errors="replace")[-3000:]


def position_of(text: str, needle: str, occurrence: int = 0, delta: int = 0) -> tuple[int, int]:
    """(line, UTF-16 character) of the ``occurrence``-th ``needle`` in ``text``, plus ``delta``."""
    at = -1
    for _ in range(occurrence + 1):
        at = text.index(needle, at + 1)
    at += delta
    line = text.count("\n", 0, at)
    start = text.rfind("\n", 0, at) + 1
    return line, len(text[start:at].encode("utf-16-le")) // 2


def apply_edits(text: str, edits: list[dict[str, Any]]) -> str:
    """The text after applying LSP TextEdits (non-overlapping, any order)."""
    lines = text.split("\n")
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line) + 1)

    def offset(pos: dict[str, int]) -> int:
        if pos["line"] >= len(lines):
            return len(text)
        line = lines[pos["line"]]
        units = 0
        i = 0
        while i < len(line) and units < pos["character"]:
            units += 2 if ord(line[i]) > 0xFFFF else 1
            i += 1
        return starts[pos["line"]] + i

    spans = sorted(
        ((offset(e["range"]["start"]), offset(e["range"]["end"]), e["newText"]) for e in edits),
        reverse=True,
    )
    for start, end, new in spans:
        text = text[:start] + new + text[end:]
    return text
