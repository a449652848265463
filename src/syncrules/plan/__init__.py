"""`prov plan`: what a rule change does, in DSL terms and on fixture records."""
