"""Reading .prov text: the grammar, the parser and syntax-error translation."""
