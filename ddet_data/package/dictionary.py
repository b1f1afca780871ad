"""The data dictionary: README.md of a written package, and the data.gouv.fr description.

Everything is read from the package folder (descriptor, schemas, CSV files) and nothing
else: no clock, no README or CHANGELOG, so two builds give the same bytes and
`build --check` catches stale docs. The text is French: it is what data users read.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import DocsError
from .changelog import latest_entry
from .pictures import TABLES_PICTURE, THEMES_PICTURE, draw_pictures, theme_counts
from .reader import PackageFolder

# udata's DESCRIPTION_SIZE_LIMIT and DESCRIPTION_SHORT_SIZE_LIMIT
# (udata/core/dataset/constants.py, udata 17.18): the dataset form rejects longer ones.
DESCRIPTION_LIMIT = 100_000
SHORT_LIMIT = 200
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


def read_package(folder: Path) -> tuple[PackageFolder, dict[str, dict], dict[str, list[str]]]:
    """The package, its schemas by table, and the files of each table (descriptor order)."""
    package = PackageFolder(folder, DocsError)
    tables = package.tables()
    schemas = {name: table.schema for name, table in tables.items()}
    files = {name: [r["path"] for r in table.resources] for name, table in tables.items()}
    return package, schemas, files


def csv_rows(package: PackageFolder, relative: str) -> list[dict]:
    return list(package.rows(relative))


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


def theme_chart(package: PackageFolder) -> list[str]:
    """Records per theme for every table that refers to `themes`, as a text bar chart."""
    labels, counts = theme_counts(package)
    if not counts:
        return []
    tables = package.tables()
    largest = max((c for counter in counts.values() for c in counter.values()), default=0)
    lines = [
        "## Répartition par thème",
        "",
        "Nombre d'enregistrements rattachés à chaque thème, par table "
        "(un enregistrement peut relever de plusieurs thèmes).",
        "",
        "| Thème | " + " | ".join(cell(tables[t].schema.get("title", t)) for t in counts) + " |",
        "| --- | " + " | ".join("---" for _ in counts) + " |",
    ]
    for theme_id, label in sorted(labels.items(), key=lambda item: item[0]):
        bars = []
        for table in counts:
            count = counts[table].get(theme_id, 0)
            width = round(BAR_WIDTH * count / largest) if largest else 0
            bars.append(("█" * width + " " if width else "") + number(count))
        lines.append(f"| {cell(label)} ({code(theme_id)}) | " + " | ".join(bars) + " |")
    return [*lines, ""]


def code_fields(schemas: dict[str, dict]) -> dict[str, list[str]]:
    """Text fields whose values are digits (INSEE codes, SIREN, years written as text):
    a CSV reader that guesses types turns "06" into 6 and a SIREN into a number."""
    found: dict[str, list[str]] = {}
    for table, schema in schemas.items():
        for field in schema.get("fields", []):
            example = str(field.get("example", ""))
            if field.get("type", "string") == "string" and example.isdigit():
                found.setdefault(table, []).append(field["name"])
    return found


def codes_section(schemas: dict[str, dict]) -> list[str]:
    codes = code_fields(schemas)
    if not codes:
        return []
    table, fields = next(iter(codes.items()))
    dtypes = ", ".join(f'"{f}": str' for f in fields)
    lines = [
        "## Codes : les lire comme du texte",
        "",
        "Ces colonnes sont des codes écrits en chiffres (code INSEE d'un territoire, "
        "SIREN, année écrite comme texte) : un zéro initial compte (« 06 » n'est pas 6). "
        "Les fichiers Parquet les gardent comme texte ; un lecteur de CSV qui devine les "
        "types les change en nombres.",
        "",
    ]
    for name, names in codes.items():
        lines.append(f"- {code(name)} : " + ", ".join(code(f) for f in names))
    lines += [
        "",
        "Pour les lire comme du texte depuis le CSV :",
        "",
        "- pandas : `pd.read_csv(..., dtype=str)` pour toutes les colonnes, ou "
        f"`dtype={{{dtypes}}}` pour {code(table)} ;",
        "- DuckDB : `read_csv('data/<table>.csv', all_varchar = true)`, ou mieux le "
        "fichier Parquet ;",
        '- R : `readr::read_csv("data/<table>.csv", col_types = readr::cols(.default = "c"))` ;',
        "- tableur (LibreOffice, Excel) : importer le CSV en choisissant le type « Texte » "
        "pour ces colonnes, plutôt que de l'ouvrir directement.",
        "",
    ]
    return lines


def texts_section(schemas: dict[str, dict]) -> list[str]:
    """How to check the interview answers' offsets against the published page texts."""
    if "interview_texts" not in schemas or "interview_answers" not in schemas:
        return []
    return [
        "## Vérifier les positions dans les entretiens",
        "",
        "La table `interview_texts` publie le texte de chaque page d'entretien. Les "
        "positions de `interview_answers` (`question_start`, `question_end`, "
        "`answer_start`, `answer_end`) comptent des caractères dans ce texte, à partir "
        "de 0, fin exclue : `text[question_start:question_end]` redonne la question, mot "
        "pour mot. En Python, depuis le dossier du paquet :",
        "",
        "```python",
        "import pandas as pd",
        "",
        'texts = pd.read_parquet("data/interview_texts.parquet").set_index("interview_id")',
        'answers = pd.read_parquet("data/interview_answers.parquet")',
        "for row in answers.itertuples():",
        '    text = texts.loc[row.interview_id, "text"]',
        "    assert text[row.question_start : row.question_end] == row.question",
        "    assert text[row.answer_start : row.answer_end] == row.answer",
        "```",
        "",
    ]


def loading_section(descriptor: dict, tables: list[str], codes: dict[str, list[str]]) -> list[str]:
    """Examples that run as written from the package folder (tests run each of them)."""
    name = descriptor.get("name", "")
    first = next(iter(codes), tables[0] if tables else "table")
    dtypes = ", ".join(f'"{f}": str' for f in codes.get(first, []))
    read_csv = f'pd.read_csv("data/{first}.csv"' + (f", dtype={{{dtypes}}})" if dtypes else ")")
    return [
        "## Charger les données",
        "",
        "Chaque table est fournie en CSV (UTF-8, virgule) et en Parquet (typé). "
        "Les exemples se lancent depuis le dossier du paquet : celui qu'écrit "
        f"`ddet-data download {name} --dest {name}`, ou un dossier où l'on a téléchargé "
        "`datapackage.json`, `data/` et `schemas/`.",
        "",
        "pandas :",
        "",
        "```python",
        "import pandas as pd",
        "",
        f'{first} = pd.read_parquet("data/{first}.parquet")',
        f"{first}_csv = {read_csv}",
        "```",
        "",
        "DuckDB :",
        "",
        "```sql",
        f"SELECT * FROM 'data/{first}.parquet' LIMIT 10;",
        f"SELECT * FROM read_csv('data/{first}.csv', all_varchar = true) LIMIT 10;",
        "```",
        "",
        "Python avec ddet-data (types du schéma : entiers, dates, booléens, catégories) :",
        "",
        "```python",
        "import ddet_data",
        "",
        f'{first} = ddet_data.load("{name}", "{first}", source=".")  # DataFrame pandas',
        f'{first}_arrow = ddet_data.load_arrow("{name}", "{first}", source=".")',
        "```",
        "",
        "Frictionless (valider le paquet) :",
        "",
        "```sh",
        "frictionless validate datapackage.json",
        "```",
        "",
    ]


# -- the whole document ----------------------------------------------------------------


def repository(package: PackageFolder) -> str | None:
    """The address of the code and sources: only where the package's descriptor gives one."""
    return package.descriptor.get("homepage") or None


def table_list(schemas: dict[str, dict], counts: dict[str, int]) -> list[str]:
    lines = ["| Table | Titre | Lignes | Description |", "| --- | --- | --- | --- |"]
    for table, schema in schemas.items():
        lines.append(
            f"| {code(table)} | {cell(schema.get('title', ''))} | {number(counts[table])} | "
            f"{cell(schema.get('description', ''))} |"
        )
    return [*lines, ""]


def summary_table(package: PackageFolder, schemas: dict[str, dict]) -> list[str]:
    descriptor = package.descriptor
    licences = [
        f"[{lic.get('title') or lic.get('name')}]({lic['path']})"
        if lic.get("path")
        else str(lic.get("title") or lic.get("name"))
        for lic in descriptor.get("licenses", [])
    ]
    lines = [
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
    if repository(package):
        lines.append(f"| Code et sources | {repository(package)} |")
    return [*lines, ""]


def row_counts(package: PackageFolder, files: dict[str, list[str]]) -> dict[str, int]:
    return {
        table: sum(1 for _ in package.rows(csv_path(paths))) if csv_path(paths) else 0
        for table, paths in files.items()
    }


def fields_part(schemas, files, counts, fields: bool) -> list[str]:
    lines = ["## Dictionnaire des données", ""]
    if fields:
        for table, schema in schemas.items():
            lines += table_section(table, schema, files[table], counts[table])
        return lines
    return [
        *lines,
        "Le dictionnaire complet (chaque champ, son type, sa description, son exemple et "
        "ses contraintes) est dans le fichier README.md publié avec le jeu de données, et "
        "chaque schéma dans `schemas/<table>.json`.",
        "",
    ]


def render_readme(package_dir: Path) -> str:
    """README.md of a written package, for GitHub and the published files: what it is,
    licence, citation, loading, codes, tables, a Mermaid diagram, every field."""
    package, schemas, files = read_package(Path(package_dir))
    descriptor = package.descriptor
    counts = row_counts(package, files)
    lines = [f"# {descriptor.get('title', package.name)}", ""]
    if descriptor.get("description"):
        lines += [" ".join(descriptor["description"].split()), ""]
    lines += [
        *summary_table(package, schemas),
        "Les données sont un paquet [Frictionless Data](https://frictionlessdata.io/) : "
        "`datapackage.json` décrit chaque fichier, son empreinte et son schéma "
        "(`schemas/<table>.json`, au format Table Schema).",
        "",
        "## Citer ce jeu de données",
        "",
        f"> {citation(descriptor, repository(package))}",
        "",
        *loading_section(descriptor, list(schemas), code_fields(schemas)),
        *codes_section(schemas),
        *texts_section(schemas),
        "## Tables",
        "",
        *table_list(schemas, counts),
        "## Schéma relationnel",
        "",
        *er_diagram(schemas),
        "",
        *theme_chart(package),
        *fields_part(schemas, files, counts, fields=True),
    ]
    return "\n".join(lines).rstrip() + "\n"


def picture(package: PackageFolder, relative: str, text: str) -> list[str]:
    """An image shown from the description. Its address is known only once the file is
    uploaded: `{{resource:<marker>}}` stands for it (the marker is the file's path), and
    publishing puts the resource's stable URL in its place."""
    if not (package.path / relative).is_file():
        return []
    return [f"![{text}]({{{{resource:{relative}}}}})", ""]


def render_description_short(package_dir: Path) -> str:
    """At most 200 characters for data.gouv.fr: the description's first sentence."""
    descriptor = PackageFolder(Path(package_dir), DocsError).descriptor
    text = " ".join(str(descriptor.get("description", "")).split())
    first = text.split(". ", 1)[0].rstrip(".") + "."
    if len(first) <= SHORT_LIMIT:
        return first
    return first[: SHORT_LIMIT - 1].rsplit(" ", 1)[0] + "…"


def render_description(package_dir: Path, limit: int = DESCRIPTION_LIMIT) -> str:
    """The data.gouv.fr description, for its Markdown (GitHub-flavoured, one newline is a
    line break, headings demoted, no Mermaid): what the data is for first (the page shows
    the title above it), pictures instead of the diagram, the latest changelog entry, and
    no more than `limit` characters.
    """
    package, schemas, files = read_package(Path(package_dir))
    descriptor = package.descriptor
    counts = row_counts(package, files)
    changelog = package.path / "CHANGELOG.md"
    entry = latest_entry(changelog.read_text(encoding="utf-8")) if changelog.is_file() else None
    news = []
    if entry:
        version, _, body = entry.partition("\n")
        news = [
            f"## Dernière version : {version.removeprefix('## ').strip()}",
            body.strip(),
            "",
            "L'historique complet est dans le fichier CHANGELOG.md publié avec le jeu de données.",
            "",
        ]
    # As written: sources/packages.yaml folds its lines, and a line break a maintainer
    # writes on purpose is one on data.gouv.fr too (one newline is a line break there).
    head = [str(descriptor.get("description", "")).strip(), ""]
    head += [
        *summary_table(package, schemas),
        "## Tables et clés",
        "",
        *picture(
            package,
            TABLES_PICTURE,
            "Les tables du paquet, leurs clés et les renvois entre tables",
        ),
        *table_list(schemas, counts),
    ]
    themes = picture(package, THEMES_PICTURE, "Nombre d'enregistrements par thème et par table")
    if themes:
        head += ["## Répartition par thème", "", *themes]
    head += [
        *codes_section(schemas),
        *texts_section(schemas),
        *loading_section(descriptor, list(schemas), code_fields(schemas)),
        "## Citer ce jeu de données",
        "",
        f"> {citation(descriptor, repository(package))}",
        "",
        *news,
    ]
    for fields in (True, False):
        text = "\n".join([*head, *fields_part(schemas, files, counts, fields)]).rstrip() + "\n"
        if len(text) <= limit:
            return text
    note = "\n\n(Description tronquée : voir le fichier README.md publié avec le jeu de données.)\n"
    return text[: limit - len(note)].rsplit("\n", 1)[0] + note


def write_readme(package_dir: Path) -> Path:
    """Draw the pictures, then write README.md into the package folder; its path."""
    draw_pictures(Path(package_dir))
    path = Path(package_dir) / "README.md"
    path.write_text(render_readme(package_dir), encoding="utf-8")
    return path


def write_docs(staging_dir: Path, base_dir: Path | None) -> str:
    """Finish a freshly written package as the build does: its version and CHANGELOG.md
    from the base package (see `releases.finish_release`), then README.md, which shows
    the new version. Returns the version. Same inputs, same bytes."""
    from .releases import finish_release

    release = finish_release(Path(staging_dir), base_dir)
    write_readme(staging_dir)
    return release.version
