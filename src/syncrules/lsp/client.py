"""A small synchronous LSP client over stdio: starts a server process, sends requests and
notifications, collects what the server sends. Used by the tests and `benchmarks/bench_lsp.py`
to drive the real `prov lsp`; standard library only.
"""

from __future__ import annotations

import contextlib
import json
import queue
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any


class ServerError(Exception):
    """The server answered a request with an error."""

    def __init__(self, error: dict[str, Any]) -> None:
        super().__init__(f"{error.get('code')}: {error.get('message')}")
        self.code = error.get("code")
        self.message = error.get("message", "")


class StdioClient:
    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        self.process = process
        self._next_id = 0
        self._lock = threading.Lock()
        self._responses: dict[int, queue.Queue[dict[str, Any]]] = {}
        self.notifications: queue.Queue[dict[str, Any]] = queue.Queue()
        #: uri -> publishDiagnostics params received, newest last ("received": monotonic time)
        self.diagnostics: dict[str, list[dict[str, Any]]] = {}
        self._diag_event = threading.Condition()
        self.stderr: list[bytes] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        stream = self.process.stderr
        if stream is not None:
            for line in stream:
                self.stderr.append(line)

    @classmethod
    def start(cls, command: Sequence[str], cwd: str | None = None) -> StdioClient:
        process = subprocess.Popen(
            list(command),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=cwd,
        )
        return cls(process)

    def __enter__(self) -> StdioClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ---- wire -----------------------------------------------------------------------------------

    def _send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        assert self.process.stdin is not None
        with self._lock:
            self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
            self.process.stdin.flush()

    def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while True:
            length = None
            while True:
                line = stream.readline()
                if not line:
                    return
                line = line.strip()
                if not line:
                    break
                name, _, value = line.decode("ascii").partition(":")
                if name.lower() == "content-length":
                    length = int(value.strip())
            if length is None:
                continue
            message = json.loads(stream.read(length))
            received = time.perf_counter()
            if "id" in message and "method" not in message:
                self._responses.setdefault(message["id"], queue.Queue()).put(message)
            elif "id" in message:  # a request from the server: answer null
                self._send({"id": message["id"], "result": None})
                self.notifications.put(message)
            elif message.get("method") == "textDocument/publishDiagnostics":
                params = dict(message["params"], received=received)
                with self._diag_event:
                    self.diagnostics.setdefault(params["uri"], []).append(params)
                    self._diag_event.notify_all()
            else:
                self.notifications.put(message)

    # ---- API ------------------------------------------------------------------------------------

    def request(self, method: str, params: Any = None, timeout: float = 30.0) -> Any:
        """The result of a request; raises ServerError when the server answers with an error."""
        with self._lock:
            self._next_id += 1
            ident = self._next_id
        box = self._responses.setdefault(ident, queue.Queue())
        self._send({"id": ident, "method": method, "params": params})
        try:
            message = box.get(timeout=timeout)
        except queue.Empty:
            raise TimeoutError(f"no answer to {method} within {timeout} s") from None
        del self._responses[ident]
        if "error" in message:
            raise ServerError(message["error"])
        return message.get("result")

    def notify(self, method: str, params: Any = None) -> None:
        self._send({"method": method, "params": params})

    def initialize(self, root_uri: str | None = None, options: Any = None) -> Any:
        result = self.request(
            "initialize",
            {
                "processId": None,
                "rootUri": root_uri,
                "capabilities": {
                    "textDocument": {
                        "completion": {"completionItem": {"snippetSupport": True}},
                        "hover": {"contentFormat": ["markdown", "plaintext"]},
                        "publishDiagnostics": {"relatedInformation": True},
                    }
                },
                "initializationOptions": options,
            },
        )
        self.notify("initialized", {})
        return result

    def open(self, uri: str, text: str, version: int = 1) -> None:
        self.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "prov", "version": version, "text": text}},
        )

    def change_full(self, uri: str, version: int, text: str) -> None:
        self.notify(
            "textDocument/didChange",
            {"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]},
        )

    def change(self, uri: str, version: int, line: int, old: str, new: str) -> None:
        """Replace line ``line`` (whose text is ``old``) by ``new`` (an incremental change)."""
        self.notify(
            "textDocument/didChange",
            {
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [
                    {
                        "range": {
                            "start": {"line": line, "character": 0},
                            "end": {"line": line, "character": _utf16(old)},
                        },
                        "text": new,
                    }
                ],
            },
        )

    def wait_diagnostics(
        self,
        uri: str,
        version: int | None = None,
        timeout: float = 30.0,
        where: Callable[[dict[str, Any]], bool] | None = None,
    ) -> dict[str, Any]:
        """The first diagnostics published for ``uri`` (at ``version`` when given, and for which
        ``where(params)`` holds when given)."""
        deadline = time.monotonic() + timeout
        with self._diag_event:
            while True:
                for params in self.diagnostics.get(uri, []):
                    if version is not None and params.get("version") != version:
                        continue
                    if where is None or where(params):
                        return params
                left = deadline - time.monotonic()
                if left <= 0 or self.process.poll() is not None:
                    raise TimeoutError(f"no diagnostics for {uri} version {version}")
                self._diag_event.wait(left)

    def stop(self) -> int | None:
        """shutdown + exit; returns the server's exit code."""
        if self.process.poll() is None:
            try:
                self.request("shutdown", timeout=10)
                self.notify("exit")
            except (OSError, TimeoutError, ServerError, ValueError):
                pass
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()
        return self.process.returncode


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2
