"""A small Microsoft Graph client for synchronization schemas and bulkUpload.

Contract:
- ``GraphClient`` speaks HTTP through a synchronous ``httpx.Client`` rooted at the settings' base
  URL. Every request passes the sliding-window limiter, carries a bearer token from the
  ``TokenProvider`` and is retried on 429, 500, 502, 503, 504 and connection errors, with
  exponential backoff (``RetryPolicy``) or the server's ``Retry-After`` seconds, up to
  ``max_attempts`` attempts in all.
- Methods return data: a ``Reply`` (or the parsed schema) on success, a ``GraphError`` with a
  user-facing, redacted message otherwise. Nothing here prints; retries are announced through the
  optional ``on_retry`` callback. Exceptions escaping this module are bugs.
- The schema is replaced with a raw ``PUT`` (the endpoint does not accept PATCH).
"""

from __future__ import annotations

import enum
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from syncrules import __version__
from syncrules.graph.auth import AuthFailure, Redactor, TokenProvider
from syncrules.graph.config import ENV_JOB, ENV_SERVICE_PRINCIPAL, GraphSettings
from syncrules.graph.limiter import SlidingWindowLimiter

if TYPE_CHECKING:  # httpx is imported when a client is made: other commands start faster
    import httpx

SCIM_CONTENT_TYPE = "application/scim+json"
TRANSIENT_STATUSES = frozenset({429, 500, 502, 503, 504})
TOKEN_REJECTED = "the access token was rejected (expired or wrong tenant?)"
#: Page caps of the listings: Graph's pages hold up to 999 service principals (``$top=999``).
JOB_PAGES = 100
SERVICE_PRINCIPAL_PAGES = 1000


class Operation(enum.Enum):
    """What a request does; decides which permission a 403 names."""

    READ_SCHEMA = "read the synchronization schema"
    WRITE_SCHEMA = "replace the synchronization schema"
    BULK_UPLOAD = "upload users (bulkUpload)"
    READ_SECRETS = "read the synchronization secrets"
    WRITE_SECRETS = "set the synchronization secrets (the deletion threshold)"
    LIST_JOBS = "list the synchronization jobs"
    LIST_SERVICE_PRINCIPALS = "list the service principals of the tenant"


_PERMISSIONS = {
    Operation.READ_SCHEMA: "Synchronization.ReadWrite.All (or Application.ReadWrite.OwnedBy)",
    Operation.WRITE_SCHEMA: "Synchronization.ReadWrite.All (or Application.ReadWrite.OwnedBy)",
    Operation.READ_SECRETS: "Synchronization.ReadWrite.All (or Application.ReadWrite.OwnedBy)",
    Operation.WRITE_SECRETS: "Synchronization.ReadWrite.All (or Application.ReadWrite.OwnedBy)",
    Operation.LIST_JOBS: "Synchronization.Read.All (or Synchronization.ReadWrite.All)",
    Operation.LIST_SERVICE_PRINCIPALS: "Application.Read.All (or Directory.Read.All)",
    Operation.BULK_UPLOAD: (
        "SynchronizationData-User.Upload (SynchronizationData-User.Upload.OwnedBy for apps that "
        "own the service principal)"
    ),
}


@dataclass(frozen=True, slots=True, kw_only=True)
class RetryPolicy:
    """Attempts are counted per request; the n-th retry waits ``base_delay * 2**(n-1)``."""

    max_attempts: int = 5
    base_delay: float = 1.0
    max_delay: float = 30.0
    # A longer Retry-After (e.g. the daily quota is used up) is reported instead of waited for.
    max_retry_after: float = 300.0
    # Real seconds one request may take in all, reply included (a server dripping its reply one
    # byte at a time never trips a read timeout); not retried when exceeded.
    request_deadline: float = 120.0
    # The largest reply read (a schema is a few hundred kilobytes); a longer one is an error.
    max_reply_bytes: int = 64 * 1024 * 1024

    def backoff(self, attempt: int) -> float:
        """Delay after the failed attempt number ``attempt`` (1-based)."""
        return float(min(self.max_delay, self.base_delay * 2 ** (attempt - 1)))


@dataclass(frozen=True, slots=True)
class Reply:
    """A successful response: status, ``Location`` header, parsed JSON body (or None)."""

    status: int
    location: str | None
    body: Any
    attempts: int


@dataclass(frozen=True, slots=True)
class GraphError:
    """A failed request. ``fatal`` means later requests would fail the same way (401/403/404)."""

    status: int | None
    message: str
    attempts: int
    fatal: bool = False
    missing_dependency: bool = False


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header; None when absent or not a number of seconds."""
    if value is None:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None
    return seconds if seconds >= 0 else None


def _graph_detail(response: httpx.Response) -> str:
    """The ``error.code: error.message`` of a Graph error body, else a short text excerpt."""
    try:
        body = response.json()
    except (ValueError, UnicodeDecodeError):
        # never echoed: a page from a proxy or a hostile server may hold anything
        return _not_graph_json(response)
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        error = body["error"]
        code = str(error.get("code") or "").strip()
        message = str(error.get("message") or "").strip()
        return ": ".join(part for part in (code, message) if part)
    return ""


class _ReplyProblem(Exception):
    """The reply did not come within the deadline, or was too long (the message says which)."""


def _bounded_request(
    http: httpx.Client,
    method: str,
    path: str,
    body: bytes | None,
    headers: dict[str, str],
    deadline: float,
    max_bytes: int,
) -> httpx.Response:
    """One request, its reply read whole, within ``deadline`` real seconds and ``max_bytes``.

    The request runs in a worker thread so that a server sending its headers or body a byte at
    a time cannot hold the command: past the deadline the worker is abandoned (it stops at the
    next byte it receives) and ``_ReplyProblem`` is raised. Transport errors are re-raised.
    """
    import threading

    import httpx

    outcome: dict[str, Any] = {}
    cancelled = threading.Event()
    # only the codings _decoded reads (httpx would offer br or zstd when their packages exist)
    headers = {**headers, "Accept-Encoding": "gzip, deflate"}

    def work() -> None:
        try:
            with http.stream(method, path, content=body, headers=headers) as streamed:
                chunks: list[bytes] = []
                size = 0
                for chunk in streamed.iter_raw():
                    if cancelled.is_set():
                        return
                    size += len(chunk)
                    if size > max_bytes:
                        outcome["problem"] = (
                            f"Graph's reply was longer than {max_bytes} bytes; it was not read"
                        )
                        return
                    chunks.append(chunk)
                outcome["response"] = httpx.Response(
                    streamed.status_code,
                    headers=[(k, v) for k, v in streamed.headers.multi_items()
                             if k.lower() not in ("content-encoding", "transfer-encoding")],
                    content=_decoded(streamed, b"".join(chunks), max_bytes),
                    request=streamed.request,
                    extensions=streamed.extensions,
                )
        except Exception as exc:  # handed to the caller's thread
            outcome["error"] = exc

    worker = threading.Thread(target=work, name="syncrules-graph-request", daemon=True)
    worker.start()
    worker.join(deadline)
    if worker.is_alive():
        cancelled.set()
        raise _ReplyProblem(
            f"no complete reply within {deadline:g} s (the server is too slow, or sends its "
            "reply a little at a time); the request was abandoned"
        )
    if "error" in outcome:
        error = outcome["error"]
        if isinstance(error, _ReplyProblem):
            raise error
        raise error
    if "problem" in outcome:
        raise _ReplyProblem(outcome["problem"])
    response: httpx.Response = outcome["response"]
    return response


def _decoded(streamed: httpx.Response, raw: bytes, max_bytes: int) -> bytes:
    """The body without its content coding (gzip, deflate, ...), at most ``max_bytes``."""
    coding = streamed.headers.get("content-encoding", "").strip().lower()
    if coding in ("", "identity"):
        return raw
    import zlib

    if coding not in ("gzip", "deflate", "x-gzip"):
        raise _ReplyProblem(
            f"Graph's reply has a content coding syncrules cannot read ({coding[:40]!r})"
        )
    decoder = zlib.decompressobj(16 + zlib.MAX_WBITS if "gzip" in coding else zlib.MAX_WBITS)
    try:
        data = decoder.decompress(raw, max_bytes + 1)
    except zlib.error:
        raise _ReplyProblem("Graph's compressed reply could not be read") from None
    if len(data) > max_bytes:
        raise _ReplyProblem(f"Graph's reply was longer than {max_bytes} bytes once decompressed")
    return data


def _not_graph_json(response: httpx.Response) -> str:
    """What a body that is not Graph JSON is, without its content."""
    kind = response.headers.get("content-type", "").split(";")[0].strip() or "no content type"
    size = len(response.content)
    return f"a reply that is not Graph JSON ({kind[:60]!r}, {size} bytes; not shown)"


def _unreadable_success(response: httpx.Response) -> str | None:
    """Why a 2xx reply cannot be Graph's own (an HTML page, a truncated or non-JSON body)."""
    if not response.content:
        return None
    try:
        json.loads(response.content)
    except (ValueError, UnicodeDecodeError):
        return (
            f"Graph's {response.status_code} reply could not be read: "
            f"{_not_graph_json(response)}; a proxy, a sign-in page or a cut connection?"
        )
    return None


class GraphClient:
    """Schema and bulkUpload calls for one synchronization job."""

    def __init__(
        self,
        settings: GraphSettings,
        tokens: TokenProvider,
        redactor: Redactor,
        *,
        policy: RetryPolicy | None = None,
        limiter: SlidingWindowLimiter | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        on_retry: Callable[[str], None] | None = None,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 60.0,
    ) -> None:
        self.settings = settings
        self._tokens = tokens
        self._redact = redactor
        self.policy = policy or RetryPolicy()
        self._limiter = limiter or SlidingWindowLimiter(clock=clock, sleep=sleep)
        self._sleep = sleep
        self._on_retry = on_retry
        import httpx

        self._transport_error = httpx.TransportError
        self._http = httpx.Client(
            base_url=settings.url,
            transport=transport,
            timeout=timeout,
            follow_redirects=False,
            headers={"User-Agent": f"syncrules/{__version__}", "Accept": "application/json"},
        )

    # ---- lifecycle -------------------------------------------------------------------------

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> GraphClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- operations ------------------------------------------------------------------------

    @property
    def schema_path(self) -> str:
        return f"{self.settings.job_path}/schema"

    def get_schema(self) -> dict[str, Any] | GraphError:
        """GET the job's synchronizationSchema."""
        reply = self._send("GET", self.schema_path, Operation.READ_SCHEMA)
        if isinstance(reply, GraphError):
            return reply
        if not isinstance(reply.body, dict):
            return GraphError(reply.status, "Graph returned a schema that is not a JSON object", 1)
        return reply.body

    def put_schema(self, schema: dict[str, Any]) -> Reply | GraphError:
        """Replace the whole schema (raw PUT; Graph answers 204)."""
        body = json.dumps(
            schema, ensure_ascii=False, separators=(",", ":"), allow_nan=False
        ).encode("utf-8")
        return self._send(
            "PUT",
            self.schema_path,
            Operation.WRITE_SCHEMA,
            body=body,
            content_type="application/json",
        )

    @property
    def secrets_path(self) -> str:
        """``/servicePrincipals/{id}/synchronization/secrets`` (the job's secrets live on its
        service principal's synchronization)."""
        return self.settings.job_path.rsplit("/jobs/", 1)[0] + "/secrets"

    def get_secrets(self) -> Reply | GraphError:
        """GET the synchronization secrets (values may be masked)."""
        return self._send("GET", self.secrets_path, Operation.READ_SECRETS)

    def put_secrets(self, body: dict[str, Any]) -> Reply | GraphError:
        """PUT ``{"value": [{"key", "value"}]}`` (see ``graph/secrets.py`` for what is sent)."""
        data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        return self._send(
            "PUT",
            self.secrets_path,
            Operation.WRITE_SECRETS,
            body=data,
            content_type="application/json",
        )

    def list_jobs(self) -> list[dict[str, Any]] | GraphError:
        """GET the service principal's synchronization jobs (``value``), following nextLink."""
        from urllib.parse import quote

        sp = quote(self.settings.service_principal, safe="")
        return self._list(
            f"/servicePrincipals/{sp}/synchronization/jobs", Operation.LIST_JOBS, "job", JOB_PAGES
        )

    def list_service_principals(self) -> list[dict[str, Any]] | GraphError:
        """GET the tenant's service principals (``id``, ``appId``, ``displayName``), 999 a page,
        following nextLink."""
        return self._list(
            "/servicePrincipals?$select=id,appId,displayName&$top=999",
            Operation.LIST_SERVICE_PRINCIPALS,
            "service principal",
            SERVICE_PRINCIPAL_PAGES,
        )

    def _list(
        self, path: str, operation: Operation, what: str, max_pages: int
    ) -> list[dict[str, Any]] | GraphError:
        """The objects of a Graph collection, page after page (``@odata.nextLink``).

        A next link is followed only below the settings' base URL (the token goes there); one
        elsewhere, or more than ``max_pages`` pages, is an error rather than a silently short list.
        """
        items: list[dict[str, Any]] = []
        next_path: str | None = path
        pages = 0
        while next_path is not None:
            if pages == max_pages:
                return GraphError(
                    None,
                    f"Graph's {what} list has more than {max_pages} pages; stopped there "
                    "(a loop of next links?)",
                    pages,
                    fatal=True,
                )
            pages += 1
            reply = self._send("GET", next_path, operation)
            if isinstance(reply, GraphError):
                return reply
            body = reply.body
            value = body.get("value") if isinstance(body, dict) else None
            if not isinstance(body, dict) or not isinstance(value, list):
                return GraphError(
                    reply.status,
                    f"Graph returned a {what} list that is not a JSON object with a 'value' "
                    f"array (page {pages})",
                    reply.attempts,
                    fatal=True,
                )
            items.extend(item for item in value if isinstance(item, dict))
            link = body.get("@odata.nextLink")
            next_path = None
            if link is None:
                break
            if not isinstance(link, str) or not link.startswith(self.settings.url + "/"):
                return GraphError(
                    reply.status,
                    self._redact(
                        f"Graph's next page of the {what} list is not below {self.settings.url} "
                        f"({str(link)[:200]!r}); it was not followed"
                    ),
                    reply.attempts,
                    fatal=True,
                )
            next_path = link[len(self.settings.url) :]
        return items

    def bulk_upload(self, payload: dict[str, Any]) -> Reply | GraphError:
        """POST one SCIM BulkRequest; Graph answers 202 with a provisioning-logs ``Location``."""
        body = json.dumps(
            payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False
        ).encode("utf-8")
        return self._send(
            "POST",
            f"{self.settings.job_path}/bulkUpload",
            Operation.BULK_UPLOAD,
            body=body,
            content_type=SCIM_CONTENT_TYPE,
        )

    # ---- transport -------------------------------------------------------------------------

    def _send(
        self,
        method: str,
        path: str,
        operation: Operation,
        *,
        body: bytes | None = None,
        content_type: str | None = None,
    ) -> Reply | GraphError:
        max_attempts = max(1, self.policy.max_attempts)
        attempt = 0
        while True:
            attempt += 1
            token = self._tokens.get()
            if isinstance(token, AuthFailure):
                return GraphError(
                    None,
                    token.message,
                    attempt - 1,
                    fatal=True,
                    missing_dependency=token.missing_dependency,
                )
            self._redact.add(token)
            headers = {"Authorization": f"Bearer {token}"}
            if content_type is not None:
                headers["Content-Type"] = content_type
            self._limiter.acquire()
            try:
                response = _bounded_request(
                    self._http, method, path, body, headers,
                    self.policy.request_deadline, self.policy.max_reply_bytes,
                )
            except _ReplyProblem as exc:
                return GraphError(None, self._redact(str(exc)), attempt, fatal=True)
            except self._transport_error as exc:
                problem = f"could not reach {self.settings.url} ({type(exc).__name__}: {exc})"
                if attempt < max_attempts:
                    self._wait(self.policy.backoff(attempt), problem, attempt, max_attempts)
                    continue
                return GraphError(
                    None, self._redact(f"{problem} after {attempt} attempts"), attempt
                )
            status = response.status_code
            if 200 <= status < 300:
                unreadable = _unreadable_success(response)
                if unreadable is not None:
                    return GraphError(status, self._redact(unreadable), attempt, fatal=True)
                return Reply(
                    status, response.headers.get("location"), self._json(response), attempt
                )
            if status in TRANSIENT_STATUSES and attempt < max_attempts:
                delay = self.policy.backoff(attempt)
                if status == 429:
                    retry_after = parse_retry_after(response.headers.get("retry-after"))
                    if retry_after is not None:
                        if retry_after > self.policy.max_retry_after:
                            return GraphError(
                                status,
                                f"throttled (429): Graph asks to wait {retry_after:g} s, "
                                f"longer than "
                                f"{self.policy.max_retry_after:g} s (is the daily quota used up?)",
                                attempt,
                                fatal=True,
                            )
                        delay = retry_after
                self._wait(delay, f"{status} {response.reason_phrase}", attempt, max_attempts)
                continue
            return self._error(response, operation, attempt)

    def _wait(self, delay: float, problem: str, attempt: int, max_attempts: int) -> None:
        if self._on_retry is not None:
            self._on_retry(
                self._redact(
                    f"{problem}; retrying in {delay:g} s (attempt {attempt + 1} of {max_attempts})"
                )
            )
        self._sleep(delay)

    @staticmethod
    def _json(response: httpx.Response) -> Any:
        if not response.content:
            return None
        try:
            return response.json()
        except (ValueError, UnicodeDecodeError):
            return None

    def _error(self, response: httpx.Response, operation: Operation, attempts: int) -> GraphError:
        status = response.status_code
        detail = _graph_detail(response)
        suffix = f" [{detail}]" if detail else ""
        fatal = False
        if status == 401:
            message = TOKEN_REJECTED + suffix
            fatal = True
        elif status == 403:
            message = (
                f"permission denied: to {operation.value} the app needs the "
                f"{_PERMISSIONS[operation]} permission with admin consent{suffix}"
            )
            fatal = True
        elif status == 404 and operation is Operation.LIST_SERVICE_PRINCIPALS:
            message = f"not found: {self.settings.url}/servicePrincipals (is the Graph URL right?)"
            message += suffix
            fatal = True
        elif status == 404 and operation is Operation.LIST_JOBS:
            message = f"not found: no service principal '{self.settings.service_principal}'"
            message += f" (or it has no synchronization){suffix}"
            fatal = True
        elif status == 404:
            message = (
                f"not found: no synchronization job '{self.settings.job}' on service principal "
                f"'{self.settings.service_principal}' (check --service-principal/--job, "
                f"{ENV_SERVICE_PRINCIPAL}/{ENV_JOB} or the graph block){suffix}"
            )
            fatal = True
        elif status in TRANSIENT_STATUSES:
            message = (
                f"Graph answered {status} {response.reason_phrase} "
                f"after {attempts} attempts{suffix}"
            )
            if status == 500 and operation is Operation.BULK_UPLOAD:
                message += (
                    "; a full ingestion bucket means the job is paused, stopped or in quarantine, "
                    "or requests come too fast"
                )
        else:
            message = f"Graph rejected the request: {status} {response.reason_phrase}{suffix}"
        return GraphError(status, self._redact(message), attempts, fatal=fatal)
