"""Opening input files that may be hostile: named pipes, devices, sockets, folders, huge files.

Contract (a leaf module: standard library only):
- ``open_input(path)`` opens a path for binary reading without blocking on a named pipe
  (``O_NONBLOCK`` at open, so a FIFO with no writer cannot hang the command), then refuses what
  ``fstat`` says is not a regular file (a FIFO, a character or block device such as
  ``/dev/zero``, a socket, a folder), checked on the descriptor actually opened (no race with a
  rename). Symbolic links are followed; what they point to is judged.
- ``read_input(path, limit)`` reads a whole file of at most ``limit`` bytes (``MAX_INPUT_BYTES``
  by default); a longer one is refused without reading past the limit.
- Refusals are ``InputRefused``, an ``OSError`` whose ``strerror`` is the message ("is a named
  pipe (FIFO), not a regular file"), so every caller that already reports
  ``OSError.strerror`` words them without a change.
- ``write_atomic(path, text)`` replaces a file through a temporary file and a rename, so a
  failure (a full disk) leaves the previous content.
- ``why_unreadable(exc)`` and ``cannot_read(path, exc)``: the one wording of why a path could
  not be read ("cannot read PATH: no such file"), whatever the system says.
- ``refusal(path)`` is the same check without opening: the message or None (for folders walked
  for ``.prov`` files, and for paths handed to SQLite). ``unreadable(path)`` adds a missing path
  and a folder: why an input file cannot be read, which commands word as "cannot read PATH: why".

``-`` (standard input) is the caller's business: these functions never read it.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from pathlib import Path
from typing import BinaryIO

#: The largest whole file read into memory (rules, schemas, fixtures, payloads, exports to
#: import). Streamed inputs (`prov run --input`) are not bounded by it.
MAX_INPUT_BYTES = 512 * 1024 * 1024


class InputRefused(OSError):
    """A path that is not a readable regular file, or too large; ``strerror`` says why."""

    def __init__(self, path: str | os.PathLike[str], message: str) -> None:
        super().__init__(errno.EINVAL, message, os.fspath(path))


def _kind(mode: int) -> str | None:
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "is a folder, not a file"
    if stat.S_ISFIFO(mode):
        return "is a named pipe (FIFO), not a regular file"
    if stat.S_ISCHR(mode):
        return "is a character device, not a regular file"
    if stat.S_ISBLK(mode):
        return "is a block device, not a regular file"
    if stat.S_ISSOCK(mode):
        return "is a socket, not a regular file"
    return "is not a regular file"


def why_unreadable(exc: OSError) -> str:
    """Why a path could not be read, in the words every command uses ("no such file",
    "permission denied", "is a folder, not a file", "is a loop of symbolic links", a refusal's
    own words), whatever the system's wording."""
    if isinstance(exc, InputRefused):
        return str(exc.strerror)
    if exc.errno == errno.ELOOP:
        return "is a loop of symbolic links"
    if isinstance(exc, FileNotFoundError):
        return "no such file"
    if isinstance(exc, IsADirectoryError):
        return "is a folder, not a file"
    if isinstance(exc, PermissionError):
        return "permission denied"
    if isinstance(exc, NotADirectoryError):
        return "a part of the path is a file, not a folder"
    text = exc.strerror or str(exc)
    return text[:1].lower() + text[1:]


def cannot_read(path: str | os.PathLike[str], exc: OSError) -> str:
    """The one message for an input path that cannot be read: ``cannot read PATH: why``."""
    return f"cannot read {os.fspath(path)}: {why_unreadable(exc)}"


def refusal(path: str | os.PathLike[str]) -> str | None:
    """Why ``path`` (followed if a link) is not a regular file, or None (also None when it does
    not exist: the caller reports that its own way)."""
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return None
    return _kind(mode)


def unreadable(path: Path) -> str | None:
    """Why ``path`` cannot be read as an input file ("no such file", "it is a folder", or what
    ``refusal`` says), or None for a regular file (followed if a link)."""
    if path.is_file():
        return None
    return "it is a folder" if path.is_dir() else (refusal(path) or "no such file")


def open_input(path: str | os.PathLike[str]) -> BinaryIO:
    """A regular file opened for binary reading (see the module docstring).

    Raises:
        FileNotFoundError, PermissionError, IsADirectoryError...: as ``open`` would.
        InputRefused: not a regular file.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    flags |= getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except IsADirectoryError:
        raise
    except OSError as exc:
        if exc.errno in (errno.ENXIO, errno.EOPNOTSUPP):  # a socket, a FIFO without a writer
            kind = refusal(path) or "is not a regular file"
            raise InputRefused(path, kind) from None
        raise
    try:
        why = _kind(os.fstat(fd).st_mode)
        if why is not None:
            if why.startswith("is a folder"):
                raise IsADirectoryError(errno.EISDIR, "Is a directory", os.fspath(path))
            raise InputRefused(path, why)
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_input(path: str | os.PathLike[str], limit: int | None = None) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes (``MAX_INPUT_BYTES``).

    Raises:
        OSError: as ``open_input``; ``InputRefused`` for a file larger than ``limit``.
    """
    if limit is None:
        limit = MAX_INPUT_BYTES
    with open_input(path) as handle:
        size = os.fstat(handle.fileno()).st_size
        if size > limit:
            raise InputRefused(path, _too_large(size, limit))
        data = handle.read(limit + 1)
    if len(data) > limit:  # grew while read
        raise InputRefused(path, _too_large(len(data), limit))
    return data


def read_input_text(path: str | os.PathLike[str], encoding: str = "utf-8-sig") -> str:
    """``read_input`` decoded (UnicodeDecodeError as ``Path.read_text`` would raise)."""
    return read_input(path).decode(encoding)


def _too_large(size: int, limit: int) -> str:
    return f"is too large to read ({size} bytes; at most {limit})"


def is_regular_or_missing(path: Path) -> bool:
    """Whether ``path`` is a regular file or does not exist (for files to be created)."""
    return refusal(path) is None


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` so that a failure (a full disk, say) leaves what was
    there before: a temporary file beside it is written, synced and renamed over it.

    A path that exists and is not a regular file is written in place: a device such as
    ``/dev/null``, or a named pipe that has a reader (one without a reader is refused instead
    of waited on).

    Raises:
        OSError: the file cannot be written (``InputRefused`` for a pipe without a reader or a
        folder); the previous content is then intact.
    """
    import tempfile

    data = text.encode("utf-8")
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        mode = None
    if mode is not None and stat.S_ISDIR(mode):
        raise InputRefused(path, "is a folder, not a file")
    if mode is not None and not stat.S_ISREG(mode):
        flags = os.O_WRONLY | getattr(os, "O_NOCTTY", 0)
        if stat.S_ISFIFO(mode):
            flags |= os.O_NONBLOCK
        try:
            fd = os.open(path, flags)
        except OSError as exc:
            if exc.errno == errno.ENXIO:
                raise InputRefused(path, "is a named pipe (FIFO) with no reader") from None
            raise
        if stat.S_ISFIFO(mode):
            os.set_blocking(fd, True)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        return
    folder = path.parent if str(path.parent) else Path(".")
    fd, temp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            _write_all(handle, data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(temp, stat.S_IMODE(mode))
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temp, 0o666 & ~umask)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def _write_all(handle: BinaryIO, data: bytes) -> None:
    handle.write(data)


def resolved(path: Path) -> Path:
    """``path.resolve()``, or the absolute path when a symbolic link loops (``resolve`` raises
    RuntimeError then, and OSError on some systems): the caller's read then reports the loop."""
    try:
        return path.resolve()
    except (RuntimeError, OSError):
        return Path(os.path.abspath(path))
