"""pytest plugin: a rules repository runs its `.prov` tests with plain `pytest`.

Enabled by the ini option ``prov_tests = true`` (pytest.ini / pyproject.toml) or ``--prov``.
Each `test` block becomes a pytest item located at its .prov line; each fixture file
`<job>.fixtures/*.json` becomes an item whose evaluated results are snapshot-tested with syrupy
(stored under `<job>.fixtures/__snapshots__/`; `pytest --snapshot-update` accepts a change).
Fixture records are evaluated with ``--prov-now``, ``--prov-seed`` and ``--prov-default-domain``
(or the ini options ``prov_now``, ``prov_seed``, ``prov_default_domain``) unless the fixture file
carries its own ``context``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from _pytest._code.code import TerminalRepr, TracebackStyle

_STASH_MODULES = pytest.StashKey[dict[int, Any]]()
# jobs lowered again for tests that set parameters (runner.job_for_case)
_STASH_LOWERED = pytest.StashKey[dict[Any, Any]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("syncrules")
    group.addoption("--prov", action="store_true", help="collect .prov rule tests")
    parser.addini(
        "prov_tests", "collect .prov rule tests and fixture snapshots", type="bool", default=False
    )
    for name, what in (
        ("now", "the clock for fixture records (ISO-8601; default 2025-01-01T00:00:00Z)"),
        ("seed", "the seed for fixture records (default 0)"),
        ("default-domain", "the default domain for fixture records (DefaultDomain())"),
    ):
        group.addoption(f"--prov-{name}", dest=f"prov_{name.replace('-', '_')}", help=what)
        parser.addini(f"prov_{name.replace('-', '_')}", what)


def fixture_context(config: pytest.Config) -> Any:
    """The fixture context of the command line (over the ini options); a bad value is a usage
    error."""
    from syncrules.runtime.context import parse_instant
    from syncrules.testing.fixtures import FixtureContext

    def value(name: str) -> str | None:
        given = config.getoption(name) or config.getini(name)
        return str(given) if given else None

    context = FixtureContext()
    now, seed, domain = value("prov_now"), value("prov_seed"), value("prov_default_domain")
    try:
        if now is not None:
            context = FixtureContext(parse_instant(now), context.seed, context.default_domain)
    except ValueError:
        raise pytest.UsageError(f"--prov-now / prov_now: {now!r} is not an ISO-8601 time") from None
    if seed is not None:
        if not seed.isdigit() or int(seed) > 2**31 - 1:
            raise pytest.UsageError(
                f"--prov-seed / prov_seed: {seed!r} is not an integer from 0 to 2147483647")
        context = FixtureContext(context.now, int(seed), context.default_domain)
    if domain is not None:
        context = FixtureContext(context.now, context.seed, domain)
    return context


def _enabled(config: pytest.Config) -> bool:
    return bool(config.getoption("--prov") or config.getini("prov_tests"))


def pytest_configure(config: pytest.Config) -> None:
    if _enabled(config):
        fixture_context(config)  # a bad --prov-now / --prov-seed is a usage error, up front


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.suffix == ".prov" and _enabled(parent.config):
        return ProvFile.from_parent(parent, path=file_path)
    return None


class ProvFile(pytest.File):
    def collect(self) -> Any:
        from syncrules.api import check_paths
        from syncrules.ir.params import ParamValues
        from syncrules.project import ProjectProblem, select_environment
        from syncrules.testing.fixtures import fixture_files

        # PROV_ENV picks the environment of the project file, as `prov test` does
        environment = select_environment(None, self.path)
        if isinstance(environment, ProjectProblem):
            yield ProvEnvironmentItem.from_parent(self, name="environment", problem=environment)
            return
        given = environment.param_values() if environment is not None else None
        self.environment = environment
        # unset parameters are deferred: a test may set them; each such test is lowered again
        deferred = ParamValues(
            dict(given.values) if given else {}, given.origin if given else None, deferred=True
        )
        result = check_paths([self.path], deferred)
        if not result.ok:
            yield ProvCheckItem.from_parent(self, name="check", result=result)
            return
        own = str(self.path.resolve())
        for job in result.jobs:
            for case in job.tests:
                if str(Path(case.span.file).resolve()) == own:
                    yield ProvTestItem.from_parent(self, name=case.name, job=job, case=case)
            if result.owns_job.get(id(job), True):
                for fixture in fixture_files(job):
                    yield ProvFixtureItem.from_fixture(self, job=job, fixture=fixture)


def _module(config: pytest.Config, job: Any) -> Any:
    from syncrules.backends.python.load import load_evaluator

    cache = config.stash.setdefault(_STASH_MODULES, {})
    if id(job) not in cache:
        cache[id(job)] = load_evaluator(job)
    return cache[id(job)]


class ProvFailure(Exception):
    """A .prov test failed; the message is the readable report."""


class _ProvItem(pytest.Item):
    """An item whose failures are reports about the rules, shown without a Python traceback."""

    def repr_failure(
        self, excinfo: pytest.ExceptionInfo[BaseException], style: TracebackStyle | None = None
    ) -> str | TerminalRepr:
        if isinstance(excinfo.value, ProvFailure):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style)


class ProvCheckItem(_ProvItem):
    def __init__(self, *, result: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.result = result

    def runtest(self) -> None:
        from syncrules.diagnostics.render import render_text

        raise ProvFailure(render_text(self.result.diagnostics, self.result.sources))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"prov check {self.path.name}"


class ProvEnvironmentItem(_ProvItem):
    """PROV_ENV names an environment the project file does not have (or the file is broken)."""

    def __init__(self, *, problem: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.problem = problem

    def runtest(self) -> None:
        raise ProvFailure(f"error: {self.problem.message}")

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"prov environment {self.path.name}"


class ProvTestItem(_ProvItem):
    def __init__(self, *, job: Any, case: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.job = job
        self.case = case

    def runtest(self) -> None:
        from syncrules.testing.runner import job_for_case, run_case

        environment = getattr(self.parent, "environment", None)
        job = self.job
        if job.params:
            lowered = self.config.stash.setdefault(_STASH_LOWERED, {})
            params = environment.param_values() if environment is not None else None
            own = job_for_case(job, self.case, params, lowered)
            if isinstance(own, list):
                from syncrules.diagnostics.render import render_text

                raise ProvFailure(render_text(own))
            job = own
        domain = environment.default_domain if environment is not None else None
        result = run_case(_module(self.config, job), job, self.case, domain)
        if result.status != "passed":
            lines = [f"{result.location}: {result.name}", *(f"  {f}" for f in result.failures)]
            lines += ["what happened:", *(f"  {s}" for s in result.steps)]
            raise ProvFailure("\n".join(lines))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, self.case.span.line - 1, f"prov test: {self.case.name}"


def _fixture_test(config: pytest.Config, job: Any, fixture: Path) -> Any:
    """The test function of one fixture file; it takes syrupy's public ``snapshot`` fixture.

    Its module and name (``syncrules.pytest_plugin._snapshot_target``) are what syrupy uses to
    name the snapshot file, so they stay fixed.
    """

    def _snapshot_target(snapshot: Any) -> None:
        from syncrules.testing.fixtures import fixture_snapshot
        from syncrules.testing.snapshot import FixtureJson

        try:
            text = fixture_snapshot(job, _module(config, job), fixture, fixture_context(config))
        except ValueError as exc:  # unreadable or malformed fixture file: say so, no traceback
            raise ProvFailure(str(exc)) from None
        assert text == snapshot.use_extension(FixtureJson)

    return _snapshot_target


class ProvFixtureItem(pytest.Function):
    """A fixture file, snapshot-tested through syrupy's ``snapshot`` fixture (public API only).

    A :class:`pytest.Function`, so that pytest resolves fixtures for it as for any test; its
    ``path`` is the fixture file, so snapshots live beside it: ``<job>.fixtures/__snapshots__/``.
    """

    @classmethod
    def from_fixture(cls, parent: pytest.Collector, *, job: Any, fixture: Path) -> ProvFixtureItem:
        item = cls.from_parent(
            parent,
            name=f"fixture[{fixture.stem}]",
            callobj=_fixture_test(parent.config, job, fixture),
        )
        item.path = fixture
        item.fixture = fixture
        return item

    fixture: Path

    def repr_failure(  # type: ignore[override]
        self, excinfo: pytest.ExceptionInfo[BaseException]
    ) -> str | TerminalRepr:
        if isinstance(excinfo.value, ProvFailure):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.fixture, 0, f"prov fixture: {self.fixture.name}"
