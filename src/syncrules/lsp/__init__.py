"""`prov lsp`: a Language Server for .prov files (diagnostics, completion, hover, definitions,
symbols, formatting, quick fixes and live values).

``analysis`` and ``scan`` need only syncrules; ``features`` and ``server`` need pygls and
lsprotocol, imported only when `prov lsp` runs. ``client`` is a small stdio client for tests
and benchmarks.
"""
