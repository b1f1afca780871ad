"""ddet-data: the DDET newsletter, its interviews and facts about OPSN as open data."""

__version__ = "0.1.0"

# After __version__: the client module reads it when imported.
from .load import catalog, load, load_arrow  # noqa: E402

__all__ = ["__version__", "catalog", "load", "load_arrow"]
