"""context: reproducible randomness, the clock, the 'taken' oracle."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from syncrules.runtime import EvalContext, fn_Guid, fn_RandomString


def test_same_seed_same_values() -> None:
    a, b = EvalContext(seed=7), EvalContext(seed=7)
    assert [fn_Guid(a), fn_RandomString(a, 12, 2, 2, 2, 2)] == [
        fn_Guid(b),
        fn_RandomString(b, 12, 2, 2, 2, 2),
    ]
    assert fn_Guid(EvalContext(seed=8)) != fn_Guid(EvalContext(seed=7))


def test_now_is_utc() -> None:
    assert EvalContext(now=datetime(2021, 1, 1, 12)).now == datetime(2021, 1, 1, 12, tzinfo=UTC)
    plus2 = timezone(timedelta(hours=2))
    assert EvalContext(now=datetime(2021, 1, 1, 12, tzinfo=plus2)).now.hour == 10


def test_taken_set_is_case_insensitive_and_predicate_decides() -> None:
    ctx = EvalContext(taken=frozenset({"John.Smith@contoso.com"}))
    assert ctx.is_taken("john.smith@CONTOSO.com")
    assert not ctx.is_taken("j.smith@contoso.com")
    exact = EvalContext(taken=lambda value: value == "A")
    assert exact.is_taken("A") and not exact.is_taken("a")
