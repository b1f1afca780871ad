"""The `ddet-data` command line: the click group in `main`, one module per command group."""
