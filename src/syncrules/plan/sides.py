"""Load one side of a plan: a .prov file or folder, a compiled JSON document, or `REV:path` (git).

Every side becomes an IR Job (so it can be evaluated) plus its compiled document (so it can be
diffed). A compiled JSON document is decompiled with the importer first.
"""

from __future__ import annotations

import dataclasses
import io
import json
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from syncrules.api import compile_paths
from syncrules.diagnostics import Diagnostic
from syncrules.ir.nodes import Job
from syncrules.ir.params import ParamValues
from syncrules.safeio import resolved, why_unreadable
from syncrules.source import display_path


class SideError(ValueError):
    """A side that cannot be loaded (the message says why)."""


@dataclass
class Side:
    label: str
    job: Job
    document: dict[str, Any]


def _from_prov(path: Path, label: str, params: ParamValues | None = None) -> Side:
    result = compile_paths([path], None, ("json",), params)
    if not result.ok:
        raise SideLoadDiagnostics(label, result.diagnostics, result.sources)
    jobs = result.compiled_jobs()
    if len(jobs) != 1 or len(result.documents) != 1:
        raise SideError(f"{label}: expected exactly one job, found {len(jobs)}")
    return Side(label, jobs[0], result.documents[0][1])


class SideLoadDiagnostics(SideError):
    def __init__(self, label: str, diagnostics: list[Diagnostic], sources: dict[str, Any]) -> None:
        super().__init__(f"{label}: the rules have errors")
        self.label = label
        self.diagnostics = diagnostics
        self.sources = sources

    def relabelled(self, prefix: str, rev: str, root: Path) -> SideLoadDiagnostics:
        """The same diagnostics with files under ``prefix`` (a temporary copy of the git tree
        whose root is ``root``) named ``REV:path``, the path relative to the working folder as
        REV:path arguments are."""

        def name(file: str) -> str:
            if not file.startswith(prefix):
                return file
            inside = root / file[len(prefix):]
            return rev + Path(os.path.relpath(inside, Path.cwd())).as_posix()

        def text(value: str | None) -> str | None:
            if value is None or prefix not in value:
                return value
            return re.sub(re.escape(prefix) + r"[^\s:]*", lambda m: name(m.group(0)), value)

        diagnostics = [
            dataclasses.replace(
                d,
                span=dataclasses.replace(d.span, file=name(d.span.file)),
                message=text(d.message) or d.message,
                hint=text(d.hint),
            )
            for d in self.diagnostics
        ]
        sources = {name(file): source for file, source in self.sources.items()}
        return SideLoadDiagnostics(self.label, diagnostics, sources)


def _from_json(path: Path, label: str, workdir: Path) -> Side:
    from syncrules.importer.decompile import ImportProblem, decompile, read_schema_file

    try:
        doc = read_schema_file(path)
        imported = decompile(doc, path.name, "side.preserve.json")
    except ImportProblem as exc:
        raise SideError(
            str(exc) if exc.named else exc.located or f"{label}: {exc}"
        ) from None
    target = workdir / "side.prov"
    (workdir / "side.preserve.json").write_text(json.dumps(imported.preserve), encoding="utf-8")
    target.write_text(imported.text, encoding="utf-8")
    side = _from_prov(target, label)
    job = doc.get("job")  # an object or null: checked by decompile
    side.document = {
        "job": job if isinstance(job, dict) else side.document["job"],
        "schema": side.document["schema"],
    }
    return side


def _git_root() -> Path:
    done = subprocess.run(
        ["git", "rev-parse", "--show-toplevel"], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SideError("REV:path needs a git repository: " + done.stderr.strip())
    return Path(done.stdout.strip())


def _from_git(spec: str, workdir: Path, params: ParamValues | None = None) -> Side:
    rev, _, rel = spec.partition(":")
    root = _git_root()
    path = resolved(Path.cwd() / rel)
    try:
        inside = path.relative_to(root)
    except ValueError:
        raise SideError(f"{spec}: {rel} is not inside the git repository {root}") from None
    folder = inside.parent if inside.suffix in (".prov", ".json") else inside
    archive = subprocess.run(
        ["git", "archive", "--format=tar", rev, "--", folder.as_posix() or "."],
        cwd=root,
        capture_output=True,
        check=False,
    )
    if archive.returncode != 0:
        said = archive.stderr.decode(errors="replace").strip().removeprefix("fatal: ")
        known = subprocess.run(
            ["git", "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"],
            cwd=root,
            capture_output=True,
            check=False,
        )
        if known.returncode != 0:
            said = f"git has no revision '{rev}' (a branch, tag or commit) in {root}"
        elif "did not match any files" in said or "pathspec" in said:
            said = f"revision '{rev}' has no {folder.as_posix() or '.'}"
        raise SideError(f"{spec}: {said}")
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(workdir, filter="data")
    try:
        return load_side(str(workdir / inside), workdir / "_json", label=spec, params=params)
    except SideLoadDiagnostics as exc:
        # name the files as REV:path, the way the user names them, not by the temporary copy
        raise exc.relabelled(display_path(workdir) + "/", f"{rev}:", root) from None


def load_side(
    spec: str,
    workdir: Path | None = None,
    label: str | None = None,
    params: ParamValues | None = None,
) -> Side:
    """Load one side of a plan; files it needs on the way (a decompiled schema, a git tree) go
    to ``workdir``, a temporary folder removed before returning when none is given (a Side
    holds everything in memory). ``params``: the values of ``$name`` parameters (.prov sides)."""
    if workdir is None:
        temporary = Path(tempfile.mkdtemp(prefix="prov-plan-"))
        try:
            return load_side(spec, temporary, label, params)
        finally:
            shutil.rmtree(temporary, ignore_errors=True)
    label = label or spec
    workdir.mkdir(parents=True, exist_ok=True)
    path = Path(spec)
    if not path.exists() and ":" in spec and not spec.startswith(("/", ".")):
        return _from_git(spec, workdir / "git", params)
    if path.suffix == ".json":
        return _from_json(path, label, workdir)
    try:
        os.stat(path)
    except FileNotFoundError:
        raise SideError(f"{label}: no such file or folder") from None
    except OSError as exc:  # a loop of symbolic links, no permission to reach it
        raise SideError(f"{label}: {why_unreadable(exc)}") from None
    return _from_prov(path, label, params)
