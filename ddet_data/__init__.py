"""ddet-data: the DDET newsletter, its interviews and facts about OPSN as open data.

Python API: `catalog()`, `load(package, table)`, `load_arrow(package, table)`.
"""

__all__ = ["__version__", "catalog", "load", "load_arrow"]


def __getattr__(name: str):
    if name == "__version__":
        # Read on demand: scanning the installed distributions costs every CLI run ~20 ms.
        from importlib.metadata import version

        return version("ddet-data")
    # Imported on first use: the CLI should not pay for pandas when it loads no data.
    if name in ("catalog", "load", "load_arrow"):
        from . import loading

        return getattr(loading, name)
    raise AttributeError(f"module 'ddet_data' has no attribute {name!r}")
