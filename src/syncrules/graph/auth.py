"""Access tokens for Microsoft Graph, and the redaction of secrets.

Contract:
- ``token_provider_from_env(env)`` picks a token source: ``PROV_ACCESS_TOKEN`` if set, else
  azure-identity (optional extra ``graph``, imported lazily, only when a token is first needed)
  with the credential ``choose_credential`` names: PROV_AUTH when set (client-secret,
  certificate, github-oidc, azure-pipelines, workload-identity, managed-identity, azure-cli,
  device-code, default), else the first whose variables are set among client secret,
  certificate, GitHub Actions OIDC and an Azure DevOps service connection, else
  ``DefaultAzureCredential``. The scope and authority follow the Graph URL's cloud
  (``graph/clouds.py``): ``https://graph.microsoft.us/.default`` for US Government, and so on.
- Tokens are cached until one minute before they expire and fetched again then: every request
  asks the provider, so a long upload gets fresh tokens.
- ``TokenProvider.get()`` returns the token string or an ``AuthFailure`` (errors are data).
- ``Redactor`` replaces every registered secret by ``***``, in every form a server may echo it
  (``syncrules.graph.redact``); everything the graph commands print or
  write goes through it. Providers register the tokens they hand out.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from syncrules.graph.clouds import GLOBAL, cloud_for
from syncrules.graph.config import ENV_ACCESS_TOKEN, GRAPH_SCOPE

INSTALL_HINT = 'pip install "syncrules[graph]"'
_MASK = "***"
#: Tokens CI systems hand to jobs (GitHub's OIDC request token, Azure DevOps' job token).
CI_SECRETS = ("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "SYSTEM_ACCESSTOKEN")
# Secrets shorter than this are not redacted: masking "a" everywhere would garble all output.
_MIN_SECRET_LENGTH = 4


class Redactor:
    """Masks known secrets in text. Secrets are added as they become known."""

    def __init__(self, secrets: tuple[str, ...] = ()) -> None:
        self._secrets: set[str] = set()
        for secret in secrets:
            self.add(secret)

    def add(self, secret: str | None) -> None:
        if secret and len(secret) >= _MIN_SECRET_LENGTH:
            self._secrets.add(secret)

    def __call__(self, text: str) -> str:
        # every form a server may echo a secret in (syncrules.graph.redact); a text still holding
        # one in a form not known is withheld whole
        from syncrules.graph.redact import redact

        return redact(text, self._secrets)

    def withholds(self, text: str) -> bool:
        """Whether ``text`` holds a secret in a form that cannot be masked (so it is withheld)."""
        from syncrules.graph.redact import WITHHELD

        return bool(self._secrets) and text != WITHHELD and self(text) == WITHHELD

    def __repr__(self) -> str:
        return f"Redactor({len(self._secrets)} secrets)"


@dataclass(frozen=True, slots=True)
class AuthFailure:
    """No token could be obtained. ``missing_dependency`` means azure-identity is not installed."""

    message: str
    missing_dependency: bool = False


class TokenProvider(Protocol):
    def get(self) -> str | AuthFailure: ...


class StaticToken:
    """A token given by the user (``PROV_ACCESS_TOKEN``)."""

    def __init__(self, token: str, redactor: Redactor) -> None:
        self._token = token
        redactor.add(token)

    def get(self) -> str | AuthFailure:
        if any(ch.isspace() or not ch.isprintable() for ch in self._token):
            # it could not be sent as a header, and the HTTP library's error would show it
            return AuthFailure(
                f"{ENV_ACCESS_TOKEN} holds a line break, a space or another control character "
                "(an access token is one word on one line): check how it was set"
            )
        return self._token

    def __repr__(self) -> str:
        return "StaticToken(***)"


# Builds a credential object from the environment; injectable for tests.
CredentialFactory = Callable[[Mapping[str, str]], Any]

ENV_AUTH = "PROV_AUTH"
#: PROV_AUTH values. "auto" (the default) tries them in the order of ``choose_credential``.
AUTH_KINDS = (
    "auto",
    "client-secret",
    "certificate",
    "github-oidc",
    "azure-pipelines",
    "workload-identity",
    "managed-identity",
    "azure-cli",
    "device-code",
    "default",
)
#: What each kind needs in the environment (AZURE_* as azure-identity's EnvironmentCredential).
_NEEDS: dict[str, tuple[str, ...]] = {
    "client-secret": ("AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET"),
    "certificate": ("AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_CERTIFICATE_PATH"),
    # GitHub Actions OIDC (a job with `permissions: id-token: write`): the runner's token URL
    "github-oidc": (
        "AZURE_TENANT_ID",
        "AZURE_CLIENT_ID",
        "ACTIONS_ID_TOKEN_REQUEST_URL",
        "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
    ),
    # An Azure DevOps service connection with workload identity federation (AzureCLI@2 sets the
    # AZURESUBSCRIPTION_* variables; SYSTEM_ACCESSTOKEN must be mapped into the step's env)
    "azure-pipelines": (
        "AZURESUBSCRIPTION_TENANT_ID",
        "AZURESUBSCRIPTION_CLIENT_ID",
        "AZURESUBSCRIPTION_SERVICE_CONNECTION_ID",
        "SYSTEM_ACCESSTOKEN",
    ),
    # Kubernetes / any federated token file
    "workload-identity": ("AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_FEDERATED_TOKEN_FILE"),
}
_AUTO_ORDER = ("client-secret", "certificate", "github-oidc", "azure-pipelines")
#: Audience of a GitHub OIDC token exchanged for an Entra token (workload identity federation).
GITHUB_AUDIENCE = "api://AzureADTokenExchange"


def choose_credential(env: Mapping[str, str]) -> str:
    """The credential kind for ``env``: PROV_AUTH when set, else the first of client secret,
    certificate, GitHub Actions OIDC, Azure Pipelines service connection whose variables are all
    set, else "default" (azure-identity's DefaultAzureCredential: environment, workload
    identity, managed identity, Azure CLI, ...). Device code is used only when asked for.

    Raises:
        ValueError: PROV_AUTH names an unknown kind, or one whose variables are missing.
    """
    requested = (env.get(ENV_AUTH) or "auto").strip().lower()
    if requested not in AUTH_KINDS:
        raise ValueError(f"{ENV_AUTH}={requested!r} is not one of: {', '.join(AUTH_KINDS)}")
    if requested != "auto":
        missing = [name for name in _NEEDS.get(requested, ()) if not env.get(name, "").strip()]
        if missing:
            raise ValueError(f"{ENV_AUTH}={requested} needs {', '.join(missing)}")
        return requested
    for kind in _AUTO_ORDER:
        if all(env.get(name, "").strip() for name in _NEEDS[kind]):
            return kind
    return "default"


def _github_assertion(env: Mapping[str, str], remember: Callable[[str], None]) -> Any:
    """A function returning the GitHub Actions OIDC token (the client assertion)."""
    url = env["ACTIONS_ID_TOKEN_REQUEST_URL"]
    request_token = env["ACTIONS_ID_TOKEN_REQUEST_TOKEN"]

    def assertion() -> str:
        import httpx

        response = httpx.get(
            url,
            params={"audience": GITHUB_AUDIENCE},
            headers={"Authorization": f"bearer {request_token}"},
            timeout=30.0,
        )
        response.raise_for_status()
        value = str(response.json()["value"])
        remember(value)
        return value

    return assertion


def build_credential(
    kind: str,
    env: Mapping[str, str],
    identity: Any,
    *,
    authority: str,
    prompt: Callable[[str], None] | None = None,
    remember: Callable[[str], None] = lambda secret: None,
) -> Any:
    """The azure-identity credential of ``kind`` (``identity`` is the ``azure.identity``
    module, passed in so that tests can check the choice with a fake)."""
    tenant = env.get("AZURE_TENANT_ID") or None
    client = env.get("AZURE_CLIENT_ID") or None
    common = {"authority": authority}
    if kind == "client-secret":
        return identity.ClientSecretCredential(tenant, client, env["AZURE_CLIENT_SECRET"], **common)
    if kind == "certificate":
        password = env.get("AZURE_CLIENT_CERTIFICATE_PASSWORD") or None
        return identity.CertificateCredential(
            tenant, client, env["AZURE_CLIENT_CERTIFICATE_PATH"], password=password, **common
        )
    if kind == "github-oidc":
        return identity.ClientAssertionCredential(
            tenant, client, _github_assertion(env, remember), **common
        )
    if kind == "azure-pipelines":
        return identity.AzurePipelinesCredential(
            tenant_id=env["AZURESUBSCRIPTION_TENANT_ID"],
            client_id=env["AZURESUBSCRIPTION_CLIENT_ID"],
            service_connection_id=env["AZURESUBSCRIPTION_SERVICE_CONNECTION_ID"],
            system_access_token=env["SYSTEM_ACCESSTOKEN"],
            **common,
        )
    if kind == "workload-identity":
        return identity.WorkloadIdentityCredential(
            tenant_id=tenant,
            client_id=client,
            token_file_path=env["AZURE_FEDERATED_TOKEN_FILE"],
            **common,
        )
    if kind == "managed-identity":
        return identity.ManagedIdentityCredential(client_id=client)
    if kind == "azure-cli":
        return identity.AzureCliCredential(tenant_id=tenant)
    if kind == "device-code":

        def show(uri: str, code: str, expires_on: Any) -> None:
            if prompt is not None:
                prompt(f"to sign in, open {uri} and enter the code {code}")

        kwargs: dict[str, Any] = {"prompt_callback": show, **common}
        if tenant:
            kwargs["tenant_id"] = tenant
        if client:
            kwargs["client_id"] = client
        return identity.DeviceCodeCredential(**kwargs)
    return identity.DefaultAzureCredential(**common)


def default_factory(
    authority: str,
    prompt: Callable[[str], None] | None = None,
    remember: Callable[[str], None] = lambda secret: None,
) -> CredentialFactory:
    """The real factory: azure-identity (imported here: the optional extra ``graph``)."""

    def factory(env: Mapping[str, str]) -> Any:
        import logging

        import azure.identity as identity  # type: ignore[import-not-found,unused-ignore]

        # azure-identity logs each credential it tried as warnings, which Python would print
        # whole on stderr, past the redaction: its error (first line) is reported instead
        logging.getLogger("azure").addHandler(logging.NullHandler())
        logging.getLogger("azure").propagate = False

        kind = choose_credential(env)
        return build_credential(
            kind, env, identity, authority=authority, prompt=prompt, remember=remember
        )

    return factory


_default_credential_factory = default_factory(GLOBAL.authority)


class AzureIdentityToken:
    """Tokens from azure-identity, cached until one minute before they expire."""

    def __init__(
        self,
        env: Mapping[str, str],
        redactor: Redactor,
        *,
        factory: CredentialFactory = _default_credential_factory,
        clock: Callable[[], float] = time.time,
        scope: str = GRAPH_SCOPE,
    ) -> None:
        self._scope = scope
        self._env = dict(env)
        self._redactor = redactor
        self._factory = factory
        self._clock = clock
        self._credential: Any = None
        self._token: str | None = None
        self._expires_on = 0.0
        for name in ("AZURE_CLIENT_SECRET", "AZURE_CLIENT_CERTIFICATE_PASSWORD", *CI_SECRETS):
            redactor.add(env.get(name))

    def get(self) -> str | AuthFailure:
        if self._token is not None and self._clock() < self._expires_on - 60:
            return self._token
        if self._credential is None:
            try:
                self._credential = self._factory(self._env)
            except ImportError:
                return AuthFailure(
                    f"no access token: {ENV_ACCESS_TOKEN} is not set and azure-identity is not "
                    f"installed; install it with: {INSTALL_HINT} (or set {ENV_ACCESS_TOKEN})",
                    missing_dependency=True,
                )
            except Exception as exc:  # azure-identity raises ValueError etc. on bad settings
                return AuthFailure(f"could not set up azure-identity: {self._redactor(str(exc))}")
        try:
            access = self._credential.get_token(self._scope)
        except Exception as exc:  # ClientAuthenticationError, CredentialUnavailableError, ...
            first_line = (
                str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            )
            hint = ""
            if type(exc).__name__ == "CredentialUnavailableError" or first_line.startswith(
                "DefaultAzureCredential failed"
            ):
                hint = (
                    f" (no sign-in was found: set {ENV_ACCESS_TOKEN}, the AZURE_* variables of "
                    f"an app registration, or {ENV_AUTH}, or sign in with `az login`)"
                )
            return AuthFailure(
                f"azure-identity could not get a token for {self._scope}: "
                f"{self._redactor(first_line)}{hint}"
            )
        self._token = str(access.token)
        self._expires_on = float(access.expires_on)
        self._redactor.add(self._token)
        return self._token

    def __repr__(self) -> str:
        return "AzureIdentityToken(***)"


def token_provider_from_env(
    env: Mapping[str, str],
    redactor: Redactor,
    *,
    factory: CredentialFactory | None = None,
    url: str | None = None,
    prompt: Callable[[str], None] | None = None,
) -> TokenProvider:
    """Pick the token source described in the module docstring; registers known secrets.

    ``url`` (the Graph base URL) decides the token scope and the sign-in authority
    (``graph/clouds.py``); ``prompt`` shows the device-code sign-in message."""
    token = env.get(ENV_ACCESS_TOKEN, "").strip()
    if token:
        return StaticToken(token, redactor)
    cloud = cloud_for(url) if url else GLOBAL
    if factory is None:
        factory = default_factory(cloud.authority, prompt, redactor.add)
    return AzureIdentityToken(env, redactor, factory=factory, scope=cloud.scope)
