"""The plan as a short Markdown summary, fit for a pull-request comment or a job summary.

It is drawn from the plan's JSON form (what `plan --json` prints), plus each local
package's version and newest changelog entry: per dataset, what is created, replaced,
updated and deleted, with counts, the version change and the changelog entry. Nothing
here knows the API key; the plan does not hold it.
"""

from __future__ import annotations

from pathlib import Path

from ..package.changelog import latest_entry
from ..package.reader import PackageFolder

VERSION_MARKER = "ddet:version"
# The plan's action kinds, by the column of the summary they count in.
COLUMNS = {
    "created": ("create_dataset", "upload"),
    "replaced": ("replace_file",),
    "updated": ("update_dataset", "update_resource"),
    "deleted": ("delete_resource",),
}
SYMBOLS = {
    "create_dataset": "+ create dataset",
    "upload": "+ upload",
    "replace_file": "~ replace file",
    "update_dataset": "~ update dataset",
    "update_resource": "~ update resource",
    "delete_resource": "- delete resource",
    "stale": "! stale resource (kept)",
}


def local_packages(paths: list[Path]) -> dict[str, PackageFolder]:
    """The package folders a plan was made from, by package name."""
    folders = [PackageFolder(path) for path in paths]
    return {folder.name: folder for folder in folders}


def render_markdown(plan: dict, packages: dict[str, PackageFolder] | None = None) -> str:
    """The summary of a plan dict; `packages` give the local version and changelog."""
    packages = packages or {}
    total = plan.get("changes", 0)
    lines = [
        f"### ddet-data plan: {total} change(s)" if total else "### ddet-data plan: no change",
        "",
        f"Target `{plan.get('api_url', '')}`, organization `{plan.get('organization', '')}`"
        + (", with `--prune`" if plan.get("prune") else "")
        + ".",
    ]
    for package in plan.get("packages", []):
        lines += ["", *render_package(package, packages.get(package.get("package", "")))]
    if not total:
        lines += ["", "Nothing to do: the server is up to date."]
    return "\n".join(lines) + "\n"


def render_package(package: dict, folder: PackageFolder | None) -> list[str]:
    actions = package.get("actions", [])
    name = package.get("package", "")
    where = f"[dataset]({package['dataset_url']})" if package.get("dataset_url") else "new dataset"
    lines = [f"#### `{name}`: {where}", ""]
    counts = {column: count(actions, kinds) for column, kinds in COLUMNS.items()}
    stale = count(actions, ("stale",))
    unchanged = sum(1 for a in actions if a.get("action") == "unchanged" and a.get("resource"))
    if any(counts.values()):
        lines += [
            "| created | replaced | updated | deleted | unchanged |",
            "| ---: | ---: | ---: | ---: | ---: |",
            "| " + " | ".join(str(counts[c]) for c in COLUMNS) + f" | {unchanged} |",
        ]
    else:
        lines.append(f"Up to date: {unchanged} resource(s), none to change.")
    lines.append("")
    old, new = versions(actions, folder)
    changed = old != new
    if changed:
        lines.append(f"Version: {old or 'none'} → **{new or 'unknown'}**")
    elif new:
        lines.append(f"Version: {new} (unchanged)")
    for warning in package.get("warnings", []):
        lines.append(f"> [!WARNING]\n> {one_line(warning)}")
    if stale:
        lines.append(f"{stale} resource(s) gone locally are kept (`--prune` deletes them).")
    listed = [describe(action) for action in actions if action.get("action") in SYMBOLS]
    if listed:
        lines += ["", "<details><summary>Changes</summary>", "", "```text", *listed, "```"]
        lines += ["", "</details>"]
    entry = latest_entry(read_changelog(folder)) if changed and folder else None
    if entry:
        body = entry.split("\n", 1)[1].strip() if "\n" in entry else ""
        lines += ["", f"<details><summary>Changelog {new}</summary>", "", body, "", "</details>"]
    return lines


def count(actions: list[dict], kinds: tuple[str, ...]) -> int:
    return sum(1 for action in actions if action.get("action") in kinds)


def versions(actions: list[dict], folder: PackageFolder | None) -> tuple[str | None, str | None]:
    """(the server's version, the local one): from the dataset's version marker."""
    local = folder.version if folder else None
    for action in actions:
        if action.get("action") == "create_dataset":
            return None, local
        extras = (action.get("changes") or {}).get("extras")
        if action.get("action") == "update_dataset" and isinstance(extras, dict):
            old = (extras.get("old") or {}).get(VERSION_MARKER)
            new = (extras.get("new") or {}).get(VERSION_MARKER)
            if old != new:
                return old, new or local
    return local, local


def describe(action: dict) -> str:
    """One line per change: what, on which resource, and the names of changed fields
    (not their values: a description is long and belongs to the diff of the files)."""
    line = SYMBOLS[action["action"]]
    if action.get("resource"):
        line += f" {action['resource']}"
    fields = [key for key in action.get("changes") or {} if key != "checksum"]
    if action.get("detail"):
        line += f": {action['detail']}"
    if fields:
        line += f" ({', '.join(fields)})"
    return one_line(line).replace("```", "'''")


def one_line(text: str) -> str:
    return " ".join(str(text).split())


def read_changelog(folder: PackageFolder) -> str | None:
    path = folder.path / "CHANGELOG.md"
    return path.read_text(encoding="utf-8") if path.is_file() else None
