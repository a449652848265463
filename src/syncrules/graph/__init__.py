"""Microsoft Graph round trip: pull and deploy synchronization schemas, upload SCIM users.

Modules: ``config`` (settings), ``auth`` (tokens, redaction), ``limiter`` (rate limit), ``client``
(HTTP with retries), ``merge`` (compiled schema into live schema + change list), ``upload`` (input
reading and batching), ``deploy`` (the deploy flow), ``session`` (hooks, redacted console),
``commands`` (click commands; ``register(group)``). httpx is needed; azure-identity is optional and
imported only when a token must be fetched without ``PROV_ACCESS_TOKEN``.
"""

from __future__ import annotations
