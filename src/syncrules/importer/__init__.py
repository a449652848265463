"""`prov import`: decompile a Graph synchronizationSchema into a readable .prov file."""
