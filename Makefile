test:
	python -m pytest

snapshots:
	python -m pytest tests/test_cases.py --snapshot-update
	cd examples && python -m pytest --snapshot-update

lint:
	ruff check src tests

types:
	python -m mypy src/syncrules

bench:
	python benchmarks/bench_run.py

ci:
	bash .ci/run

.PHONY: test snapshots lint types bench ci
