"""What a built package asks to be on data.gouv.fr: files with their sha1, size and metadata.

This reads the descriptor shape the build writes (`datapackage.json` with CSV and
Parquet resources and `schemas/<table>.json`) and nothing of the build's internals.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import PublishError
from ..package.coverage import temporal_coverage
from ..package.dictionary import render_description, render_description_short
from ..package.reader import PackageFolder
from .markers import DESCRIPTOR_MARKER, DOCUMENT_MARKERS, data_marker, schema_marker

# The package's own documentation, published as documentation resources (their markers
# are what `download` maps back to README.md and CHANGELOG.md): title and description.
DOCUMENTS = {
    "README.md": (
        "Dictionnaire des données (README)",
        "Présentation du paquet, citation, chargement, et chaque champ de chaque table.",
    ),
    "CHANGELOG.md": (
        "Journal des modifications (CHANGELOG)",
        "Lignes ajoutées, retirées et modifiées, et changements de schéma, version par version.",
    ),
    "docs/tables.png": (
        "Schéma des tables et de leurs clés (image)",
        "Les tables du paquet, leurs clés primaires et les renvois entre tables.",
    ),
    "docs/themes.png": (
        "Répartition des enregistrements par thème (image)",
        "Nombre d'articles et d'entretiens rattachés à chaque thème.",
    ),
}


@dataclass(frozen=True)
class LocalFile:
    """One file to publish as one data.gouv.fr resource."""

    marker: str  # the value of the resource's `ddet:resource` extra
    path: Path
    upload_name: str  # the file name sent with the upload
    sha1: str
    size: int
    title: str
    description: str
    type: str  # udata resource type: main or documentation
    format: str
    mimetype: str
    table: str | None = None
    schema_marker: str | None = None  # marker of the resource holding this table's schema

    def is_upload_title(self, title: str | None) -> bool:
        """True if `title` is the name the server gave an upload of this file (any version)."""
        return bool(title) and upload_title_pattern(self.upload_name).fullmatch(title) is not None


@dataclass(frozen=True)
class LocalPackage:
    name: str
    folder: Path
    title: str
    description: str
    version: str
    keywords: tuple[str, ...]
    files: tuple[LocalFile, ...]
    temporal_coverage: dict | None
    description_short: str = ""


def file_facts(path: Path) -> tuple[str, int]:
    digest = hashlib.sha1()
    size = 0
    try:
        with open(path, "rb") as stream:
            while chunk := stream.read(1 << 20):
                digest.update(chunk)
                size += len(chunk)
    except FileNotFoundError as exc:
        raise PublishError(f"{path}: no such file (run 'ddet-data build')") from exc
    return digest.hexdigest(), size


def slug_name(name: str) -> str:
    return re.sub(r"[^a-z0-9.]+", "-", name.lower()).strip("-")


def upload_title_pattern(upload_name: str) -> re.Pattern:
    """Matches the name of any upload of this file, whatever its content's hash."""
    stem, _, rest = upload_name.partition(".")
    _, _, extension = rest.partition(".")
    return re.compile(rf"{re.escape(stem)}\.[0-9a-f]{{8}}\.{re.escape(extension)}")


def make_file(folder: Path, relative: str, marker: str, upload_name: str, **meta) -> LocalFile:
    path = folder / relative
    sha1, size = file_facts(path)
    # udata stores a file under (dataset, second, file name) and answers 500 when that
    # path exists: a name carrying the content's hash collides only with itself.
    # The name is given as the server would normalize it, so that its title matches.
    stem, dot, extension = slug_name(upload_name).partition(".")
    upload_name = f"{stem}.{sha1[:8]}{dot}{extension}"
    return LocalFile(
        marker=marker, path=path, sha1=sha1, size=size, upload_name=upload_name, **meta
    )


def read_package(folder: Path, temporal_fields: tuple[str, ...] = ()) -> LocalPackage:
    """The files of one package folder, in upload order: documentation first."""
    package = PackageFolder(folder, PublishError)
    folder, descriptor = package.path, package.descriptor
    name = descriptor.get("name")
    if not name:
        raise PublishError(f"{folder / 'datapackage.json'}: the package has no name")
    files = [
        make_file(
            folder,
            "datapackage.json",
            DESCRIPTOR_MARKER,
            upload_name="datapackage.json",
            title="Descripteur du paquet de données (datapackage.json)",
            description=(
                "Descripteur Frictionless Data Package : liste des fichiers, leurs "
                "empreintes et le schéma de chaque table."
            ),
            type="documentation",
            format="json",
            mimetype="application/json",
        )
    ]
    for relative, (title, text) in DOCUMENTS.items():
        if (folder / relative).is_file():
            files.append(
                make_file(
                    folder,
                    relative,
                    DOCUMENT_MARKERS[relative],
                    # udata's default allow-list has no .md: the Markdown travels as .txt.
                    upload_name=Path(relative).name.replace(".md", ".txt").lower(),
                    title=title,
                    description=text,
                    type="documentation",
                    # what udata records for a .txt upload, or the picture's format
                    format="png" if relative.endswith(".png") else "txt",
                    mimetype="image/png" if relative.endswith(".png") else "text/plain",
                )
            )
    schemas: dict[str, dict] = {}
    tables: list[tuple[dict, str]] = []
    for table_files in package.tables().values():
        table, schema = table_files.name, table_files.schema
        tables += [(resource, table) for resource in table_files.resources]
        if table_files.schema_path is not None:
            schemas[table] = schema
            files.append(
                make_file(
                    folder,
                    table_files.schema_path,
                    schema_marker(table),
                    upload_name=f"{table}.schema.json",
                    title=f"Schéma de la table {table} (Table Schema)",
                    description=(
                        f"Schéma (Table Schema) de la table « {schema.get('title', table)} » : "
                        "champs, types, contraintes et clés."
                    ),
                    type="documentation",
                    format="json",
                    mimetype="application/json",
                    table=table,
                )
            )
    for resource, table in tables:
        fmt = resource.get("format") or Path(resource["path"]).suffix.lstrip(".")
        label = {"csv": "CSV", "parquet": "Parquet"}.get(fmt, fmt)
        description = resource.get("description", "")
        if fmt == "parquet":
            description += " Mêmes données que le fichier CSV, au format Parquet."
        files.append(
            make_file(
                folder,
                resource["path"],
                data_marker(table, fmt),
                upload_name=Path(resource["path"]).name,
                title=f"{resource.get('title', table)} ({label})",
                description=description.strip(),
                type="main",
                format=fmt,
                mimetype=resource.get("mediatype", "application/octet-stream"),
                table=table,
                schema_marker=schema_marker(table) if table in schemas else None,
            )
        )
    markers = [f.marker for f in files]
    if len(set(markers)) != len(markers):
        raise PublishError(f"{folder}: two resources would publish the same file")
    return LocalPackage(
        name=name,
        folder=folder,
        title=descriptor.get("title") or name,
        description=render_description(folder),
        version=str(descriptor.get("version", "")),
        keywords=tuple(descriptor.get("keywords", [])),
        files=tuple(files),
        description_short=render_description_short(folder),
        temporal_coverage=temporal_coverage(package, temporal_fields),
    )

