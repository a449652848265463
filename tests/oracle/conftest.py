"""The ``dotnet`` fixture: the real .NET runtime (see ``dotnet.py``).

Where the runtime cannot start, the oracle tests skip with the reason printed, except when the
environment variable ``CI`` is set: CI must run them, so there they fail with the reason.
"""

from __future__ import annotations

import os

import pytest

from tests.oracle.dotnet import Net, OracleUnavailable, start


@pytest.fixture(scope="session")
def dotnet() -> Net:
    try:
        return start()
    except OracleUnavailable as exc:
        if os.environ.get("CI"):
            pytest.fail(f".NET oracle unavailable in CI: {exc}", pytrace=False)
        pytest.skip(f".NET oracle unavailable: {exc}")
