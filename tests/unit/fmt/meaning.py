"""What a .prov text means, for "formatting preserves meaning" assertions.

Two texts mean the same when they lower to equal IR jobs (equality ignores spans), report the same
diagnostic codes, and compile to byte-identical job configurations (the ``job.source`` path
aside). Files are written under a temporary folder because the compiler reads paths.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from syncrules.api import compile_paths
from syncrules.backends.jobconfig.emit import dumps
from syncrules.ir.nodes import Job


@dataclass
class Meaning:
    job: Job | None
    codes: Counter[str]
    json: list[str]


def meaning(text: str) -> Meaning:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "input.prov"
        path.write_text(text, encoding="utf-8")
        result = compile_paths([path], None, ("json",))
    texts = []
    for _, document in result.documents:
        document["job"].pop("source", None)
        texts.append(dumps(document))
    job = result.jobs[0] if result.jobs else None
    return Meaning(job, Counter(d.code.value for d in result.diagnostics), texts)


def assert_same_meaning(before: str, after: str) -> None:
    a, b = meaning(before), meaning(after)
    assert a.job == b.job
    assert a.codes == b.codes
    assert a.json == b.json
