"""A real .NET runtime in this process: the oracle for dates, regular expressions and strings.

Entra's provisioning service is a .NET program, so where syncrules re-implements .NET behaviour
(``runtime/dotnet_format.py``, ``runtime/dates.py``, ``runtime/regexes.py``, string positions), the
differential tests in this folder ask .NET itself. The runtime is the .NET Core 3.1 shipped in the
``dotnetcore2`` wheel (Linux x86_64), hosted in-process by ``pythonnet`` through ``clr_loader``;
both come with the ``oracle`` extra (``pip install -e ".[test,oracle]"``).

Rules of the road (each one learnt the hard way):

- ``TZ=UTC`` before the runtime starts, so local-time conversions are identities.
- .NET Core 3.1 probes ICU only up to the versions it knows; a newer system ICU is named with
  ``CLR_ICU_VERSION_OVERRIDE`` (set here from the installed ``libicuuc``). Without ICU, .NET runs in
  invariant-globalization mode, whose casing is ASCII-only: refused here, since it is not what Entra
  runs.
- Never pass a string holding a lone surrogate across: marshalling it aborts the whole process.
  :func:`net_str` refuses such strings before they reach .NET.

:func:`start` returns the runtime's namespaces, or raises :class:`OracleUnavailable` with the
reason.
"""

from __future__ import annotations

import ctypes.util
import json
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class OracleUnavailable(RuntimeError):
    """The .NET runtime cannot start here; the message says why and how to fix it."""


@dataclass(frozen=True)
class Net:
    """The .NET namespaces the differential tests use."""

    System: Any
    Globalization: Any
    Regex: Any
    RegexOptions: Any
    VB: Any  # Microsoft.VisualBasic (DateAndTime, DateInterval, FirstDayOfWeek, FirstWeekOfYear)
    invariant: Any  # CultureInfo.InvariantCulture
    version: str


_STARTED: Net | OracleUnavailable | None = None


def _icu_major() -> str | None:
    name = ctypes.util.find_library("icuuc")  # e.g. "libicuuc.so.72"
    if not name:
        return None
    match = re.search(r"\.so\.(\d+)", name)
    return match.group(1) if match else None


def _runtime_config(version: str) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="syncrules-oracle-"))
    path = folder / "oracle.runtimeconfig.json"
    path.write_text(json.dumps({"runtimeOptions": {
        "tfm": "netcoreapp3.1",
        "framework": {"name": "Microsoft.NETCore.App", "version": version},
    }}), encoding="utf-8")
    return path


def _start() -> Net:
    try:
        import dotnetcore2  # type: ignore[import-not-found]
        from clr_loader import get_coreclr  # type: ignore[import-not-found]
        from pythonnet import set_runtime  # type: ignore[import-not-found]
    except ImportError as exc:
        raise OracleUnavailable(
            f"the oracle extra is not installed ({exc.name} is missing): "
            'pip install -e ".[test,oracle]"') from exc
    root = Path(dotnetcore2.__file__).parent / "bin"
    # the runtime's own layout inside the wheel: bin/<framework folder>/Microsoft.NETCore.App/
    # <version>
    versions = sorted(root.glob("*/Microsoft.NETCore.App/*"))
    if not versions:
        raise OracleUnavailable(f"no .NET runtime inside the dotnetcore2 wheel ({root})")
    version = versions[-1].name
    icu = _icu_major()
    if icu is None:
        raise OracleUnavailable(
            "no ICU library (libicuuc) on this machine: .NET would run in invariant-globalization "
            "mode, whose casing differs from Entra's; install ICU (Debian: apt-get install "
            "libicu72)"
        )
    os.environ["TZ"] = "UTC"
    os.environ.setdefault("CLR_ICU_VERSION_OVERRIDE", icu)
    os.environ.pop("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT", None)
    try:
        set_runtime(get_coreclr(runtime_config=str(_runtime_config(version)),
                                dotnet_root=str(root)))
        import clr  # type: ignore[import-not-found]

        clr.AddReference("System.Text.RegularExpressions")
        clr.AddReference("Microsoft.VisualBasic.Core")
        import System  # type: ignore[import-not-found]
        from Microsoft import VisualBasic  # type: ignore[import-not-found]
        from System import Globalization  # type: ignore[import-not-found]
        from System.Text.RegularExpressions import (  # type: ignore[import-not-found]
            Regex,
            RegexOptions,
        )
    except Exception as exc:  # the runtime reports its own reasons; keep them
        raise OracleUnavailable(f".NET {version} did not start: {exc}") from exc
    if System.String("İ").ToLowerInvariant() == "i̇" or System.String("é").ToUpperInvariant() != "É":
        raise OracleUnavailable(".NET started without ICU casing tables (invariant mode)")
    return Net(System=System, Globalization=Globalization, Regex=Regex, RegexOptions=RegexOptions,
               VB=VisualBasic, invariant=Globalization.CultureInfo.InvariantCulture,
               version=version)


def start() -> Net:
    """The running oracle (started once per process), or :class:`OracleUnavailable`."""
    global _STARTED
    if _STARTED is None:
        try:
            _STARTED = _start()
        except OracleUnavailable as exc:
            _STARTED = exc
    if isinstance(_STARTED, OracleUnavailable):
        raise _STARTED
    return _STARTED


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def net_str(text: str) -> str:
    """``text``, checked safe to pass to .NET (no lone surrogate, which aborts the process)."""
    if _LONE_SURROGATE.search(text):
        raise ValueError(f"a lone surrogate must never cross into .NET: {text!r}")
    return text
