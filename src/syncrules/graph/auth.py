"""Access tokens for Microsoft Graph, and the redaction of secrets.

Contract:
- ``token_provider_from_env(env)`` picks a token source: ``PROV_ACCESS_TOKEN`` if set, else
  azure-identity (optional extra ``graph``, imported lazily, only when a token is first needed):
  ``ClientSecretCredential`` when AZURE_CLIENT_SECRET, AZURE_TENANT_ID and AZURE_CLIENT_ID are set,
  ``CertificateCredential`` when AZURE_CLIENT_CERTIFICATE_PATH (+ tenant and client ids) is set,
  otherwise ``DefaultAzureCredential``. Scope ``https://graph.microsoft.com/.default``.
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

from syncrules.graph.config import ENV_ACCESS_TOKEN, GRAPH_SCOPE

INSTALL_HINT = 'pip install "syncrules[graph]"'
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
        return self._token

    def __repr__(self) -> str:
        return "StaticToken(***)"


# Builds a credential object from the environment; injectable for tests.
CredentialFactory = Callable[[Mapping[str, str]], Any]


def _default_credential_factory(env: Mapping[str, str]) -> Any:
    import azure.identity as identity  # type: ignore[import-not-found,unused-ignore]  # extra "graph"

    tenant = env.get("AZURE_TENANT_ID")
    client = env.get("AZURE_CLIENT_ID")
    secret = env.get("AZURE_CLIENT_SECRET")
    certificate = env.get("AZURE_CLIENT_CERTIFICATE_PATH")
    if secret and tenant and client:
        return identity.ClientSecretCredential(tenant, client, secret)
    if certificate and tenant and client:
        password = env.get("AZURE_CLIENT_CERTIFICATE_PASSWORD") or None
        return identity.CertificateCredential(tenant, client, certificate, password=password)
    return identity.DefaultAzureCredential()


class AzureIdentityToken:
    """Tokens from azure-identity, cached until one minute before they expire."""

    def __init__(
        self,
        env: Mapping[str, str],
        redactor: Redactor,
        *,
        factory: CredentialFactory = _default_credential_factory,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._env = dict(env)
        self._redactor = redactor
        self._factory = factory
        self._clock = clock
        self._credential: Any = None
        self._token: str | None = None
        self._expires_on = 0.0
        redactor.add(env.get("AZURE_CLIENT_SECRET"))
        redactor.add(env.get("AZURE_CLIENT_CERTIFICATE_PASSWORD"))

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
            access = self._credential.get_token(GRAPH_SCOPE)
        except Exception as exc:  # ClientAuthenticationError, CredentialUnavailableError, ...
            first_line = (
                str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            )
            return AuthFailure(
                f"azure-identity could not get a token for {GRAPH_SCOPE}: "
                f"{self._redactor(first_line)}"
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
    factory: CredentialFactory = _default_credential_factory,
) -> TokenProvider:
    """Pick the token source described in the module docstring; registers known secrets."""
    token = env.get(ENV_ACCESS_TOKEN, "").strip()
    if token:
        return StaticToken(token, redactor)
    return AzureIdentityToken(env, redactor, factory=factory)
