"""Writing files safely and saying why a file operation failed: helpers shared by the commands,
the formatter and the offline directory.

A leaf module: it imports only the standard library (no click, nothing from syncrules), so the
store and the library layers can use it without depending on the CLI.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path


def write_atomic(target: Path, text: str | Iterable[str]) -> None:
    """Write ``text`` (or its pieces, as they come: a streamed export) to ``target`` through a
    temporary file that replaces it in one step (keeping an existing file's permissions): an
    interrupted write never leaves a half-written file. Raises OSError."""
    handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            if isinstance(text, str):
                out.write(text)
            else:
                for piece in text:
                    out.write(piece)
        if target.exists():
            os.chmod(temp, stat.S_IMODE(target.stat().st_mode))
        else:
            os.chmod(temp, 0o666 & ~_umask())
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def os_reason(path: Path, exc: OSError) -> str:
    """Why an operation on ``path`` failed, in words: a file standing where a folder of the
    path should be is named (the system would say "File exists" or "Not a directory")."""
    for ancestor in path.parents:
        if ancestor.exists():
            if not ancestor.is_dir():
                return f"{ancestor} is a file, not a folder"
            break
    return exc.strerror or str(exc)
