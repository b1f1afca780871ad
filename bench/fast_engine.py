"""The fast engine alone on a package, without the CLI: the report as JSON (a bench aid).

`python bench/fast_engine.py datapackage.json [--limit-errors N]`
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ddet_data.validate.fast.engine import validate_resource_fast


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="bench/fast_engine.py")
    parser.add_argument("descriptor")
    parser.add_argument("--limit-errors", type=int, default=1000)
    options = parser.parse_args(argv)
    descriptor_path = Path(options.descriptor)
    package = json.loads(descriptor_path.read_text(encoding="utf-8"))
    basepath = descriptor_path.parent
    for item in package["resources"]:
        if isinstance(item.get("schema"), str):
            item["schema"] = json.loads((basepath / item["schema"]).read_text(encoding="utf-8"))
    tasks = [
        validate_resource_fast(item, basepath, package, limit_errors=options.limit_errors)
        for item in package["resources"]
    ]
    errors = sum(task["stats"]["errors"] for task in tasks)
    report = {"valid": not errors, "stats": {"tasks": len(tasks), "errors": errors},
              "warnings": [], "errors": [], "tasks": tasks}  # fmt: skip
    print(json.dumps(report, indent=2, default=str))
    return 0 if report["valid"] else 3


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
