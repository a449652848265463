"""Catalogues: Entra expression functions and source/target attribute schemas (package data)."""
