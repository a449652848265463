"""The syrupy extension for fixture results: one reviewable JSON file per fixture."""

from __future__ import annotations

from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode


class FixtureJson(SingleFileSnapshotExtension):
    _write_mode = WriteMode.TEXT
    file_extension = "json"
