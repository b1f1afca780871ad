"""A data package: its writer, its schemas, its changelog and its data dictionary."""
