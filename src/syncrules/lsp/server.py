"""`prov lsp`: the Language Server (pygls over stdio).

Documents are analysed (``analysis.analyse``: `prov check` over the editor's buffers) when they
open, and again a short while after the last change (``DEBOUNCE`` seconds) to publish
diagnostics; only the items and mappings whose text changed are parsed again (``incremental``).
A request on a document that changed since its last analysis analyses it on the spot, so
answers always describe the text the client has. Documents that import a changed document are
analysed again too. Every handler works on any text: a half-typed document is the
normal case. A handler that fails answers its request with an error (pygls does that) and the
server goes on.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcException
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.uris import to_fs_path

from syncrules import __version__
from syncrules.lsp import features
from syncrules.lsp.analysis import Analysis, analyse
from syncrules.lsp.incremental import ItemParser

#: seconds between the last change and the diagnostics run
DEBOUNCE = 0.05

log = logging.getLogger("syncrules.lsp")


class _Ignored:
    """A message already answered (with an error): pygls's handler skips it."""

    jsonrpc = "answered"


class _Protocol(LanguageServerProtocol):
    """Answers a request whose parameters cannot be read with an error (pygls logs it and
    leaves the client waiting)."""

    def structure_message(self, data: dict[str, Any]) -> Any:
        try:
            return super().structure_message(data)
        except JsonRpcException as exc:
            if "id" in data and "method" in data:
                self._send_response(data["id"], error=exc.to_response_error())
                return _Ignored()
            raise


class ProvServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(
            "prov",
            __version__,
            text_document_sync_kind=lsp.TextDocumentSyncKind.Incremental,
            protocol_cls=_Protocol,
        )
        #: uri -> (document version, analysis)
        self.analyses: dict[str, tuple[int | None, Analysis]] = {}
        #: uri -> the last analysis in which the document parsed (outline while typing)
        self.last_good: dict[str, Analysis] = {}
        self.timers: dict[str, asyncio.TimerHandle] = {}
        self.parser = ItemParser()
        self.debounce = DEBOUNCE

    # ---- analysis --------------------------------------------------------------------------

    def _path(self, uri: str) -> Path:
        path = to_fs_path(uri)
        return Path(path) if path else Path(uri.rsplit("/", 1)[-1] or "untitled.prov")

    def _overlay(self) -> dict[Path, str]:
        out = {}
        for uri, doc in self.workspace.text_documents.items():
            out[self._path(uri).resolve()] = doc.source
        return out

    def analysis(self, uri: str) -> tuple[Analysis, features.Text]:
        """The analysis of the document's current text (computed now if it is stale)."""
        doc = self.workspace.get_text_document(uri)
        text = doc.source
        cached = self.analyses.get(uri)
        if (
            cached is not None
            and cached[0] == doc.version
            and cached[1].source.text == (text.removeprefix("\ufeff").replace("\r\n", "\n"))
        ):
            return cached[1], features.Text(text)
        result = analyse(self._path(uri), text, self._overlay(), self.parser)
        self.analyses[uri] = (doc.version, result)
        if result.parsed and result.job is not None:
            self.last_good[uri] = result
        return result, features.Text(text)

    def publish(self, uri: str) -> None:
        if uri not in self.workspace.text_documents:
            return
        try:
            result, text = self.analysis(uri)
            found = features.diagnostics(result, text)
        except Exception:  # never leave the editor without an answer
            log.exception("analysis of %s failed", uri)
            found = [
                lsp.Diagnostic(
                    range=lsp.Range(
                        start=lsp.Position(line=0, character=0),
                        end=lsp.Position(line=0, character=0),
                    ),
                    message="internal error in prov lsp while checking this file "
                    "(a bug in syncrules; `prov check` on the file shows more)",
                    severity=lsp.DiagnosticSeverity.Error,
                    code="PROV901",
                    source="prov",
                )
            ]
        doc = self.workspace.get_text_document(uri)
        self.text_document_publish_diagnostics(
            lsp.PublishDiagnosticsParams(uri=uri, diagnostics=found, version=doc.version)
        )

    def dependents(self, uri: str) -> list[str]:
        """Open documents (other than ``uri``) that read ``uri``'s file."""
        path = self._path(uri).resolve()
        return [
            other
            for other, (_v, result) in self.analyses.items()
            if other != uri and path in result.files and other in self.workspace.text_documents
        ]

    def schedule(self, uri: str) -> None:
        timer = self.timers.pop(uri, None)
        if timer is not None:
            timer.cancel()
        loop = asyncio.get_running_loop()
        self.timers[uri] = loop.call_later(self.debounce, self._flush, uri)

    def _flush(self, uri: str) -> None:
        self.timers.pop(uri, None)
        self.publish(uri)
        self.publish_dependents(uri)

    def publish_dependents(self, uri: str) -> None:
        """Check again the open documents that import ``uri`` (their text did not change, what
        they read did)."""
        for other in self.dependents(uri):
            self.analyses.pop(other, None)
            self.publish(other)


server = ProvServer()


@server.feature(lsp.INITIALIZE)
def initialize(ls: ProvServer, params: lsp.InitializeParams) -> None:
    options = params.initialization_options
    if isinstance(options, dict) and isinstance(options.get("debounce"), int | float):
        ls.debounce = max(0.0, float(options["debounce"]) / 1000)


@server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: ProvServer, params: lsp.DidOpenTextDocumentParams) -> None:
    uri = params.text_document.uri
    ls.publish(uri)
    ls.publish_dependents(uri)


@server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: ProvServer, params: lsp.DidChangeTextDocumentParams) -> None:
    ls.schedule(params.text_document.uri)


@server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
def did_save(ls: ProvServer, params: lsp.DidSaveTextDocumentParams) -> None:
    ls.publish_dependents(params.text_document.uri)


@server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: ProvServer, params: lsp.DidCloseTextDocumentParams) -> None:
    uri = params.text_document.uri
    timer = ls.timers.pop(uri, None)
    if timer is not None:
        timer.cancel()
    ls.analyses.pop(uri, None)
    ls.last_good.pop(uri, None)
    ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
    ls.publish_dependents(uri)


@server.feature(
    lsp.TEXT_DOCUMENT_COMPLETION,
    lsp.CompletionOptions(trigger_characters=["[", ":", ".", " "]),
)
def completion(ls: ProvServer, params: lsp.CompletionParams) -> lsp.CompletionList:
    result, text = ls.analysis(params.text_document.uri)
    if result.job is None and params.text_document.uri in ls.last_good:
        good = ls.last_good[params.text_document.uri]
        result = Analysis(
            path=result.path,
            shown=result.shown,
            source=result.source,
            diagnostics=result.diagnostics,
            job=good.job,
            ctx=good.ctx,
            sources=good.sources,
        )
    items = features.completion(result, text, params.position)
    return lsp.CompletionList(is_incomplete=False, items=items)


@server.feature(lsp.TEXT_DOCUMENT_HOVER)
def hover(ls: ProvServer, params: lsp.HoverParams) -> lsp.Hover | None:
    result, text = ls.analysis(params.text_document.uri)
    return features.hover(result, text, params.position)


@server.feature(lsp.TEXT_DOCUMENT_DEFINITION)
def definition(ls: ProvServer, params: lsp.DefinitionParams) -> list[lsp.Location]:
    result, text = ls.analysis(params.text_document.uri)
    return features.definition(result, text, params.position)


@server.feature(lsp.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
def document_symbol(ls: ProvServer, params: lsp.DocumentSymbolParams) -> list[Any]:
    uri = params.text_document.uri
    result, text = ls.analysis(uri)
    if (not result.parsed or result.job is None) and uri in ls.last_good:
        result = ls.last_good[uri]
        symbols = features.symbols(result, features.Text(result.source.text))
        last = max(0, len(text.source.line_starts) - 1)
        return [s for s in symbols if s.range.end.line <= last]
    return features.symbols(result, text)


@server.feature(lsp.TEXT_DOCUMENT_FORMATTING)
def formatting(ls: ProvServer, params: lsp.DocumentFormattingParams) -> list[lsp.TextEdit] | None:
    result, text = ls.analysis(params.text_document.uri)
    return features.format_edits(text, result.shown)


@server.feature(lsp.TEXT_DOCUMENT_RANGE_FORMATTING)
def range_formatting(
    ls: ProvServer, params: lsp.DocumentRangeFormattingParams
) -> list[lsp.TextEdit] | None:
    result, text = ls.analysis(params.text_document.uri)
    return features.range_format_edits(text, result.shown, params.range)


@server.feature(
    lsp.TEXT_DOCUMENT_CODE_ACTION,
    lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix]),
)
def code_action(ls: ProvServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
    result, text = ls.analysis(params.text_document.uri)
    return features.code_actions(result, text, params.text_document.uri, params)


@server.feature(lsp.TEXT_DOCUMENT_INLAY_HINT)
def inlay_hint(ls: ProvServer, params: lsp.InlayHintParams) -> list[lsp.InlayHint]:
    result, text = ls.analysis(params.text_document.uri)
    return features.inlay_hints(result, text, params.range)


#: The longest message read (a document as large as `prov check` reads, JSON-escaped); a
#: longer Content-Length stops the server instead of reserving that much memory.
MAX_MESSAGE_BYTES = 2 * 512 * 1024 * 1024
#: Header lines are short; a longer one is read in pieces (it matches no header).
MAX_HEADER_LINE = 64 * 1024


class BoundedInput:
    """Standard input as pygls reads it, without trusting the client's Content-Length: the
    body is read a piece at a time (a huge length with a short body reserves no memory), and a
    length past ``MAX_MESSAGE_BYTES`` ends the input."""

    def __init__(self, raw: Any, limit: int = MAX_MESSAGE_BYTES) -> None:
        self.raw = raw
        self.limit = limit

    def readline(self) -> bytes:
        return bytes(self.raw.readline(MAX_HEADER_LINE))

    def read(self, size: int) -> bytes:
        if size > self.limit:
            log.error("a message of %d bytes is longer than %d: stopping", size, self.limit)
            return b""
        chunks: list[bytes] = []
        left = size
        while left > 0:
            chunk = self.raw.read(min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)


class OneLineFormatter(logging.Formatter):
    """Log records on one line, an exception as its type and message: the editor's output
    panel shows what failed, never a traceback (`prov --debug lsp` shows them)."""

    def format(self, record: logging.LogRecord) -> str:
        text = f"prov lsp: {record.levelname.lower()}: {record.getMessage()}"
        error = record.exc_info[1] if record.exc_info else None
        if error is not None:
            text += f" ({type(error).__name__}: {error})"
        return text


def configure_logging(debug: bool = False) -> None:
    """Warnings and errors of the server and of pygls on stderr, one line each unless
    ``debug``."""
    import sys

    handler = logging.StreamHandler(sys.stderr)
    if not debug:
        handler.setFormatter(OneLineFormatter())
    for name in ("pygls", "syncrules.lsp"):
        logger = logging.getLogger(name)
        logger.handlers = [handler]
        logger.propagate = False
        logger.setLevel(logging.WARNING)


def serve(debug: bool = False) -> None:
    """Run the server on standard input and output until the client says exit."""
    import sys

    configure_logging(debug)
    server.start_io(BoundedInput(sys.stdin.buffer))  # type: ignore[arg-type]
