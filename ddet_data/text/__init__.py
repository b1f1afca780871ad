"""Reading and writing text: YAML with line numbers, JSON, dates and official codes."""
