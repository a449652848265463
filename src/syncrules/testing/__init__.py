"""Rule tests: `test` blocks run through the generated evaluators, coverage, fixture snapshots."""
