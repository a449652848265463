"""A fake Microsoft Graph on loopback: a real HTTP server for the graph command tests.

Contract: ``FakeGraph`` serves, under ``<url> = http://127.0.0.1:<port>/v1.0``, the documented
behaviour of the endpoints syncrules uses (docs/entra-provisioning.md §4.3, §5):

- every request needs ``Authorization: Bearer <token>``, else 401 ``InvalidAuthenticationToken``;
- ``GET .../servicePrincipals/{sp}/synchronization/jobs/{job}/schema`` -> 200 + the schema;
  ``PUT`` the same path replaces the whole schema -> 204; ``PATCH`` -> 404 (as the real API);
  an unknown service principal or job -> 404;
- ``POST .../jobs/{job}/bulkUpload``: 400 without ``Content-Type: application/scim+json``, for a
  body that is not a BulkRequest (root ``schemas``), for more than 50 operations or a malformed
  operation; else 202 with ``Location: <url>/auditLogs/provisioning?$filter=jobid eq '<job>'``;
- scripted failures (``fail``): the next N calls of an operation answer a given status (429 with
  ``Retry-After``, 500, 503, 403, ...);
- hostile replies (``misbehave``), for the next N requests of a method: ``drip`` (a 200 whose
  body comes one byte every ``interval`` seconds, until the server stops), ``html`` (a 200 HTML
  page), ``truncated`` (a 200 JSON body cut short, its Content-Length honest), ``cut`` (the
  connection closed half-way through the announced body), ``redirect`` (302 to ``/elsewhere``),
  ``echo`` (a 400 Graph error, or for ``GET`` a schema, holding ``transform(token)``),
  ``apply-then-fail`` (the request is served, then answered 500), ``huge`` (a 200 body of
  ``size`` bytes).
- ``GET .../servicePrincipals/{sp}/synchronization/jobs`` -> the principal's jobs (``value``);
  ``GET``/``PUT .../synchronization/secrets``: the PUT merges the keys it is given (the merge or
  replace semantics of the real API are unverified; syncrules sends one key either way), the GET
  answers the stored keys, their values masked as ``*****`` unless ``readable_secrets``;
- more than one token may be valid (``tokens``): a refreshed token is accepted too;
- ``GET .../servicePrincipals`` -> the tenant's service principals: those added with
  ``add_principal`` (in that order, not sorted) and then those that only have jobs (display name
  ``app <first 8 characters of the id>``). ``$select`` picks the properties, ``$top`` the page
  size (at most ``page_size``, 999 as Graph's maximum; 100 without it), and a page that is not
  the last carries ``@odata.nextLink`` with a ``$skiptoken`` (below ``next_link_base``, default
  the server's URL). A principal added with ``jobs_status`` answers that status (403, 404, ...)
  to the list of its jobs; one added without jobs answers an empty list. ``fail("servicePrincipals",
  ...)`` scripts failures of the listing.

Hostile replies can be aimed at one route: ``misbehave(kind, path="...")`` takes the next request
whose path (query included) holds that text.

Every request is recorded (method, path with query, headers without Authorization, body).
"""

from __future__ import annotations

import copy
import json
import re
import threading
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

BULK_REQUEST_URN = "urn:ietf:params:scim:api:messages:2.0:BulkRequest"
_JOB_ROUTE = re.compile(
    r"^/servicePrincipals/(?P<sp>[^/]+)/synchronization/jobs/(?P<job>[^/]+)/(?P<op>schema|bulkUpload)$"
)
# GET/PUT .../synchronization/secrets and GET .../synchronization/jobs (the list)
_SP_ROUTE = re.compile(r"^/servicePrincipals/(?P<sp>[^/]+)/synchronization/(?P<op>secrets|jobs)$")
_PRINCIPAL_FIELDS = ("id", "appId", "displayName", "servicePrincipalType")


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str
    headers: dict[str, str]  # lower-case names, Authorization removed
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass(frozen=True)
class Misbehaviour:
    kind: str
    method: str | None = None
    interval: float = 0.5
    transform: Any = None  # token -> text, for "echo"
    size: int = 0
    path: str | None = None  # only a request whose path (with its query) holds this text


@dataclass(frozen=True)
class Failure:
    status: int
    retry_after: str | None = None
    method: str | None = None  # None: any method


class FakeGraph:
    """The server and its state; use ``start()``/``stop()`` (the pytest fixture does)."""

    def __init__(self, token: str, base_path: str = "/v1.0") -> None:
        self.token = token
        self.tokens: set[str] = {token}
        self.secrets: dict[str, dict[str, str]] = {}  # service principal -> key -> value
        self.readable_secrets = False
        self.base_path = base_path
        self.schemas: dict[tuple[str, str], dict[str, Any]] = {}
        self.requests: list[Recorded] = []
        self._failures: dict[str, deque[Failure]] = {
            "schema": deque(),
            "bulkUpload": deque(),
            "secrets": deque(),
            "jobs": deque(),
            "servicePrincipals": deque(),
        }
        self.principals: dict[str, dict[str, Any]] = {}  # id -> its properties
        self.jobs_status: dict[str, int] = {}  # id -> the status its job list answers
        self.page_size = 999
        self.next_link_base: str | None = None
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._misbehaviours: deque[Misbehaviour] = deque()
        self.stopping = threading.Event()

    # ---- control ---------------------------------------------------------------------------

    def start(self) -> FakeGraph:
        handler = type("Handler", (_Handler,), {"fake": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving (idempotent); the port is closed afterwards."""
        self.stopping.set()
        if self._thread is not None and self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
            self._thread = None

    @property
    def origin(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def url(self) -> str:
        return self.origin + self.base_path

    def add_job(self, service_principal: str, job: str, schema: dict[str, Any]) -> None:
        with self._lock:
            self.schemas[(service_principal, job)] = copy.deepcopy(schema)

    def add_principal(
        self,
        service_principal: str,
        display_name: str | None,
        *,
        app_id: str | None = None,
        jobs_status: int | None = None,
    ) -> None:
        """A service principal of the tenant (``display_name`` None: the property is absent)."""
        with self._lock:
            item: dict[str, Any] = {
                "id": service_principal,
                "appId": app_id or f"app-{service_principal}",
                "servicePrincipalType": "Application",
            }
            if display_name is not None:
                item["displayName"] = display_name
            self.principals[service_principal] = item
            if jobs_status is not None:
                self.jobs_status[service_principal] = jobs_status

    def schema(self, service_principal: str, job: str) -> dict[str, Any]:
        with self._lock:
            return copy.deepcopy(self.schemas[(service_principal, job)])

    def fail(
        self,
        operation: str,
        status: int,
        times: int = 1,
        retry_after: str | None = None,
        method: str | None = None,
    ) -> None:
        """The next ``times`` calls of ``operation`` ("schema"/"bulkUpload") answer ``status``."""
        with self._lock:
            failure = Failure(status, retry_after, method)
            self._failures[operation].extend(failure for _ in range(times))

    def misbehave(self, kind: str, times: int = 1, **params: Any) -> None:
        """The next ``times`` requests (of ``method``, if given) get a hostile reply (``kind``)."""
        with self._lock:
            self._misbehaviours.extend(Misbehaviour(kind, **params) for _ in range(times))

    def take_misbehaviour(self, method: str, path: str = "") -> Misbehaviour | None:
        with self._lock:
            found = next(
                (
                    m
                    for m in self._misbehaviours
                    if m.method in (None, method) and (m.path is None or m.path in unquote(path))
                ),
                None,
            )
            if found is not None:
                self._misbehaviours.remove(found)
            return found

    def calls(self, method: str | None = None, suffix: str = "") -> list[Recorded]:
        with self._lock:
            return [
                r
                for r in self.requests
                if (method is None or r.method == method) and urlsplit(r.path).path.endswith(suffix)
            ]

    # ---- request handling (called from server threads) -------------------------------------

    def handle(
        self, method: str, raw_path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        with self._lock:
            visible = {k: v for k, v in headers.items() if k != "authorization"}
            self.requests.append(Recorded(method, raw_path, visible, body))
            path = urlsplit(raw_path).path
            if not path.startswith(self.base_path + "/"):
                return _error(
                    404, "ResourceNotFound", f"Resource not found for the segment '{path}'."
                )
            if headers.get("authorization") not in {f"Bearer {t}" for t in self.tokens}:
                return _error(401, "InvalidAuthenticationToken", "Access token validation failure.")
            if path[len(self.base_path) :] == "/servicePrincipals":
                return self._principals(method, raw_path)
            sp_route = _SP_ROUTE.match(path[len(self.base_path) :])
            if sp_route is not None:
                return self._principal(method, unquote(sp_route["sp"]), sp_route["op"], body)
            route = _JOB_ROUTE.match(path[len(self.base_path) :])
            if route is None:
                return _error(404, "ResourceNotFound", "Resource not found.")
            key = (unquote(route["sp"]), unquote(route["job"]))
            operation = route["op"]
            queue = self._failures[operation]
            failure = next((f for f in queue if f.method in (None, method)), None)
            if failure is not None:
                queue.remove(failure)
                status, extra, payload = _error(failure.status, "Scripted", "scripted failure")
                if failure.retry_after is not None:
                    extra["Retry-After"] = failure.retry_after
                return status, extra, payload
            if key not in self.schemas:
                return _error(404, "ResourceNotFound", "The synchronization job was not found.")
            if operation == "schema":
                return self._schema(method, key, headers, body)
            return self._bulk_upload(method, key, headers, body)

    def _principal(
        self, method: str, sp: str, operation: str, body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        queue = self._failures[operation]
        failure = next((f for f in queue if f.method in (None, method)), None)
        if failure is not None:
            queue.remove(failure)
            return _error(failure.status, "Scripted", "scripted failure")
        if sp not in self.principals and not any(known == sp for known, _ in self.schemas):
            return _error(404, "ResourceNotFound", "The service principal was not found.")
        ok = {"Content-Type": "application/json"}
        if operation == "jobs":
            if method != "GET":
                return _error(405, "MethodNotAllowed", f"{method} is not supported.")
            if sp in self.jobs_status:
                status = self.jobs_status[sp]
                code = "Authorization_RequestDenied" if status == 403 else "ResourceNotFound"
                return _error(status, code, f"scripted {status} for the jobs of {sp}")
            jobs = [
                {"id": job, "templateId": job.split(".")[0]} for s, job in self.schemas if s == sp
            ]
            return 200, ok, json.dumps({"value": sorted(jobs, key=lambda j: j["id"])}).encode()
        stored = self.secrets.setdefault(sp, {})
        if method == "GET":
            items = [
                {"key": k, "value": v if self.readable_secrets else "*****"}
                for k, v in sorted(stored.items())
            ]
            return 200, ok, json.dumps({"value": items}).encode()
        if method == "PUT":
            try:
                payload = json.loads(body)
                pairs = payload["value"]
                assert isinstance(pairs, list)
                for pair in pairs:
                    assert isinstance(pair["key"], str) and isinstance(pair["value"], str)
            except (ValueError, KeyError, TypeError, AssertionError):
                return _error(400, "BadRequest", "Expected {value: [{key, value}]}.")
            for pair in pairs:
                stored[pair["key"]] = pair["value"]
            return 204, {}, b""
        return _error(405, "MethodNotAllowed", f"{method} is not supported.")

    def _principals(self, method: str, raw_path: str) -> tuple[int, dict[str, str], bytes]:
        """``GET /servicePrincipals``: ``$select``, ``$top``, ``$skiptoken`` (see the contract)."""
        queue = self._failures["servicePrincipals"]
        failure = next((f for f in queue if f.method in (None, method)), None)
        if failure is not None:
            queue.remove(failure)
            return _error(failure.status, "Scripted", "scripted failure")
        if method != "GET":
            return _error(405, "MethodNotAllowed", f"{method} is not supported.")
        query = parse_qs(urlsplit(raw_path).query)
        everyone = [dict(p) for p in self.principals.values()]
        listed = set(self.principals)
        for sp, _ in self.schemas:
            if sp not in listed:
                listed.add(sp)
                everyone.append({"id": sp, "appId": f"app-{sp}", "displayName": f"app {sp[:8]}"})
        select = query.get("$select", [",".join(_PRINCIPAL_FIELDS)])[0].split(",")
        top = min(int(query.get("$top", ["100"])[0]), self.page_size, 999)
        start = int(query.get("$skiptoken", ["skip-0"])[0].removeprefix("skip-"))
        page = [{k: v for k, v in p.items() if k in select} for p in everyone[start : start + top]]
        body: dict[str, Any] = {"@odata.context": f"{self.url}/$metadata#servicePrincipals"}
        body["value"] = page
        if start + top < len(everyone):
            kept = {k: v[0] for k, v in query.items() if k != "$skiptoken"}
            kept["$skiptoken"] = f"skip-{start + top}"
            base = self.next_link_base or self.url
            body["@odata.nextLink"] = f"{base}/servicePrincipals?" + "&".join(
                f"{k}={v}" for k, v in kept.items()
            )
        return 200, {"Content-Type": "application/json"}, json.dumps(body).encode()

    def _schema(
        self, method: str, key: tuple[str, str], headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        if method == "GET":
            schema = {"@odata.context": f"{self.url}/$metadata#synchronizationSchema"}
            schema.update(self.schemas[key])
            return 200, {"Content-Type": "application/json"}, json.dumps(schema).encode()
        if method == "PUT":
            try:
                new = json.loads(body)
            except ValueError:
                return _error(400, "BadRequest", "The request body is not valid JSON.")
            if not isinstance(new, dict):
                return _error(400, "BadRequest", "A synchronizationSchema object is required.")
            self.schemas[key] = new
            return 204, {}, b""
        if method == "PATCH":
            return _error(404, "ResourceNotFound", "No HTTP resource was found for PATCH.")
        return _error(405, "MethodNotAllowed", f"{method} is not supported.")

    def _bulk_upload(
        self, method: str, key: tuple[str, str], headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        if method != "POST":
            return _error(405, "MethodNotAllowed", "Only POST is supported.")
        content_type = headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type != "application/scim+json":
            return _error(400, "BadRequest", "Invalid Data Format")
        try:
            payload = json.loads(body)
        except ValueError:
            return _error(400, "BadRequest", "Invalid Data Format")
        if not isinstance(payload, dict) or BULK_REQUEST_URN not in (payload.get("schemas") or []):
            return _error(400, "BadRequest", "The root schemas must be the BulkRequest URN.")
        operations = payload.get("Operations")
        if not isinstance(operations, list) or not operations:
            return _error(400, "BadRequest", "Operations are required.")
        if len(operations) > 50:
            return _error(400, "BadRequest", "A request holds at most 50 operations.")
        bulk_ids = set()
        for op in operations:
            if (
                not isinstance(op, dict)
                or op.get("method") != "POST"
                or str(op.get("path", "")).lower() != "/users"
                or not op.get("bulkId")
                or op["bulkId"] in bulk_ids
                or not isinstance(op.get("data"), dict)
            ):
                return _error(
                    400,
                    "BadRequest",
                    "Each operation needs POST, /Users, a unique bulkId and data.",
                )
            bulk_ids.add(op["bulkId"])
        location = f"{self.url}/auditLogs/provisioning?$filter=jobid eq '{key[1]}'"
        return 202, {"Location": location}, b""


def _error(status: int, code: str, message: str) -> tuple[int, dict[str, str], bytes]:
    body = json.dumps({"error": {"code": code, "message": message}}).encode()
    return status, {"Content-Type": "application/json"}, body


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # headers and body go out in two writes: without TCP_NODELAY each reply waits for the
    # client's delayed ACK (about 40 ms), which the per-principal listing multiplies
    disable_nagle_algorithm = True
    fake: FakeGraph

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        hostile = self.fake.take_misbehaviour(self.command, self.path)
        if hostile is not None:
            self._hostile(hostile, headers, body)
            return
        status, extra, payload = self.fake.handle(self.command, self.path, headers, body)
        self._reply(status, extra, payload)

    def _hostile(self, m: Misbehaviour, headers: dict[str, str], body: bytes) -> None:
        fake = self.fake
        with fake._lock:
            visible = {k: v for k, v in headers.items() if k != "authorization"}
            fake.requests.append(Recorded(self.command, self.path, visible, body))
        token = headers.get("authorization", "").removeprefix("Bearer ")
        json_type = {"Content-Type": "application/json"}
        if m.kind == "drip":
            payload = json.dumps({"id": "API2AAD", "padding": "x" * 64}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            for byte in payload:
                if fake.stopping.wait(m.interval):
                    break
                try:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                except OSError:
                    break
            self.close_connection = True
        elif m.kind == "html":
            page = b"<!DOCTYPE html><html><body>Sign in to continue</body></html>"
            self._reply(200, {"Content-Type": "text/html; charset=utf-8"}, page)
        elif m.kind == "truncated":
            self._reply(200, json_type, b'{"id": "API2AAD", "synchronizationRules": [{"na')
        elif m.kind == "cut":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.wfile.write(b'{"id": "API2')
            self.wfile.flush()
            self.close_connection = True
        elif m.kind == "redirect":
            self._reply(302, {"Location": f"{fake.origin}/elsewhere"}, b"")
        elif m.kind == "echo":
            echoed = m.transform(token)
            if self.command == "GET":
                schema = {"id": "API2AAD", "echo": echoed}
                self._reply(200, json_type, json.dumps(schema).encode())
            else:
                self._reply(*_error(400, "BadRequest", f"invalid token {echoed}"))
        elif m.kind == "apply-then-fail":
            fake.handle(self.command, self.path, headers, body)
            self._reply(*_error(500, "InternalServerError", "failed after applying"))
        elif m.kind == "huge":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(m.size))
            self.end_headers()
            block = b" " * 65536
            sent = 0
            try:
                while sent < m.size and not fake.stopping.is_set():
                    piece = block[: m.size - sent]
                    self.wfile.write(piece)
                    sent += len(piece)
            except OSError:
                pass
            self.close_connection = True
        else:  # pragma: no cover - a test asked for a kind that does not exist
            raise ValueError(m.kind)

    def _reply(self, status: int, extra: dict[str, str], payload: bytes) -> None:
        self.send_response(status)
        for name, value in extra.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if payload:
            self.wfile.write(payload)

    do_GET = do_PUT = do_POST = do_PATCH = do_DELETE = _serve

    def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
        return
