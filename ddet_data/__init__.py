"""ddet-data: the DDET newsletter, its interviews and facts about OPSN as open data."""

__version__ = "0.1.0"
