"""The one JSON form the project writes, and one reader that fails with file and line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..errors import DdetError


def dump_json(data: Any) -> str:
    """The one JSON form the project writes: stable, readable, UTF-8, final newline."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def read_json(path: Path, error: type[DdetError] = DdetError) -> dict:
    """Read a JSON file the project wrote or reads, failing as `error` with file and line."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise error(f"{path}: no such file") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"{path}: cannot read it ({exc})") from exc
    except json.JSONDecodeError as exc:
        raise error(f"{path}:{exc.lineno}: malformed JSON: {exc.msg}") from exc
