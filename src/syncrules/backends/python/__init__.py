"""The Python backend: IR Job → a self-contained evaluator package (module + runtime copy)."""
