"""The hostile-input matrix: every command and every path argument, given a named pipe, a
device, a folder, a symbolic link to a pipe, a link loop, a huge (sparse) file, binary bytes,
text that is not UTF-8, or an empty file.

Each case must end (no hang: a pipe is never opened for a blocking read), with a documented exit
code (0, 1 or 2, never 3), no traceback, and, for a pipe or a device, a message saying what the
path is. A watchdog thread gives any reader stuck on a pipe an end of file, so a regression fails
its case instead of hanging the suite; /dev/zero is only ever opened, never read, by correct
code (a regression would read it until the memory cap below stops it)."""

from __future__ import annotations

import os
import resource
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from syncrules import safeio
from syncrules.cli import main
from syncrules.run import inputs

pytestmark = pytest.mark.skipif(os.name != "posix", reason="named pipes and /dev/zero are POSIX")

GOOD_PROV = """job "Matrix" {
    target entra
    actions create, update
}
match [externalId] -> employeeId
map {
    displayName <- [displayName]
}
graph {
    service principal "11111111-2222-3333-4444-555555555555"
    job "matrix.job"
}
"""

KINDS = ("fifo", "device", "folder", "link-to-fifo", "link-loop", "huge", "binary",
         "not-utf8", "empty")

#: (case id, suffix the hostile path gets, argv builder). ``H`` is the hostile path, the other
#: names are good files in the folder.
CASES: list[tuple[str, str, tuple[str, ...]]] = [
    ("check", ".prov", ("check", "H")),
    ("compile", ".prov", ("compile", "H", "-o", "out")),
    ("fmt", ".prov", ("fmt", "--check", "H")),
    ("test", ".prov", ("test", "H")),
    ("eval --input", ".json", ("eval", "[displayName]", "--input", "@H")),
    ("eval --existing-values", ".json", ("eval", "[displayName]", "--existing-values", "@H")),
    ("run RULES", ".prov", ("run", "H", "--input", "good.jsonl")),
    ("run --input jsonl", ".jsonl", ("run", "good.prov", "--input", "H")),
    ("run --input bulk", ".json", ("run", "good.prov", "--input", "H")),
    ("run --directory", ".sqlite", ("run", "good.prov", "--input", "good.jsonl",
                                    "--directory", "H")),
    ("run --apply --directory", ".sqlite", ("run", "good.prov", "--input", "good.jsonl",
                                            "--apply", "--directory", "H")),
    ("directory import FILE", ".json", ("directory", "import", "H", "--directory", "d.sqlite")),
    ("directory import --directory", ".sqlite", ("directory", "import", "users.json",
                                                 "--directory", "H")),
    ("directory export", ".sqlite", ("directory", "export", "--directory", "H")),
    ("plan OLD", ".prov", ("plan", "H", "good.prov")),
    ("plan NEW", ".prov", ("plan", "good.prov", "H")),
    ("plan --fixtures", ".json", ("plan", "good.prov", "good.prov", "--fixtures", "H")),
    ("import", ".json", ("import", "H", "-o", "imported.prov")),
    ("pull --prov", ".prov", ("pull", "--prov", "H")),
    ("deploy", ".prov", ("deploy", "H", "--dry-run")),
    ("upload FILE", ".jsonl", ("upload", "H", "--dry-run", "--prov", "good.prov")),
    ("upload --prov", ".prov", ("upload", "good.jsonl", "--dry-run", "--prov", "H")),
]


@pytest.fixture(scope="module")
def memory_cap() -> Iterator[None]:
    """A regression that reads /dev/zero fails with MemoryError instead of taking the machine."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    try:
        with open("/proc/self/statm", encoding="ascii") as handle:
            cap = int(handle.read().split()[0]) * resource.getpagesize() + 3 * 1024**3
    except OSError:  # no /proc: no cap
        cap = soft
    if soft != resource.RLIM_INFINITY and soft <= cap:
        yield
        return
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "good.prov").write_text(GOOD_PROV, encoding="utf-8")
    (tmp_path / "good.jsonl").write_text('{"externalId": "1", "displayName": "A"}\n',
                                         encoding="utf-8")
    (tmp_path / "users.json").write_text('[{"_id": "u1", "_anchor": "1"}]', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    # small caps, so "huge" needs only a small sparse file
    monkeypatch.setattr(safeio, "MAX_INPUT_BYTES", 1 << 20)
    monkeypatch.setattr(inputs, "MAX_LINE_BYTES", 1 << 20)
    for name, value in (("PROV_GRAPH_URL", "http://127.0.0.1:9/v1.0"),
                        ("PROV_ACCESS_TOKEN", "matrix-token-not-real"),
                        ("PROV_SERVICE_PRINCIPAL_ID", "11111111-2222-3333-4444-555555555555"),
                        ("PROV_JOB_ID", "matrix.job")):
        monkeypatch.setenv(name, value)
    return tmp_path


def _make(folder: Path, kind: str, suffix: str) -> Path:
    path = folder / f"hostile{suffix}"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "device":
        os.symlink("/dev/zero", path)  # the device itself, under the expected name
    elif kind == "folder":
        path.mkdir()
    elif kind == "link-to-fifo":
        os.mkfifo(folder / "pipe")
        os.symlink(folder / "pipe", path)
    elif kind == "link-loop":
        os.symlink(path, path)
    elif kind == "huge":
        with path.open("wb") as handle:
            handle.truncate((1 << 20) * 3)
    elif kind == "binary":
        path.write_bytes(bytes(range(256)) * 64)
    elif kind == "not-utf8":
        path.write_bytes("caf\xe9 \xff\xfe {\"externalId\": \"\xe9\"}\n".encode("latin-1"))
    elif kind == "empty":
        path.write_bytes(b"")
    return path


class _PipeWatchdog:
    """Gives a reader blocked on the test's pipes an end of file, and notes that it had to."""

    def __init__(self, pipes: list[Path]) -> None:
        self.pipes = pipes
        self.rescued = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self) -> _PipeWatchdog:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _watch(self) -> None:
        # a blocked open(O_RDONLY) or read has the pipe open for reading: a writer can then
        # open it (ENXIO otherwise); opening and closing gives the reader EOF. Correct code
        # holds a pipe open for microseconds only, so two hits 0.5 s apart mean a stuck reader.
        hits = 0
        while not self._stop.wait(0.5):
            for pipe in self.pipes:
                try:
                    fd = os.open(pipe, os.O_WRONLY | os.O_NONBLOCK)
                except OSError:
                    continue
                hits += 1
                if hits >= 2:
                    self.rescued = True
                os.close(fd)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_hostile_path(
    folder: Path, memory_cap: None, case: tuple[str, str, tuple[str, ...]], kind: str
) -> None:
    name, suffix, argv = case
    hostile = _make(folder, kind, suffix)
    args = [str(hostile) if a == "H" else a.replace("@H", f"@{hostile}") for a in argv]
    pipes = [p for p in (folder / "pipe", hostile) if kind in ("fifo", "link-to-fifo")]
    with _PipeWatchdog(pipes) as watchdog:
        result = CliRunner().invoke(main, args, catch_exceptions=True)
    shown = result.stdout + result.stderr
    assert not watchdog.rescued, f"{name}: blocked reading a named pipe"
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        name, kind, repr(result.exception))
    assert result.exit_code in (0, 1, 2), (name, kind, result.exit_code, shown[-2000:])
    assert "Traceback" not in shown and "internal error" not in shown, shown[-2000:]
    if kind in ("fifo", "link-to-fifo"):
        assert result.exit_code != 0 and "named pipe" in shown, (name, shown[-600:])
    elif kind == "device":
        assert result.exit_code != 0 and "device" in shown, (name, shown[-600:])
    elif kind == "huge" and suffix != ".sqlite":
        assert result.exit_code != 0 or "longer than" in shown or "too large" in shown, (
            name, shown[-600:])
