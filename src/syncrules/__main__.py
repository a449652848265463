"""`python -m syncrules` runs the `prov` command line."""

from syncrules.cli import main

main()
