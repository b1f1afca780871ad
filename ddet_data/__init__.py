"""ddet-data: the DDET newsletter, its interviews and facts about OPSN as open data.

Python API: `catalog()`, `load(package, table)`, `load_arrow(package, table)`.
"""

from importlib.metadata import version

__version__ = version("ddet-data")

__all__ = ["__version__", "catalog", "load", "load_arrow"]


def __getattr__(name: str):
    # Imported on first use: the CLI should not pay for pandas when it loads no data.
    if name in ("catalog", "load", "load_arrow"):
        from . import loading

        return getattr(loading, name)
    raise AttributeError(f"module 'ddet_data' has no attribute {name!r}")
