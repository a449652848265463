"""pull, deploy and upload against a hostile loopback Graph: slow drips, echoed tokens in every
form, HTML pages, truncated JSON, 429 storms, redirects, a PUT applied before failing, and
`.prov` files pointing the token elsewhere. Each case ends with a clear message, a documented exit
code, no token in any output or file, and a tenant left as it was or a statement of what may have
changed."""

from __future__ import annotations

import base64
import html
import json
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest
from fake_graph import FakeGraph
from graph_support import JOB, SP, TOKEN, Cli, assert_no_secret, live_schema, users, write_jsonl

from syncrules.graph.redact import WITHHELD, leaks, mask, redact

CONTOSO_PROV = (
    Path(__file__).resolve().parents[2] / "tests/cases/valid/appendix/01_contoso_hr/input.prov"
)


def _prov_with_block(tmp_path: Path, url: str | None) -> Path:
    text = CONTOSO_PROV.read_text(encoding="utf-8")
    url_line = f'    url "{url}"\n' if url is not None else ""
    text += f'\ngraph {{\n    service principal "{SP}"\n    job "{JOB}"\n{url_line}}}\n'
    path = tmp_path / "job.prov"
    path.write_text(text, encoding="utf-8")
    return path


def _assert_no_token_anywhere(result, *roots: Path) -> None:
    """Not the token, nor any encoded form of it."""
    assert_no_secret(result, *roots)
    assert not leaks(result.stdout, [TOKEN]) and not leaks(result.stderr, [TOKEN])
    for root in roots:
        for path in root.rglob("*"):
            if path.is_file():
                assert not leaks(path.read_text(encoding="utf-8", errors="replace"), [TOKEN])


# ---- where the token may go -------------------------------------------------------------------


@pytest.mark.parametrize("command", ["pull", "deploy"])
def test_a_prov_url_that_is_not_graph_gets_no_token(
    cli: Cli, fake_graph: FakeGraph, tmp_path: Path, command: str
) -> None:
    prov = _prov_with_block(tmp_path, fake_graph.url)
    args = ["pull", "--prov", str(prov)]
    if command == "deploy":
        args = ["deploy", str(prov), "--dry-run"]
    result = cli.run(*args, PROV_GRAPH_URL=None, PROV_SERVICE_PRINCIPAL_ID=None, PROV_JOB_ID=None)
    assert result.exit_code == 2, result.stderr
    assert "the url of the .prov graph block is not https" in result.stderr
    assert "--graph-url or PROV_GRAPH_URL" in result.stderr
    assert fake_graph.requests == []


@pytest.mark.parametrize(
    "url, why",
    [
        ("https://graph.microsoft.com.evil.example/v1.0", "does not name a Microsoft Graph host"),
        ("https://evil.example/graph.microsoft.com", "does not name a Microsoft Graph host"),
        ("https://user:pw@graph.microsoft.com/v1.0", "holds a user name or password"),
        ("https://graph.microsoft.com:8443/v1.0", "names a port other than 443"),
        ("http://graph.microsoft.com/v1.0", "is not https"),
    ],
)
def test_prov_urls_must_be_graph_over_https(
    cli: Cli, fake_graph: FakeGraph, tmp_path: Path, url: str, why: str
) -> None:
    prov = _prov_with_block(tmp_path, url)
    result = cli.run("pull", "--prov", str(prov), PROV_GRAPH_URL=None)
    assert result.exit_code == 2
    assert why in result.stderr
    assert fake_graph.requests == []


def test_national_cloud_graph_urls_in_a_prov_file_are_accepted() -> None:
    from syncrules.graph.config import GRAPH_HOSTS, resolve_url
    from syncrules.ir.nodes import GraphConfig

    for host in GRAPH_HOSTS:
        block = GraphConfig(service_principal="a", job="b", url=f"https://{host}/beta/")
        assert resolve_url(None, {}, block) == f"https://{host}/beta"


def test_the_command_line_may_name_any_url(cli: Cli, fake_graph: FakeGraph, tmp_path: Path) -> None:
    prov = _prov_with_block(tmp_path, "https://graph.microsoft.com/v1.0")
    result = cli.run("pull", "--prov", str(prov), "--graph-url", fake_graph.url)
    assert result.exit_code == 0, result.stderr


# ---- echoed tokens ----------------------------------------------------------------------------

ECHOES = {
    "exact": lambda t: t,
    "upper": str.upper,
    "lower": str.lower,
    "percent": lambda t: quote(t, safe=""),
    "percent-all": lambda t: "".join(f"%{b:02X}" for b in t.encode()),
    "plus": quote_plus,
    "html": lambda t: "".join(f"&#{ord(c)};" for c in t),
    "json-u": lambda t: "".join(f"\\u{ord(c):04x}" for c in t),
    "base64": lambda t: base64.b64encode(t.encode()).decode(),
    "hex": lambda t: t.encode().hex(),
    "spaced": lambda t: " ".join(t),
    "html-escape": html.escape,
}


@pytest.mark.parametrize("form", sorted(ECHOES))
def test_an_echoed_token_never_reaches_stderr(
    cli: Cli, fake_graph: FakeGraph, tmp_path: Path, form: str
) -> None:
    fake_graph.misbehave("echo", method="POST", transform=ECHOES[form])
    source = write_jsonl(tmp_path / "users.jsonl", users(2))
    result = cli.run("upload", str(source))
    assert result.exit_code == 1
    _assert_no_token_anywhere(result, tmp_path)


@pytest.mark.parametrize("form", ["upper", "percent", "json-u", "base64", "spaced"])
def test_an_echoed_token_is_not_written_by_pull_or_into_a_backup(
    cli: Cli, fake_graph: FakeGraph, tmp_path: Path, form: str
) -> None:
    fake_graph.misbehave("echo", method="GET", transform=ECHOES[form])
    out = tmp_path / "out"
    result = cli.run("pull", "-o", str(out / "live.json"))
    assert result.exit_code in (0, 1)
    _assert_no_token_anywhere(result, tmp_path)
    fake_graph.misbehave("echo", method="GET", transform=ECHOES[form])
    result = cli.run("pull")
    _assert_no_token_anywhere(result, tmp_path)
    assert result.exit_code == 0 or "it is not shown" in result.stderr
    prov = _prov_with_block(tmp_path, None)
    fake_graph.misbehave("echo", method="GET", transform=ECHOES[form])
    result = cli.run("deploy", str(prov), "--yes", "--backup-dir", str(out / "b"))
    _assert_no_token_anywhere(result, tmp_path)
    assert fake_graph.calls("PUT") == [] or result.exit_code == 0


def test_redaction_units() -> None:
    secret = "eyJhbGciOi.JSUzI1NiJ9-abc_DEF"
    for form, transform in ECHOES.items():
        text = f"before {transform(secret)} after"
        shown = redact(text, [secret])
        assert not leaks(shown, [secret]), form
        assert secret not in shown and secret.lower() not in shown.lower(), form
    assert mask("x SECRET-TOKEN-VALUE-1 y", ["secret-token-value-1"]) == "x *** y"
    assert redact("plain text", [secret]) == "plain text"
    assert redact(" ".join(secret), [secret]) == WITHHELD


# ---- slow, broken and misleading replies -------------------------------------------------------


def test_a_dripping_server_hits_the_request_deadline(
    cli: Cli, fake_graph: FakeGraph, tmp_path: Path
) -> None:
    fake_graph.misbehave("drip", method="GET", interval=0.2)
    result = cli.run("pull", policy={"request_deadline": 1.0})
    assert result.exit_code == 1
    assert "no complete reply within 1 s" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_drip_during_a_put_says_the_schema_may_have_changed(
    cli: Cli, fake_graph: FakeGraph, tmp_path: Path
) -> None:
    prov = _prov_with_block(tmp_path, None)
    fake_graph.misbehave("drip", method="PUT", interval=0.2)
    result = cli.run(
        "deploy", str(prov), "--yes", "--backup-dir", str(tmp_path / "b"),
        policy={"request_deadline": 1.0},
    )
    assert result.exit_code == 1
    assert "may or may not have been replaced" in result.stderr
    assert "check with `prov pull`" in result.stderr


def test_a_put_applied_before_a_500_is_not_reported_as_not_replaced(
    cli: Cli, fake_graph: FakeGraph, tmp_path: Path
) -> None:
    prov = _prov_with_block(tmp_path, None)
    fake_graph.misbehave("apply-then-fail", method="PUT", times=10)
    result = cli.run("deploy", str(prov), "--yes", "--backup-dir", str(tmp_path / "b"))
    assert result.exit_code == 1
    assert fake_graph.schema(SP, JOB) != live_schema()  # the server did apply it
    assert "was not replaced" not in result.stderr
    assert "may or may not have been replaced" in result.stderr
    backups = list((tmp_path / "b").iterdir())
    assert len(backups) == 1 and str(backups[0]) in result.stderr


@pytest.mark.parametrize("kind", ["html", "truncated"])
def test_a_200_that_is_not_graph_json_fails_the_upload(
    cli: Cli, fake_graph: FakeGraph, tmp_path: Path, kind: str
) -> None:
    fake_graph.misbehave(kind, method="POST")
    source = write_jsonl(tmp_path / "users.jsonl", users(3))
    result = cli.run("upload", str(source))
    assert result.exit_code == 1, result.stdout
    assert "reply could not be read" in result.stderr
    assert "Sign in" not in result.stderr + result.stdout  # the page is never echoed


@pytest.mark.parametrize("kind", ["html", "truncated", "cut"])
def test_pull_of_a_broken_reply_writes_nothing(
    cli: Cli, fake_graph: FakeGraph, tmp_path: Path, kind: str
) -> None:
    fake_graph.misbehave(kind, method="GET", times=5)
    out = tmp_path / "live.json"
    result = cli.run("pull", "-o", str(out))
    assert result.exit_code == 1
    assert not out.exists()
    assert "Traceback" not in result.stderr
    assert "Sign in" not in result.stderr


def test_a_reply_past_the_size_cap_is_refused(
    cli: Cli, fake_graph: FakeGraph, tmp_path: Path
) -> None:
    fake_graph.misbehave("huge", method="GET", size=10_000_000)
    result = cli.run("pull", policy={"max_reply_bytes": 100_000})
    assert result.exit_code == 1
    assert "longer than 100000 bytes" in result.stderr


def test_a_redirect_is_not_followed(cli: Cli, fake_graph: FakeGraph, tmp_path: Path) -> None:
    fake_graph.misbehave("redirect", method="GET")
    result = cli.run("pull")
    assert result.exit_code == 1
    assert "302" in result.stderr
    assert [r.path for r in fake_graph.requests if "elsewhere" in r.path] == []


def test_a_429_storm_gives_up_after_the_attempts(
    cli: Cli, fake_graph: FakeGraph, tmp_path: Path
) -> None:
    fake_graph.fail("bulkUpload", 429, times=50, retry_after="2")
    source = write_jsonl(tmp_path / "users.jsonl", users(3))
    result = cli.run("upload", str(source))
    assert result.exit_code == 1
    assert "429" in result.stderr
    assert len(fake_graph.calls("POST")) == 5
    assert cli.fake_time.sleeps == [2.0] * 4


# ---- what upload sends ------------------------------------------------------------------------


def test_upload_never_sends_nan_or_huge_integers(
    cli: Cli, fake_graph: FakeGraph, tmp_path: Path
) -> None:
    source = tmp_path / "users.jsonl"
    good = users(1)[0]
    source.write_text(
        json.dumps(good) + "\n"
        + '{"externalId": "n1", "userName": "a@b.c", "x": NaN}\n'
        + '{"externalId": "n2", "userName": "a@b.c", "x": -Infinity}\n'
        + '{"externalId": "n3", "userName": "a@b.c", "x": ' + "9" * 5000 + "}\n",
        encoding="utf-8",
    )
    result = cli.run("upload", str(source))
    assert result.exit_code == 1, result.stdout + result.stderr  # some records failed
    assert "NaN is not JSON" in result.stderr
    assert "-Infinity is not JSON" in result.stderr
    assert "an integer of 5000 digits" in result.stderr
    [post] = fake_graph.calls("POST")
    sent = post.body.decode()
    assert "NaN" not in sent and "Infinity" not in sent
    assert [op["data"]["externalId"] for op in json.loads(sent)["Operations"]] == [
        good["externalId"]
    ]


# ---- issue #18's messages: a token or a password that would be shown ----------------------------


@pytest.mark.parametrize("cut", ["\n", "\r\n", " ", "\t"])
def test_a_token_holding_a_line_break_is_not_sent_nor_shown(
    cli: Cli, fake_graph: FakeGraph, cut: str
) -> None:
    """The HTTP library refused the header and its error (retried five times) held the token
    in Python's notation ('Bearer tok-9f3a\\nc-SECRET'), which the redaction did not know."""
    token = TOKEN[:12] + cut + TOKEN[12:]
    result = cli.run("pull", PROV_ACCESS_TOKEN=token)
    assert result.exit_code == 1
    assert "PROV_ACCESS_TOKEN holds a line break, a space or another control character" in (
        result.stderr
    )
    assert fake_graph.requests == []
    for part in (TOKEN[:12], TOKEN[12:], repr(token)[1:-1]):
        assert part not in result.stdout and part not in result.stderr
    # and should an error show it in Python's notation, it is masked there too
    error = f"Illegal header value {('Bearer ' + token).encode()!r}"
    assert mask(error, [token]) == "Illegal header value b'Bearer ***'"
    assert mask(f"got {token!r}", [token]) == "got '***'"


def test_a_graph_url_with_a_password_is_refused_unshown(cli: Cli, fake_graph: FakeGraph) -> None:
    """PROV_GRAPH_URL=https://user:pw@... was used, and every retry warning showed the password."""
    url = "https://user:pw-s3cret@graph.microsoft.com/v1.0"
    result = cli.run("pull", PROV_GRAPH_URL=url)
    assert result.exit_code == 2
    assert "holds a user name or password" in result.stderr
    assert "https://***@graph.microsoft.com/v1.0" in result.stderr
    assert "pw-s3cret" not in result.stderr and "user:" not in result.stderr
    assert fake_graph.requests == []
