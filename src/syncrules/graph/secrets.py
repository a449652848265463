"""The job's deletion threshold in Graph: the ``SyncNotificationSettings`` synchronization secret.

Contract: pure functions, no I/O. ``notification_value(current, threshold)`` builds the value to
send; ``secrets_body(value)`` the PUT body; ``read_secret(body, key)`` reads one key from a
``GET .../synchronization/secrets`` answer.

Graph facts and the choices made where they are not verified (docs/entra-provisioning.md §5,
"Accidental deletion prevention"), all in this module:

- The threshold lives in the secrets of the service principal's synchronization
  (``PUT /servicePrincipals/{id}/synchronization/secrets``, body ``{"value": [{"key": ...,
  "value": ...}]}``), key ``SyncNotificationSettings``, whose value is a JSON *string* such as
  ``{"Enabled":true,"Recipients":"","DeleteThresholdEnabled":true,"DeleteThresholdValue":500}``.
- Whether that PUT replaces the other secrets or merges them is not documented. **So syncrules
  sends one key only, ``SyncNotificationSettings``**, never the others (credentials, flags such
  as ``SkipOutOfScopeDeletions``): under merge semantics nothing else changes, and no other
  secret ever leaves syncrules.
- The same value also holds the notification e-mail settings (``Enabled``, ``Recipients``).
  Before the PUT, syncrules GETs the secrets: when the current ``SyncNotificationSettings`` is
  readable JSON, every member of it is kept and only ``DeleteThresholdEnabled`` and
  ``DeleteThresholdValue`` change. When it is absent, masked or unreadable, only those two
  members are sent, and the deploy says that the e-mail settings could not be kept.
- Secret values cannot be reliably read back (they are masked), so a deploy cannot tell whether
  the threshold already has the value: it is sent on every deploy of a job that sets one, and
  ``--detailed-exitcode`` compares the schema only.
- ``deletion threshold N`` (0 included: every delete is held) is ``DeleteThresholdEnabled: true``
  and ``DeleteThresholdValue: N``. A job without the setting leaves the secret alone.
"""

from __future__ import annotations

import json
from typing import Any

NOTIFICATION_KEY = "SyncNotificationSettings"
THRESHOLD_ENABLED = "DeleteThresholdEnabled"
THRESHOLD_VALUE = "DeleteThresholdValue"


def read_secret(body: Any, key: str) -> str | None:
    """The value of ``key`` in a secrets answer (``{"value": [{"key", "value"}]}``), or None."""
    items = body.get("value") if isinstance(body, dict) else None
    if not isinstance(items, list):
        return None
    for item in items:
        if isinstance(item, dict) and item.get("key") == key:
            value = item.get("value")
            return value if isinstance(value, str) else None
    return None


def notification_value(current: str | None, threshold: int) -> tuple[str, bool]:
    """The ``SyncNotificationSettings`` string to send, and whether the current one was kept
    (False: it was absent or unreadable, so only the threshold members are sent)."""
    kept: dict[str, Any] = {}
    readable = False
    if current:
        try:
            parsed = json.loads(current)
        except ValueError:
            parsed = None
        if isinstance(parsed, dict):
            kept, readable = dict(parsed), True
    kept[THRESHOLD_ENABLED] = True
    kept[THRESHOLD_VALUE] = threshold
    return json.dumps(kept, separators=(",", ":"), ensure_ascii=False), readable


def secrets_body(value: str) -> dict[str, Any]:
    """The PUT body: the one key syncrules owns, nothing else."""
    return {"value": [{"key": NOTIFICATION_KEY, "value": value}]}
