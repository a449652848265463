"""What one graph command needs around the client: injectable hooks, redacted output, the client.

Contract:
- ``GraphRuntime`` bundles the process-level hooks (sleep, monotonic clock, UTC now, "is stdin a
  terminal", an optional httpx transport and credential factory, the retry policy). The commands
  take it from the click context object when one is given (tests pass ``obj=GraphRuntime(...)``),
  else use the real defaults.
- ``Console`` is the only way the graph commands print or write files: every text goes through the
  ``Redactor`` first, so tokens and secrets never reach a terminal, a log or a file.
- ``open_client`` builds a ``GraphClient`` from resolved settings and the environment.
"""

from __future__ import annotations

import dataclasses
import os
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from syncrules import output
from syncrules.graph.auth import CI_SECRETS, CredentialFactory, Redactor, token_provider_from_env
from syncrules.graph.client import GraphClient, RetryPolicy
from syncrules.graph.config import ENV_ACCESS_TOKEN, GraphSettings
from syncrules.graph.limiter import SlidingWindowLimiter
from syncrules.output import EXIT_ERRORS, EXIT_INTERNAL, EXIT_OK, EXIT_USAGE

if TYPE_CHECKING:
    import httpx

__all__ = [
    "EXIT_ERRORS", "EXIT_FAILED", "EXIT_INTERNAL", "EXIT_OK", "EXIT_USAGE",
    "Console", "GraphRuntime", "open_client", "seeded_redactor",
]  # fmt: skip

#: The exit codes are the CLI's (``syncrules.output``); ``EXIT_FAILED`` is the name
#: ``graph.bootstrap`` still imports for ``EXIT_ERRORS``.
EXIT_FAILED = EXIT_ERRORS

# Environment variables whose values are secrets, masked from the start.
SECRET_ENV = (
    ENV_ACCESS_TOKEN,
    "AZURE_CLIENT_SECRET",
    "AZURE_CLIENT_CERTIFICATE_PASSWORD",
    *CI_SECRETS,
)


def _stdin_is_tty() -> bool:
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True, kw_only=True)
class GraphRuntime:
    """Process-level hooks of the graph commands (all replaceable in tests)."""

    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    utc_now: Callable[[], datetime] = _utc_now
    stdin_is_tty: Callable[[], bool] = _stdin_is_tty
    transport: httpx.BaseTransport | None = None
    credential_factory: CredentialFactory | None = None
    retry_policy: RetryPolicy = field(default_factory=RetryPolicy)


class Console:
    """Redacted stdout/stderr messages and file writes."""

    def __init__(self, redactor: Redactor) -> None:
        self.redact = redactor

    def out(self, text: str = "") -> None:
        output.out(self.redact(text))

    def err(self, text: str = "") -> None:
        output.err(self.redact(text))

    def write_text(self, path: Path, text: str, *, exclusive: bool = False) -> str | None:
        """Write ``text`` (redacted, UTF-8); return an error message, or None on success.

        A text holding a secret in a form that cannot be masked is not written at all.
        """
        if self.redact.withholds(text):
            return (
                f"cannot write {path}: what Graph sent back holds the access token (or another "
                "secret) in an encoded form; nothing was written"
            )
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("x" if exclusive else "w", encoding="utf-8", newline="\n") as handle:
                handle.write(self.redact(text))
        except OSError as exc:
            return f"cannot write {path}: {exc.strerror or exc}"
        return None


def seeded_redactor(env: Mapping[str, str]) -> Redactor:
    """A redactor that already knows the secrets found in the environment."""
    redactor = Redactor()
    for name in SECRET_ENV:
        redactor.add(env.get(name))
    return redactor


def open_client(
    settings: GraphSettings,
    runtime: GraphRuntime,
    redactor: Redactor,
    console: Console,
    *,
    max_attempts: int | None = None,
    env: Mapping[str, str] | None = None,
) -> GraphClient:
    """A client for ``settings``: tokens from the environment, retries announced on stderr."""
    environ = os.environ if env is None else env
    tokens = token_provider_from_env(
        environ,
        redactor,
        factory=runtime.credential_factory,
        url=settings.url,
        prompt=console.err,
    )
    policy = runtime.retry_policy
    if max_attempts is not None:
        policy = dataclasses.replace(policy, max_attempts=max_attempts)
    return GraphClient(
        settings,
        tokens,
        redactor,
        policy=policy,
        limiter=SlidingWindowLimiter(clock=runtime.clock, sleep=runtime.sleep),
        sleep=runtime.sleep,
        clock=runtime.clock,
        on_retry=lambda message: console.err(f"warning: {message}"),
        transport=runtime.transport,
    )
