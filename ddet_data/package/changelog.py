"""What changed between two builds of a package, the next version, and its changelog entry.

Rows are compared by primary key on their CSV text (one textual form per value, so equal
text is equal data). The version follows semantic versioning as readers of data need it:

- major: a schema change that breaks readers (a table or field removed or renamed, a
  type or format changed, the primary key changed, a constraint loosened so that values
  old readers never saw can appear);
- minor: additions (tables, fields, rows, enum values);
- patch: corrections (rows changed or removed, descriptions, tightened constraints,
  package metadata).

Nothing here reads the clock: an entry is dated by its version only.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ChangelogError
from .reader import PackageFolder

MAJOR, MINOR, PATCH = 3, 2, 1
LEVEL_NAMES = {MAJOR: "majeure", MINOR: "mineure", PATCH: "corrective"}
CHANGELOG_TITLE = "# Journal des modifications des données"
CHANGELOG_INTRO = (
    "Chaque version du paquet est numérotée selon le versionnage sémantique : "
    "**majeure** quand un changement de schéma peut casser les lectures existantes, "
    "**mineure** pour des ajouts (lignes, champs, tables, valeurs permises), "
    "**corrective** pour des corrections (lignes modifiées ou retirées, descriptions)."
)
KEYS_SHOWN = 20  # keys listed per kind of change; the rest are counted
# Package metadata whose change is a correction; version and resources are the build's own.
METADATA_KEYS = ("name", "title", "description", "licenses", "keywords", "contributors", "sources")
SCHEMA_DOC_KEYS = ("title", "description", "example", "enumDescriptions")


@dataclass(frozen=True)
class SchemaChange:
    level: int  # MAJOR, MINOR or PATCH
    text: str  # French, for the changelog


@dataclass
class TableChanges:
    added: list[tuple[str, ...]] = field(default_factory=list)
    removed: list[tuple[str, ...]] = field(default_factory=list)
    changed: list[tuple[tuple[str, ...], tuple[str, ...]]] = field(default_factory=list)
    schema: list[SchemaChange] = field(default_factory=list)
    status: str = "kept"  # kept, added (new table) or removed (table gone)
    rows: int = 0  # rows in the new table

    @property
    def level(self) -> int:
        levels = [c.level for c in self.schema]
        if self.status == "removed":
            levels.append(MAJOR)
        if self.status == "added" or self.added:
            levels.append(MINOR)
        if self.removed or self.changed:
            levels.append(PATCH)
        return max(levels, default=0)


@dataclass
class PackageChanges:
    package: str
    first: bool  # no previous build: everything is new
    tables: dict[str, TableChanges] = field(default_factory=dict)
    metadata: list[str] = field(default_factory=list)  # descriptor keys that changed

    @property
    def level(self) -> int:
        levels = [t.level for t in self.tables.values()]
        if self.metadata:
            levels.append(PATCH)
        return max(levels, default=0)

    @property
    def has_changes(self) -> bool:
        return self.first or self.level > 0

    def to_dict(self) -> dict:
        return {
            "package": self.package,
            "first": self.first,
            "level": LEVEL_NAMES.get(self.level),
            "metadata": self.metadata,
            "tables": {
                name: {
                    "status": t.status,
                    "added": [list(k) for k in t.added],
                    "removed": [list(k) for k in t.removed],
                    "changed": [{"key": list(k), "fields": list(f)} for k, f in t.changed],
                    "schema": [c.text for c in t.schema],
                }
                for name, t in self.tables.items()
            },
        }


# -- reading a package folder ----------------------------------------------------------


def package_tables(folder: Path) -> tuple[dict, dict[str, tuple[dict, Path]]]:
    """The descriptor and, per table, its schema and CSV path."""
    package = PackageFolder(folder, ChangelogError)
    tables = {
        table.name: (table.schema, package.path / table.csv)
        for table in package.tables().values()
        if table.csv
    }
    return package.descriptor, tables


def read_rows(path: Path, names: list[str], key: list[str]) -> dict[tuple[str, ...], dict]:
    """CSV rows by key, with only `names` kept (text as written)."""
    try:
        with open(path, encoding="utf-8", newline="") as stream:
            reader = csv.DictReader(stream)
            rows = {}
            for row in reader:
                rows[tuple(row.get(k) or "" for k in key)] = {n: row.get(n) or "" for n in names}
            return rows
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ChangelogError(f"{path}: cannot read ({exc})") from exc


# -- comparing -------------------------------------------------------------------------


def compare_packages(old_dir: Path | None, new_dir: Path) -> PackageChanges:
    """Rows added, removed and changed per table (by primary key), and schema changes.

    `old_dir` is the committed package folder, or None (or a folder without
    datapackage.json) for the first build.
    """
    new_descriptor, new_tables = package_tables(new_dir)
    first = old_dir is None or not (old_dir / "datapackage.json").is_file()
    old_descriptor, old_tables = ({}, {}) if first else package_tables(old_dir)
    changes = PackageChanges(new_descriptor.get("name", new_dir.name), first)
    if not first:
        changes.metadata = [
            key for key in METADATA_KEYS if old_descriptor.get(key) != new_descriptor.get(key)
        ]
    for table, (schema, path) in new_tables.items():
        names = [f["name"] for f in schema["fields"]]
        key = schema.get("primaryKey") or names
        key = [key] if isinstance(key, str) else key
        new_rows = read_rows(path, names, key)
        if table not in old_tables:
            changes.tables[table] = TableChanges(
                added=sorted(new_rows), status="added", rows=len(new_rows)
            )
            continue
        old_schema, old_path = old_tables[table]
        found = TableChanges(schema=compare_schemas(old_schema, schema), rows=len(new_rows))
        common = [n for n in names if n in {f["name"] for f in old_schema["fields"]}]
        comparable = all(k in common for k in key)
        old_rows = read_rows(old_path, common, key if comparable else common)
        if not comparable:
            # The key itself is new: rows cannot be matched, so all are replaced.
            found.removed, found.added = sorted(old_rows), sorted(new_rows)
        else:
            found.added = sorted(k for k in new_rows if k not in old_rows)
            found.removed = sorted(k for k in old_rows if k not in new_rows)
            for k in sorted(set(new_rows) & set(old_rows)):
                differ = tuple(n for n in common if new_rows[k][n] != old_rows[k][n])
                if differ:
                    found.changed.append((k, differ))
        changes.tables[table] = found
    for table in old_tables:
        if table not in new_tables:
            old_schema, old_path = old_tables[table]
            names = [f["name"] for f in old_schema["fields"]]
            key = old_schema.get("primaryKey") or names
            key = [key] if isinstance(key, str) else key
            changes.tables[table] = TableChanges(
                removed=sorted(read_rows(old_path, names, key)), status="removed"
            )
    return changes


def compare_schemas(old: dict, new: dict) -> list[SchemaChange]:
    found: list[SchemaChange] = []
    old_fields = {f["name"]: f for f in old.get("fields", [])}
    new_fields = {f["name"]: f for f in new.get("fields", [])}
    for name in old_fields:
        if name not in new_fields:
            found.append(SchemaChange(MAJOR, f"champ `{name}` retiré"))
    for name, new_field in new_fields.items():
        if name not in old_fields:
            required = new_field.get("constraints", {}).get("required", False)
            found.append(
                SchemaChange(
                    MINOR, f"champ `{name}` ajouté ({'obligatoire' if required else 'facultatif'})"
                )
            )
        else:
            found += compare_fields(name, old_fields[name], new_field)
    kept_old = [n for n in old_fields if n in new_fields]
    kept_new = [n for n in new_fields if n in old_fields]
    if kept_old != kept_new:
        found.append(SchemaChange(MINOR, "ordre des champs modifié"))
    if as_list(old.get("primaryKey")) != as_list(new.get("primaryKey")):
        found.append(
            SchemaChange(
                MAJOR,
                f"clé primaire modifiée : {codes(as_list(old.get('primaryKey')))} → "
                f"{codes(as_list(new.get('primaryKey')))}",
            )
        )
    if old.get("foreignKeys", []) != new.get("foreignKeys", []):
        found.append(SchemaChange(PATCH, "clés étrangères modifiées"))
    if old.get("missingValues", [""]) != new.get("missingValues", [""]):
        found.append(SchemaChange(MAJOR, "valeurs manquantes (missingValues) modifiées"))
    if any(old.get(k) != new.get(k) for k in ("title", "description")):
        found.append(SchemaChange(PATCH, "titre ou description de la table modifiés"))
    return found


def compare_fields(name: str, old: dict, new: dict) -> list[SchemaChange]:
    found = []
    where = f"champ `{name}`"
    if old.get("type", "string") != new.get("type", "string"):
        found.append(
            SchemaChange(
                MAJOR,
                f"{where} : type {old.get('type', 'string')} → {new.get('type', 'string')}",
            )
        )
    if old.get("format", "default") != new.get("format", "default"):
        found.append(
            SchemaChange(
                MAJOR,
                f"{where} : format {old.get('format', 'default')} → {new.get('format', 'default')}",
            )
        )
    found += compare_constraints(where, old.get("constraints", {}), new.get("constraints", {}))
    if any(old.get(k) != new.get(k) for k in SCHEMA_DOC_KEYS):
        found.append(SchemaChange(PATCH, f"{where} : documentation modifiée"))
    return found


def compare_constraints(where: str, old: dict, new: dict) -> list[SchemaChange]:
    """Loosening breaks readers (values they never saw may appear); tightening does not."""
    found = []
    if old.get("required", False) != new.get("required", False):
        if new.get("required", False):
            found.append(SchemaChange(PATCH, f"{where} : devient obligatoire"))
        else:
            found.append(SchemaChange(MAJOR, f"{where} : devient facultatif (valeurs vides)"))
    if old.get("unique", False) != new.get("unique", False):
        level = PATCH if new.get("unique", False) else MAJOR
        found.append(SchemaChange(level, f"{where} : contrainte d'unicité modifiée"))
    old_enum, new_enum = old.get("enum"), new.get("enum")
    if old_enum != new_enum:
        if new_enum is None:
            found.append(SchemaChange(MAJOR, f"{where} : liste de valeurs permises supprimée"))
        elif old_enum is None:
            found.append(SchemaChange(PATCH, f"{where} : liste de valeurs permises ajoutée"))
        else:
            added = [v for v in new_enum if v not in old_enum]
            removed = [v for v in old_enum if v not in new_enum]
            if added:
                found.append(
                    SchemaChange(MINOR, f"{where} : valeurs permises ajoutées {codes(added)}")
                )
            if removed:
                found.append(
                    SchemaChange(PATCH, f"{where} : valeurs permises retirées {codes(removed)}")
                )
    for bound, looser in (("minimum", lower), ("maximum", higher)):
        for prefix in ("", "exclusive"):
            key = f"{prefix}{bound.capitalize()}" if prefix else bound
            before, after = old.get(key), new.get(key)
            if before == after:
                continue
            if after is None or (before is not None and looser(after, before)):
                found.append(SchemaChange(MAJOR, f"{where} : {key} assoupli ({before} → {after})"))
            else:
                found.append(SchemaChange(PATCH, f"{where} : {key} resserré ({before} → {after})"))
    for key in ("pattern", "minLength", "maxLength"):
        if old.get(key) != new.get(key):
            level = MAJOR if old.get(key) is not None else PATCH
            found.append(SchemaChange(level, f"{where} : contrainte {key} modifiée"))
    return found


def lower(a, b) -> bool:
    return a < b


def higher(a, b) -> bool:
    return a > b


def as_list(value) -> list:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def codes(values) -> str:
    return ", ".join(f"`{v}`" for v in values)


# -- versions and entries --------------------------------------------------------------


def parse_version(version: str) -> tuple[int, int, int]:
    try:
        major, minor, patch = (int(part) for part in version.split("."))
    except ValueError as exc:
        raise ChangelogError(f"version {version!r} is not MAJOR.MINOR.PATCH") from exc
    return major, minor, patch


def next_version(old_version: str | None, changes: PackageChanges, first: str = "1.0.0") -> str:
    """The semver bump the changes call for; `first` for the first build; same if nothing."""
    if old_version is None or changes.first:
        return first
    major, minor, patch = parse_version(old_version)
    level = changes.level
    if level == MAJOR:
        return f"{major + 1}.0.0"
    if level == MINOR:
        return f"{major}.{minor + 1}.0"
    if level == PATCH:
        return f"{major}.{minor}.{patch + 1}"
    return old_version


def key_text(key: tuple[str, ...]) -> str:
    return "`" + " / ".join(key) + "`"


def key_list(keys: list) -> str:
    shown = ", ".join(key_text(k) for k in keys[:KEYS_SHOWN])
    rest = len(keys) - KEYS_SHOWN
    return shown + (f" et {rest} autre{'s' if rest > 1 else ''}" if rest > 0 else "")


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count > 1 else ''}"


def render_entry(version: str, changes: PackageChanges, date: str | None = None) -> str:
    """One Markdown section for CHANGELOG.md (French), headed by the version."""
    heading = f"## {version}" + (f" ({date})" if date else "")
    lines = [heading, ""]
    if changes.first:
        lines.append("Première version du paquet.")
        lines.append("")
        for table, found in changes.tables.items():
            lines.append(f"- `{table}` : {plural(found.rows, 'ligne')}")
        return "\n".join(lines).rstrip() + "\n"
    lines.append(f"Version {LEVEL_NAMES.get(changes.level, 'inchangée')}.")
    lines.append("")
    if changes.metadata:
        lines.append(f"- Métadonnées du paquet modifiées : {codes(changes.metadata)}")
    for table, found in changes.tables.items():
        items = table_items(found)
        if not items:
            continue
        lines.append(f"- Table `{table}`" + (" :" if items else ""))
        lines += [f"  - {item}" for item in items]
    return "\n".join(lines).rstrip() + "\n"


def table_items(found: TableChanges) -> list[str]:
    if found.status == "removed":
        return [f"table retirée ({plural(len(found.removed), 'ligne')})"]
    items = []
    if found.status == "added":
        return [f"nouvelle table ({plural(len(found.added), 'ligne')})"]
    items += [change.text for change in found.schema]
    if found.added:
        items.append(f"{plural(len(found.added), 'ligne')} ajoutée(s) : {key_list(found.added)}")
    if found.removed:
        items.append(
            f"{plural(len(found.removed), 'ligne')} retirée(s) : {key_list(found.removed)}"
        )
    if found.changed:
        fields = sorted({name for _, names in found.changed for name in names})
        items.append(
            f"{plural(len(found.changed), 'ligne')} modifiée(s) : "
            f"{key_list([k for k, _ in found.changed])} (champs {codes(fields)})"
        )
    return items


def update_changelog(existing_text: str | None, entry: str) -> str:
    """The changelog with `entry` on top; an entry of the same version is replaced."""
    head = f"{CHANGELOG_TITLE}\n\n{CHANGELOG_INTRO}\n"
    entries: list[str] = []
    if existing_text:
        entries = ["## " + part for part in ("\n" + existing_text).split("\n## ")[1:]]
    version_line = entry.splitlines()[0]
    entries = [
        e for e in entries if e.splitlines()[0].split(" (")[0] != version_line.split(" (")[0]
    ]
    parts = [head, entry.rstrip() + "\n", *[e.rstrip() + "\n" for e in entries]]
    return "\n".join(parts)


def latest_entry(changelog_text: str | None) -> str | None:
    """The newest entry of a CHANGELOG.md (for the dataset description)."""
    if not changelog_text or "\n## " not in changelog_text:
        return None
    body = changelog_text.split("\n## ", 1)[1]
    return ("## " + body.split("\n## ", 1)[0]).rstrip() + "\n"
