"""Backends: IR Job → artefacts (the Graph job configuration, the Python evaluator package)."""
