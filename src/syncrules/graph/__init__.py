"""Microsoft Graph round trip: pull and deploy synchronization schemas, upload SCIM users.

Modules: ``config`` (settings), ``auth`` (tokens, redaction), ``limiter`` (rate limit),
``client`` (HTTP with retries), ``upload`` (input reading and batching), ``deploy`` (the deploy
flow), ``session`` (hooks, redacted console), ``commands`` (click commands; ``register(group)``).
The merge of a compiled schema into a live one is ``syncrules.backends.jobconfig.merge``: compile
(with ``preserve``), plan and deploy share it. httpx is needed; azure-identity is optional and
imported only when a token must be fetched without ``PROV_ACCESS_TOKEN``.
"""

from __future__ import annotations
