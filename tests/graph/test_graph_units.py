"""Unit tests: limiter, settings precedence, token providers, redaction, upload reading."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from fake_graph import FakeGraph
from graph_support import JOB, SP, TOKEN, FakeTime, users

from syncrules.graph.auth import AuthFailure, AzureIdentityToken, Redactor, token_provider_from_env
from syncrules.graph.client import GraphClient, GraphError, RetryPolicy, parse_retry_after
from syncrules.graph.config import DEFAULT_GRAPH_URL, ConfigProblem, GraphSettings, resolve_settings
from syncrules.graph.limiter import SlidingWindowLimiter
from syncrules.graph.upload import MAX_OPERATIONS, build_payload, make_batches, read_users
from syncrules.ir.nodes import GraphConfig


def test_limiter_allows_40_calls_per_5_seconds() -> None:
    t = FakeTime()
    limiter = SlidingWindowLimiter(clock=t.clock, sleep=t.sleep)
    for _ in range(40):
        assert limiter.acquire() == 0.0
    assert limiter.acquire() == 5.0
    assert t.sleeps == [5.0]
    t.now += 2.5
    for _ in range(39):
        limiter.acquire()
    # 40 calls in the window that started at the 41st call: wait for it to slide
    assert limiter.acquire() == pytest.approx(2.5)


def test_limiter_window_slides_with_time() -> None:
    t = FakeTime()
    limiter = SlidingWindowLimiter(2, 1.0, clock=t.clock, sleep=t.sleep)
    limiter.acquire()
    t.now += 0.6
    limiter.acquire()
    assert limiter.acquire() == pytest.approx(0.4)  # the first call leaves the window at t+1.0


def test_settings_precedence() -> None:
    block = GraphConfig(
        service_principal="sp-block", job="job-block", url="https://graph.microsoft.us/v1.0/"
    )
    env = {"PROV_SERVICE_PRINCIPAL_ID": "sp-env", "PROV_GRAPH_URL": "https://env.example/beta"}
    settings = resolve_settings(
        service_principal=None, job=None, graph_url=None, env=env, block=block
    )
    assert settings == GraphSettings(
        service_principal="sp-env", job="job-block", url="https://env.example/beta"
    )
    settings = resolve_settings(
        service_principal="sp-opt", job="job-opt", graph_url=None, env={}, block=block
    )
    assert settings == GraphSettings(
        service_principal="sp-opt", job="job-opt", url="https://graph.microsoft.us/v1.0"
    )
    settings = resolve_settings(service_principal="a", job="b", graph_url=None, env={}, block=None)
    assert isinstance(settings, GraphSettings) and settings.url == DEFAULT_GRAPH_URL
    problem = resolve_settings(service_principal=None, job="b", graph_url=None, env={}, block=None)
    assert isinstance(problem, ConfigProblem) and "--service-principal" in problem.message
    bad = resolve_settings(service_principal="a", job="b", graph_url="ftp://x", env={}, block=None)
    assert isinstance(bad, ConfigProblem)


def test_ids_are_percent_encoded_in_paths() -> None:
    settings = GraphSettings(service_principal="a/b", job="j?x", url="https://g/v1.0")
    assert settings.job_path == "/servicePrincipals/a%2Fb/synchronization/jobs/j%3Fx"


def test_redactor_masks_every_secret() -> None:
    redactor = Redactor(("secret-one",))
    redactor.add("secret-one-longer")
    redactor.add("ab")  # too short to mask safely
    assert redactor("x secret-one-longer y secret-one ab") == "x *** y *** ab"


@dataclass
class _Access:
    token: str
    expires_on: int


class _Credential:
    def __init__(self) -> None:
        self.calls: list[str] = []

    def get_token(self, scope: str) -> _Access:
        self.calls.append(scope)
        return _Access(f"azure-token-{len(self.calls)}", 10_000)


def test_azure_identity_tokens_are_cached_and_redacted() -> None:
    credential = _Credential()
    redactor = Redactor()
    now = [1000.0]
    provider = AzureIdentityToken(
        {"AZURE_CLIENT_SECRET": "client-secret-value"},
        redactor,
        factory=lambda env: credential,
        clock=lambda: now[0],
    )
    assert provider.get() == "azure-token-1"
    assert provider.get() == "azure-token-1"
    now[0] = 9_950.0  # within a minute of expiry: refresh
    assert provider.get() == "azure-token-2"
    assert credential.calls == ["https://graph.microsoft.com/.default"] * 2
    assert redactor("azure-token-1 client-secret-value") == "*** ***"
    assert "azure-token" not in repr(provider)


def test_azure_identity_failures_are_data() -> None:
    class Failing:
        def get_token(self, scope: str) -> _Access:
            raise RuntimeError("AADSTS7000215: Invalid client secret 'client-secret-value'\nmore")

    redactor = Redactor()
    provider = AzureIdentityToken(
        {"AZURE_CLIENT_SECRET": "client-secret-value"}, redactor, factory=lambda env: Failing()
    )
    failure = provider.get()
    assert isinstance(failure, AuthFailure)
    assert "AADSTS7000215" in failure.message and "client-secret-value" not in failure.message

    def missing(env: object) -> object:
        raise ImportError("no azure")

    failure = AzureIdentityToken({}, redactor, factory=missing).get()
    assert isinstance(failure, AuthFailure) and failure.missing_dependency
    assert 'pip install "syncrules[graph]"' in failure.message


def test_static_token_wins_over_azure_identity() -> None:
    redactor = Redactor()
    provider = token_provider_from_env(
        {"PROV_ACCESS_TOKEN": TOKEN}, redactor, factory=lambda env: pytest.fail("not used")
    )
    assert provider.get() == TOKEN
    assert redactor(TOKEN) == "***" and TOKEN not in repr(provider)


def test_parse_retry_after() -> None:
    assert parse_retry_after("1") == 1.0
    assert parse_retry_after(" 2.5 ") == 2.5
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") is None
    assert parse_retry_after(None) is None
    assert parse_retry_after("-3") is None


def test_a_very_long_retry_after_is_reported_not_waited(fake_graph: FakeGraph) -> None:
    fake_graph.fail("bulkUpload", 429, retry_after="86400")
    t = FakeTime()
    redactor = Redactor()
    settings = GraphSettings(service_principal=SP, job=JOB, url=fake_graph.url)
    from syncrules.graph.auth import StaticToken

    with GraphClient(
        settings,
        StaticToken(TOKEN, redactor),
        redactor,
        sleep=t.sleep,
        clock=t.clock,
        policy=RetryPolicy(max_attempts=5),
    ) as client:
        reply = client.bulk_upload(build_payload(make_batches(_records(1))[0].users))
    assert isinstance(reply, GraphError) and reply.status == 429 and reply.fatal
    assert "86400" in reply.message and t.sleeps == []


def test_fake_graph_rejects_bad_bulk_requests(fake_graph: FakeGraph) -> None:
    import httpx

    url = f"{fake_graph.url}/servicePrincipals/{SP}/synchronization/jobs/{JOB}/bulkUpload"
    auth = {"Authorization": f"Bearer {TOKEN}"}
    scim = {**auth, "Content-Type": "application/scim+json"}
    good = build_payload(_records(1))
    assert (
        httpx.post(
            url, content=json.dumps(good), headers={**auth, "Content-Type": "application/json"}
        ).status_code
        == 400
    )
    too_many = {**good, "Operations": good["Operations"] * 51}
    assert httpx.post(url, content=json.dumps(too_many), headers=scim).status_code == 400
    bad_root = {**good, "schemas": ["urn:x"]}
    assert httpx.post(url, content=json.dumps(bad_root), headers=scim).status_code == 400
    ok = httpx.post(url, content=json.dumps(good), headers=scim)
    assert ok.status_code == 202
    assert (
        ok.headers["location"]
        == f"{fake_graph.url}/auditLogs/provisioning?$filter=jobid eq '{JOB}'"
    )
    assert (
        httpx.post(
            url, content=json.dumps(good), headers={"Content-Type": "application/scim+json"}
        ).status_code
        == 401
    )


def _records(count: int) -> list:
    from syncrules.graph.upload import UserRecord

    return [UserRecord(f"f:{i + 1}", u) for i, u in enumerate(users(count))]


def test_batches_and_bulk_ids() -> None:
    records = _records(3)
    records.append(records[0])  # the same externalId twice in one request
    (batch,) = make_batches(records, MAX_OPERATIONS)
    assert [op["bulkId"] for op in batch.payload["Operations"]] == [
        "700000",
        "700001",
        "700002",
        "700000#2",
    ]
    with pytest.raises(ValueError):
        make_batches(records, 51)


def test_read_users_formats(tmp_path: Path) -> None:
    array = tmp_path / "users.json"
    array.write_text(json.dumps([*users(2), 5]), encoding="utf-8")
    result = read_users(array)
    assert [u.data["externalId"] for u in result.users] == ["700000", "700001"]
    assert [(f.origin, f.reason) for f in result.failures] == [
        (f"{array}: [2]", "not a JSON object (a number)")
    ]
    single = tmp_path / "one.json"
    single.write_text(
        json.dumps({"externalId": "9", "urn:contoso:employee": {"HireDate": "x"}}), encoding="utf-8"
    )
    (user,) = read_users(single).users
    # missing schemas are filled in: core, enterprise and the extension used
    assert user.data["schemas"] == [
        "urn:ietf:params:scim:schemas:core:2.0:User",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
        "urn:contoso:employee",
    ]
    numeric = tmp_path / "n.jsonl"
    numeric.write_text('{"externalId": 12}\n', encoding="utf-8")
    (failure,) = read_users(numeric).failures
    assert failure.origin == f"{numeric}:1" and "must be a string" in failure.reason


def test_no_sign_in_is_one_line_with_what_to_do(monkeypatch: pytest.MonkeyPatch) -> None:
    """DefaultAzureCredential's failure was printed whole by azure-identity's own logging (a
    dozen lines, past the redaction) before the one-line error, which said nothing to do."""
    import logging
    import sys
    import types

    from syncrules.graph.auth import default_factory
    from syncrules.graph.clouds import GLOBAL

    # azure-identity is the optional `graph` extra: a stand-in whose credentials accept
    # anything, so the factory runs the same with or without it installed
    class Credential:
        def __init__(self, *args: object, **kwargs: object) -> None:
            self.args = (args, kwargs)

    identity = types.ModuleType("azure.identity")
    identity.__getattr__ = lambda name: Credential  # type: ignore[method-assign]
    package = types.ModuleType("azure")
    package.identity = identity  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "azure", package)
    monkeypatch.setitem(sys.modules, "azure.identity", identity)
    monkeypatch.setattr(logging.getLogger("azure"), "propagate", True)
    monkeypatch.setattr(logging.getLogger("azure"), "handlers", [])

    made = default_factory(GLOBAL.authority)({})  # builds the credential: nothing is fetched yet
    assert isinstance(made, Credential)
    azure = logging.getLogger("azure")
    assert azure.propagate is False
    assert any(isinstance(h, logging.NullHandler) for h in azure.handlers)

    class Unavailable:
        def get_token(self, scope: str) -> object:
            raise RuntimeError(
                "DefaultAzureCredential failed to retrieve a token from the included "
                "credentials.\nAttempted credentials:\n\tEnvironmentCredential: ..."
            )

    failure = AzureIdentityToken({}, Redactor(), factory=lambda env: Unavailable()).get()
    assert isinstance(failure, AuthFailure)
    assert "\n" not in failure.message and "Attempted credentials" not in failure.message
    assert "no sign-in was found: set PROV_ACCESS_TOKEN" in failure.message
    assert "`az login`" in failure.message
