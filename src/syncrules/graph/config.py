"""Resolve the Graph connection settings of one job.

Contract: ``resolve_settings`` turns command-line options, environment variables and the job's
``graph { ... }`` block into a ``GraphSettings`` or a ``ConfigProblem`` (errors are data). It does
no I/O and never sees a token.

Precedence, for the service principal id and the job id: option > environment variable > .prov
block. For the base URL: ``--graph-url`` > ``PROV_GRAPH_URL`` > the block's ``url`` > the default
``https://graph.microsoft.com/v1.0``; the block's ``url`` must be a Microsoft Graph endpoint over
https (``GRAPH_HOSTS``), since the bearer token goes there.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from syncrules.ir.nodes import GraphConfig

DEFAULT_GRAPH_URL = "https://graph.microsoft.com/v1.0"
GRAPH_SCOPE = "https://graph.microsoft.com/.default"

ENV_SERVICE_PRINCIPAL = "PROV_SERVICE_PRINCIPAL_ID"
ENV_JOB = "PROV_JOB_ID"
ENV_GRAPH_URL = "PROV_GRAPH_URL"
ENV_ACCESS_TOKEN = "PROV_ACCESS_TOKEN"


@dataclass(frozen=True, slots=True, kw_only=True)
class GraphSettings:
    """Where one job lives: ``url`` has no trailing slash."""

    service_principal: str
    job: str
    url: str

    @property
    def job_path(self) -> str:
        """The job's path below the base URL, with both ids percent-encoded."""
        sp = quote(self.service_principal, safe="")
        job = quote(self.job, safe="")
        return f"/servicePrincipals/{sp}/synchronization/jobs/{job}"

    @property
    def logs_query(self) -> str:
        """Where the provisioning logs of this job can be read (docs/entra-provisioning.md §4.3)."""
        return f"{self.url}/auditLogs/provisioning?$filter=jobid eq '{self.job}'"


@dataclass(frozen=True, slots=True)
class ConfigProblem:
    """A setting is missing or invalid: a usage error (exit code 2)."""

    message: str


def _pick(*candidates: str | None) -> str | None:
    for value in candidates:
        if value is not None and value.strip():
            return value.strip()
    return None


def _where(value: str, *sources: tuple[str | None, str]) -> str:
    """The name of the first source (option, variable, block) that gave ``value``."""
    for candidate, label in sources:
        if candidate is not None and candidate.strip() == value:
            return label
    return sources[-1][1]


def _not_text(value: str) -> bool:
    """Whether ``value`` holds bytes that are not UTF-8 (Python passes command-line arguments and
    environment variables with such bytes on as lone surrogates, which cannot be sent)."""
    return any("\ud800" <= ch <= "\udfff" for ch in value)


_USERINFO = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*@")


def _shown_url(url: str) -> str:
    """``url`` for a message, a user name or password in it masked."""
    return _USERINFO.sub(lambda m: m.group(0).split("//", 1)[0] + "//***@", url)


def _url_problem(url: str) -> str | None:
    """Why ``url`` cannot be a Graph base URL, or None."""
    if _not_text(url):
        return "holds bytes that are not UTF-8 text"
    if any(ord(ch) <= 0x20 or ord(ch) == 0x7F for ch in url):
        return "holds a space or a control character"
    if _USERINFO.search(url):  # it would be shown in every message that names the URL
        return "holds a user name or password (Graph takes the access token alone)"
    import httpx  # a dependency of the graph commands; imported here, not at start-up

    try:
        host = httpx.URL(url).host
        urlsplit(url).port  # noqa: B018 (raises ValueError unless a number from 0 to 65535)
    except (httpx.InvalidURL, ValueError, UnicodeError) as exc:
        return f"is not a valid URL ({exc})"
    return None if host else "has no host name"


#: The Microsoft Graph endpoints of the national clouds: the only hosts a URL written in a
#: `.prov` file may name, as the bearer token goes there (global, US Government L4 and L5 (DoD),
#: China operated by 21Vianet).
GRAPH_HOSTS = (
    "graph.microsoft.com",
    "graph.microsoft.us",
    "dod-graph.microsoft.us",
    "microsoftgraph.chinacloudapi.cn",
)


def _not_graph_endpoint(url: str) -> str | None:
    """Why ``url`` is not a Microsoft Graph endpoint over https, or None."""
    parts = urlsplit(url)
    if parts.scheme.lower() != "https":
        return "is not https"
    if parts.username is not None or parts.password is not None:
        return "holds a user name or password"
    if (parts.hostname or "").lower().rstrip(".") not in GRAPH_HOSTS:
        return f"does not name a Microsoft Graph host ({', '.join(GRAPH_HOSTS)})"
    if parts.port not in (None, 443):
        return "names a port other than 443"
    return None


def resolve_url(
    option: str | None, env: Mapping[str, str], block: GraphConfig | None
) -> str | ConfigProblem:
    """Return the Graph base URL without a trailing slash, or a problem.

    A URL from the `.prov` file's ``graph`` block (which a pull request can change) must be a
    Microsoft Graph endpoint over https, as the bearer token is sent there; any other URL (a
    proxy, a test server) must come from ``--graph-url`` or ``PROV_GRAPH_URL``, where the user
    typed it.
    """
    block_url = block.url if block else None
    url = _pick(option, env.get(ENV_GRAPH_URL), block_url) or DEFAULT_GRAPH_URL
    if not url.startswith(("https://", "http://")):
        return ConfigProblem(f"the Graph URL must start with https:// (got {_shown_url(url)!r})")
    problem = _url_problem(url)
    if problem is not None:
        where = _where(
            url,
            (option, "--graph-url"),
            (env.get(ENV_GRAPH_URL), ENV_GRAPH_URL),
            (block_url, "the url of the .prov graph block"),
        )
        return ConfigProblem(f"the Graph URL ({where}) {problem}: {_shown_url(url)!r}")
    from_block = _pick(option, env.get(ENV_GRAPH_URL)) is None and block_url is not None
    if from_block:
        refused = _not_graph_endpoint(url)
        if refused is not None:
            return ConfigProblem(
                f"the url of the .prov graph block {refused}: {_shown_url(url)!r}; the access "
                "token is "
                "only sent to a URL from a .prov file when it is a Microsoft Graph endpoint over "
                f"https; give any other URL with --graph-url or {ENV_GRAPH_URL}"
            )
    return url.rstrip("/")


def given_service_principal(
    option: str | None, env: Mapping[str, str], block: GraphConfig | None
) -> str | None:
    """The service principal id from ``--service-principal``, ``PROV_SERVICE_PRINCIPAL_ID`` or
    the block (a .prov graph block, or an environment's settings), else None (``pull --all``
    then lists the tenant)."""
    return _pick(option, env.get(ENV_SERVICE_PRINCIPAL), block.service_principal if block else None)


def resolve_settings(
    *,
    service_principal: str | None,
    job: str | None,
    graph_url: str | None,
    env: Mapping[str, str],
    block: GraphConfig | None,
) -> GraphSettings | ConfigProblem:
    """Combine options, environment and the .prov ``graph`` block.

    Args:
        service_principal: the ``--service-principal`` option, if given.
        job: the ``--job`` option, if given.
        graph_url: the ``--graph-url`` option, if given.
        env: the process environment (``os.environ`` in the CLI).
        block: the job's ``graph { ... }`` block, if the .prov file has one.

    Returns:
        The settings, or a ``ConfigProblem`` naming every way to supply what is missing.
    """
    url = resolve_url(graph_url, env, block)
    if isinstance(url, ConfigProblem):
        return url
    sp = _pick(
        service_principal,
        env.get(ENV_SERVICE_PRINCIPAL),
        block.service_principal if block else None,
    )
    job_id = _pick(job, env.get(ENV_JOB), block.job if block else None)
    missing = []
    if sp is None:
        missing.append(
            f"the service principal id (--service-principal, {ENV_SERVICE_PRINCIPAL} or "
            'graph { service principal "..." } in the .prov file)'
        )
    if job_id is None:
        missing.append(f'the job id (--job, {ENV_JOB} or graph {{ job "..." }} in the .prov file)')
    if sp is None or job_id is None:
        return ConfigProblem("missing " + " and ".join(missing))
    for value, what, sources in (
        (
            sp,
            "service principal id",
            (
                (service_principal, "--service-principal"),
                (env.get(ENV_SERVICE_PRINCIPAL), ENV_SERVICE_PRINCIPAL),
                (block.service_principal if block else None, "the .prov graph block"),
            ),
        ),
        (
            job_id,
            "job id",
            (
                (job, "--job"),
                (env.get(ENV_JOB), ENV_JOB),
                (block.job if block else None, "the .prov graph block"),
            ),
        ),
    ):
        if _not_text(value):
            where = _where(value, *sources)
            return ConfigProblem(f"the {what} ({where}) holds bytes that are not UTF-8 text")
    return GraphSettings(service_principal=sp, job=job_id, url=url)
