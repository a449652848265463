"""`prov lsp`: a Language Server for .prov files (diagnostics, completion, hover, definitions,
symbols, formatting, quick fixes and live values).

``analysis`` (a document as the checker sees it, live values), ``scan`` (the lexical context at
the cursor) and ``incremental`` (parsing only what a change touched) need only syncrules;
``features`` and ``server`` need pygls and lsprotocol, imported only when `prov lsp` runs.
``client`` is a small stdio client for the tests and the benchmark.
"""
