"""Fixtures for the graph tests: the loopback fake Graph (started per test), fake time, a CLI."""

from __future__ import annotations

from collections.abc import Iterator

import click
import pytest
from fake_graph import FakeGraph
from graph_support import JOB, SP, TOKEN, Cli, FakeTime, live_schema

from syncrules.graph.commands import register


@pytest.fixture
def fake_graph() -> Iterator[FakeGraph]:
    server = FakeGraph(TOKEN).start()
    server.add_job(SP, JOB, live_schema())
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def cli(fake_graph: FakeGraph, fake_time: FakeTime) -> Cli:
    group = click.Group("prov")
    register(group)
    return Cli(fake_graph, fake_time, group)
