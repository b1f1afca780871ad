"""The streaming pyarrow engine: source, schema, cells, keys and findings."""
