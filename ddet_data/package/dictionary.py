"""The data dictionary: README.md of a written package, and the data.gouv.fr description.

Everything is read from the package folder (descriptor, schemas, CSV files) and nothing
else: no clock, no README or CHANGELOG, so two builds give the same bytes and
`build --check` catches stale docs. The text is French: it is what data users read.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

from ..errors import DocsError
from ..text.jsonio import read_json
from .changelog import latest_entry

# udata's DESCRIPTION_SIZE_LIMIT (udata/core/dataset/constants.py, udata 17.18): the
# dataset form rejects a longer description.
# Fields that can name a theme in a chart, best first.
LABEL_FIELDS = ("label_fr", "label", "name", "title")
DESCRIPTION_LIMIT = 100_000
BAR_WIDTH = 20
TYPES_FR = {
    "string": "texte",
    "integer": "entier",
    "number": "nombre décimal",
    "boolean": "booléen",
    "date": "date",
    "datetime": "date et heure",
    "time": "heure",
    "year": "année",
    "yearmonth": "année-mois",
    "duration": "durée",
    "array": "liste",
    "object": "objet",
    "geopoint": "point géographique",
    "geojson": "GeoJSON",
    "any": "quelconque",
}
CONSTRAINT_TEXT = {
    "minimum": "≥ {}",
    "maximum": "≤ {}",
    "exclusiveMinimum": "> {}",
    "exclusiveMaximum": "< {}",
    "minLength": "longueur ≥ {}",
    "maxLength": "longueur ≤ {}",
    "pattern": "motif `{}`",
}


# -- reading ---------------------------------------------------------------------------


def read_package(folder: Path) -> tuple[dict, dict[str, dict], dict[str, list[str]]]:
    """Descriptor, schemas by table, and the files of each table (in descriptor order)."""
    descriptor = read_json(folder / "datapackage.json", DocsError)
    schemas: dict[str, dict] = {}
    files: dict[str, list[str]] = {}
    for resource in descriptor.get("resources", []):
        table = resource.get("table", resource.get("name"))
        files.setdefault(table, []).append(resource["path"])
        if isinstance(resource.get("schema"), str):
            schemas[table] = read_json(folder / resource["schema"], DocsError)
        elif isinstance(resource.get("schema"), dict):
            schemas[table] = resource["schema"]
    return descriptor, schemas, {t: files[t] for t in schemas}


def csv_rows(folder: Path, relative: str) -> list[dict]:
    try:
        with open(folder / relative, encoding="utf-8", newline="") as stream:
            return list(csv.DictReader(stream))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise DocsError(f"{folder / relative}: cannot read ({exc})") from exc


def csv_path(files: list[str]) -> str | None:
    return next((f for f in files if f.endswith(".csv")), None)


# -- small Markdown helpers ------------------------------------------------------------


def cell(text) -> str:
    """A value fit for a Markdown table cell."""
    return " ".join(str(text).split()).replace("|", "\\|")


def code(text) -> str:
    text = str(text)
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def number(count: int) -> str:
    """French thousands separator (narrow no-break space)."""
    return f"{count:,}".replace(",", "\u202f")


def key_fields(value) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


# -- pieces ----------------------------------------------------------------------------


def citation(descriptor: dict, homepage: str | None = None) -> str:
    """The "how to cite" line: authors (year). Title, version. Licence. Where."""
    authors = ", ".join(c.get("title", "") for c in descriptor.get("contributors", [])) or (
        "Mainteneurs de ddet-data"
    )
    year = str(descriptor.get("created", ""))[:4]
    licence = ", ".join(
        lic.get("title") or lic.get("name", "") for lic in descriptor.get("licenses", [])
    )
    parts = [
        f"{authors} ({year})." if year else f"{authors}.",
        f"*{descriptor.get('title', descriptor.get('name', ''))}*,",
        f"version {descriptor.get('version', '')} [jeu de données].",
    ]
    if licence:
        parts.append(f"{licence}.")
    if homepage:
        parts.append(homepage)
    return " ".join(parts)


def constraints_text(field: dict) -> str:
    constraints = field.get("constraints", {})
    parts = []
    for key, template in CONSTRAINT_TEXT.items():
        if key in constraints:
            parts.append(template.format(constraints[key]))
    if constraints.get("unique"):
        parts.append("unique")
    if field.get("format") not in (None, "default"):
        parts.append(f"format {field['format']}")
    if "enum" in constraints:
        parts.append("valeurs : " + ", ".join(code(v) for v in constraints["enum"]))
    return "; ".join(parts)


def field_table(schema: dict) -> list[str]:
    lines = [
        "| Champ | Type | Obligatoire | Description | Exemple | Contraintes |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for field in schema.get("fields", []):
        kind = field.get("type", "string")
        required = "oui" if field.get("constraints", {}).get("required") else "non"
        example = field.get("example")
        lines.append(
            "| "
            + " | ".join(
                [
                    code(field["name"]),
                    f"{TYPES_FR.get(kind, kind)} ({kind})",
                    required,
                    described(field),
                    code(cell(example)) if example not in (None, "") else "",
                    cell(constraints_text(field)),
                ]
            )
            + " |"
        )
    return lines


def described(field: dict) -> str:
    title, text = cell(field.get("title", "")), cell(field.get("description", ""))
    return f"**{title}** : {text}" if title and text else title or text


def enum_lists(schema: dict) -> list[str]:
    lines = []
    for field in schema.get("fields", []):
        values = field.get("constraints", {}).get("enum")
        if not values:
            continue
        described = field.get("enumDescriptions", {})
        lines += ["", f"Valeurs de {code(field['name'])} :", ""]
        for value in values:
            text = described.get(str(value), "")
            lines.append(f"- {code(value)}" + (f" : {' '.join(text.split())}" if text else ""))
    return lines


def keys_lines(schema: dict) -> list[str]:
    lines = []
    primary = key_fields(schema.get("primaryKey"))
    if primary:
        lines.append(f"- Clé primaire : {', '.join(code(f) for f in primary)}")
    for foreign in schema.get("foreignKeys", []):
        fields = key_fields(foreign.get("fields"))
        reference = foreign.get("reference", {})
        target = reference.get("resource") or schema.get("name", "")
        targets = key_fields(reference.get("fields"))
        lines.append(
            f"- Clé étrangère : {', '.join(code(f) for f in fields)} → "
            f"{', '.join(code(f'{target}.{t}') for t in targets)}"
        )
    return lines


def table_section(table: str, schema: dict, files: list[str], rows: int) -> list[str]:
    lines = [f"### {code(table)} : {cell(schema.get('title', table))}", ""]
    if schema.get("description"):
        lines += [schema["description"].strip(), ""]
    lines.append(f"- Lignes : {number(rows)}")
    lines += keys_lines(schema)
    lines.append("- Fichiers : " + ", ".join(code(f) for f in files))
    lines += ["", *field_table(schema), *enum_lists(schema), ""]
    return lines


def er_diagram(schemas: dict[str, dict]) -> list[str]:
    """A Mermaid erDiagram: one entity per table, one relationship per foreign key."""
    lines = ["```mermaid", "erDiagram"]
    for table, schema in schemas.items():
        primary = set(key_fields(schema.get("primaryKey")))
        foreign = {
            name for fk in schema.get("foreignKeys", []) for name in key_fields(fk.get("fields"))
        }
        lines.append(f"    {table} {{")
        for field in schema.get("fields", []):
            marks = [
                m
                for m, on in (("PK", field["name"] in primary), ("FK", field["name"] in foreign))
                if on
            ]
            lines.append(
                f"        {field.get('type', 'string')} {field['name']}"
                + (f" {', '.join(marks)}" if marks else "")
            )
        lines.append("    }")
    for table, schema in schemas.items():
        by_name = {f["name"]: f for f in schema.get("fields", [])}
        for foreign in schema.get("foreignKeys", []):
            fields = key_fields(foreign.get("fields"))
            parent = foreign.get("reference", {}).get("resource") or table
            if parent not in schemas:
                continue
            optional = any(
                not by_name.get(f, {}).get("constraints", {}).get("required") for f in fields
            )
            left = "|o" if optional else "||"
            lines.append(f'    {parent} {left}--o{{ {table} : "{", ".join(fields)}"')
    lines.append("```")
    return lines


def theme_chart(folder: Path, schemas: dict[str, dict], files: dict[str, list[str]]) -> list[str]:
    """Rows per theme for every table that refers to `themes`, as a text bar chart."""
    if "themes" not in schemas or not csv_path(files["themes"]):
        return []
    themes_schema = schemas["themes"]
    theme_key = key_fields(themes_schema.get("primaryKey"))
    if len(theme_key) != 1:
        return []
    label_field = next(
        (f["name"] for f in themes_schema["fields"] if f["name"] in LABEL_FIELDS),
        theme_key[0],
    )
    themes = {
        row[theme_key[0]]: row.get(label_field) or row[theme_key[0]]
        for row in csv_rows(folder, csv_path(files["themes"]))
    }
    counts: dict[str, Counter] = {}
    for table, schema in schemas.items():
        for foreign in schema.get("foreignKeys", []):
            reference = foreign.get("reference", {})
            fields = key_fields(foreign.get("fields"))
            if reference.get("resource") != "themes" or len(fields) != 1 or table == "themes":
                continue
            others = [f for f in key_fields(schema.get("primaryKey")) if f != fields[0]]
            seen = {
                (row[fields[0]], tuple(row.get(f, "") for f in others))
                for row in csv_rows(folder, csv_path(files[table]))
                if row.get(fields[0])
            }
            counts[table] = Counter(theme for theme, _ in seen)
    if not counts:
        return []
    tables = list(counts)
    largest = max((c for counter in counts.values() for c in counter.values()), default=0)
    lines = [
        "## Répartition par thème",
        "",
        "Nombre d'enregistrements rattachés à chaque thème, par table "
        "(un enregistrement peut relever de plusieurs thèmes).",
        "",
        "| Thème | " + " | ".join(cell(schemas[t].get("title", t)) for t in tables) + " |",
        "| --- | " + " | ".join("---" for _ in tables) + " |",
    ]
    for theme_id, label in sorted(themes.items(), key=lambda item: item[0]):
        bars = []
        for table in tables:
            count = counts[table].get(theme_id, 0)
            width = round(BAR_WIDTH * count / largest) if largest else 0
            bars.append(("█" * width + " " if width else "") + number(count))
        lines.append(f"| {cell(label)} ({code(theme_id)}) | " + " | ".join(bars) + " |")
    return [*lines, ""]


def loading_section(descriptor: dict, tables: list[str]) -> list[str]:
    name = descriptor.get("name", "")
    first = tables[0] if tables else "table"
    return [
        "## Charger les données",
        "",
        "Chaque table est fournie en CSV (UTF-8, virgule) et en Parquet (typé). "
        "Les exemples supposent que le dossier du paquet est le dossier courant.",
        "",
        "Python, avec ddet-data (types du schéma : entiers, dates, booléens, catégories) :",
        "",
        "```python",
        "import ddet_data",
        "",
        "ddet_data.catalog()  # paquets, tables et descriptions",
        f'{first} = ddet_data.load("{name}", "{first}")  # DataFrame pandas',
        f'{first}_arrow = ddet_data.load_arrow("{name}", "{first}")  # table Arrow',
        "```",
        "",
        "Télécharger le paquet depuis data.gouv.fr (empreintes vérifiées) :",
        "",
        "```sh",
        f"ddet-data download {name} --dest {name}",
        "```",
        "",
        "pandas seul :",
        "",
        "```python",
        "import pandas as pd",
        "",
        f'{first} = pd.read_parquet("data/{first}.parquet")',
        "```",
        "",
        "DuckDB :",
        "",
        "```sql",
        f"SELECT * FROM 'data/{first}.parquet' LIMIT 10;",
        f"SELECT * FROM read_csv('data/{first}.csv') LIMIT 10;",
        "```",
        "",
        "Frictionless (valider le paquet, lire une table) :",
        "",
        "```sh",
        "frictionless validate datapackage.json",
        "```",
        "",
        "```python",
        "from frictionless import Package",
        "",
        'package = Package("datapackage.json")',
        f'rows = package.get_resource("{first}").read_rows()',
        "```",
        "",
    ]


# -- the whole document ----------------------------------------------------------------


def render_readme(package_dir: Path, *, diagram: bool = True, fields: bool = True) -> str:
    """README.md of a written package: what it is, licence, citation, loading, tables.

    `diagram=False` leaves out the Mermaid diagram and `fields=False` the field tables
    (used to fit the data.gouv.fr description).
    """
    folder = Path(package_dir)
    descriptor, schemas, files = read_package(folder)
    counts = {
        table: len(csv_rows(folder, csv_path(paths))) if csv_path(paths) else 0
        for table, paths in files.items()
    }
    homepage = next((s["homepage"] for s in schemas.values() if s.get("homepage")), None)
    licences = [
        f"[{lic.get('title') or lic.get('name')}]({lic['path']})"
        if lic.get("path")
        else str(lic.get("title") or lic.get("name"))
        for lic in descriptor.get("licenses", [])
    ]
    lines = [f"# {descriptor.get('title', descriptor.get('name', ''))}", ""]
    if descriptor.get("description"):
        lines += [descriptor["description"].strip(), ""]
    lines += [
        "| | |",
        "| --- | --- |",
        f"| Paquet | {code(descriptor.get('name', ''))} |",
        f"| Version | {descriptor.get('version', '')} |",
        f"| Licence | {', '.join(licences)} |",
        f"| Créé le | {str(descriptor.get('created', ''))[:10]} |",
        f"| Tables | {len(schemas)} |",
    ]
    if descriptor.get("keywords"):
        lines.append(f"| Mots-clés | {cell(', '.join(descriptor['keywords']))} |")
    if homepage:
        lines.append(f"| Code et sources | {homepage} |")
    lines += [
        "",
        "Les données sont un paquet [Frictionless Data](https://frictionlessdata.io/) : "
        "`datapackage.json` décrit chaque fichier, son empreinte et son schéma "
        "(`schemas/<table>.json`, au format Table Schema).",
        "",
        "## Citer ce jeu de données",
        "",
        f"> {citation(descriptor, homepage)}",
        "",
        *loading_section(descriptor, list(schemas)),
        "## Tables",
        "",
        "| Table | Titre | Lignes | Description |",
        "| --- | --- | --- | --- |",
    ]
    for table, schema in schemas.items():
        lines.append(
            f"| {code(table)} | {cell(schema.get('title', ''))} | {number(counts[table])} | "
            f"{cell(schema.get('description', ''))} |"
        )
    lines.append("")
    if diagram:
        lines += ["## Schéma relationnel", "", *er_diagram(schemas), ""]
    lines += theme_chart(folder, schemas, files)
    if fields:
        lines += ["## Dictionnaire des données", ""]
        for table, schema in schemas.items():
            lines += table_section(table, schema, files[table], counts[table])
    else:
        lines += [
            "## Dictionnaire des données",
            "",
            "Le dictionnaire complet (chaque champ, son type, sa description, son exemple "
            "et ses contraintes) est dans le fichier README.md publié avec le jeu de "
            "données, et chaque schéma dans `schemas/<table>.json`.",
            "",
        ]
    return "\n".join(lines).rstrip() + "\n"


def render_description(package_dir: Path, limit: int = DESCRIPTION_LIMIT) -> str:
    """The data.gouv.fr description: the README without Mermaid (not drawn there), the
    latest changelog entry, and no more than `limit` characters.
    """
    folder = Path(package_dir)
    changelog = folder / "CHANGELOG.md"
    entry = latest_entry(changelog.read_text(encoding="utf-8")) if changelog.is_file() else None
    news = []
    if entry:
        version, _, body = entry.partition("\n")
        news = [
            "",
            f"## Dernière version : {version.removeprefix('## ').strip()}",
            body.rstrip(),
            "",
            "L'historique complet est dans le fichier CHANGELOG.md publié avec le jeu de données.",
        ]
    for fields in (True, False):
        text = render_readme(folder, diagram=False, fields=fields).rstrip() + "\n"
        text += "\n".join(news) + ("\n" if news else "")
        if len(text) <= limit:
            return text
    note = "\n\n(Description tronquée : voir le fichier README.md publié avec le jeu de données.)\n"
    return text[: limit - len(note)].rsplit("\n", 1)[0] + note


def write_readme(package_dir: Path) -> Path:
    """Write README.md into the package folder and return its path."""
    path = Path(package_dir) / "README.md"
    path.write_text(render_readme(package_dir), encoding="utf-8")
    return path


def write_docs(staging_dir: Path, committed_dir: Path | None) -> str:
    """Finish a freshly written package: version, CHANGELOG.md and README.md; returns
    the version.

    The version is the committed one, bumped by what changed (`changelog.next_version`);
    the changelog gets a new entry only when something changed (the first build, or a
    committed package without a changelog, gets an initial one); README.md is rendered
    last, so it shows the new version. Same inputs, same bytes.
    """
    from ..text.jsonio import dump_json
    from .changelog import compare_packages, next_version, render_entry, update_changelog

    staging_dir = Path(staging_dir)
    committed = (
        committed_dir
        if committed_dir is not None and (Path(committed_dir) / "datapackage.json").is_file()
        else None
    )
    changes = compare_packages(committed, staging_dir)
    old_version = (
        read_json(committed / "datapackage.json", DocsError).get("version") if committed else None
    )
    version = next_version(old_version, changes)
    descriptor = read_json(staging_dir / "datapackage.json", DocsError)
    if descriptor.get("version") != version:
        descriptor["version"] = version
        (staging_dir / "datapackage.json").write_text(dump_json(descriptor), encoding="utf-8")
    old_log = committed / "CHANGELOG.md" if committed else None
    old_text = old_log.read_text(encoding="utf-8") if old_log and old_log.is_file() else None
    if old_text is None:
        text = update_changelog(None, render_entry(version, compare_packages(None, staging_dir)))
    elif changes.has_changes:
        text = update_changelog(old_text, render_entry(version, changes))
    else:
        text = old_text
    (staging_dir / "CHANGELOG.md").write_text(text, encoding="utf-8")
    write_readme(staging_dir)
    return version
