"""Pictures of a package for data.gouv.fr, whose Markdown draws no Mermaid: the tables
and their keys, and the records per theme. PNG files under `docs/` in the package folder.

Drawn with matplotlib's Agg renderer and the DejaVu Sans font matplotlib ships, at a
fixed size and resolution, with no date or software name in the file: the same package
gives the same bytes on any machine with the pinned matplotlib.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from .reader import PackageFolder

DOCS = "docs"
TABLES_PICTURE = "docs/tables.png"
THEMES_PICTURE = "docs/themes.png"
DPI = 100
FONT = "DejaVu Sans"
# Fields that can name a theme in a chart, best first.
LABEL_FIELDS = ("label_fr", "label", "name", "title")
BOX_WIDTH, LINE_HEIGHT, COLUMN_GAP, ROW_GAP = 3.2, 0.32, 1.3, 0.5
COLOURS = {"box": "#e8edff", "edge": "#000091", "text": "#161616", "bars": ("#000091", "#e1000f")}


def key_fields(value) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def pyplot():
    """matplotlib set for reproducible files (imported late: only the build needs it)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update(
        {
            "font.family": FONT,
            "font.size": 10,
            "svg.hashsalt": "ddet-data",
            "path.simplify": True,
            "figure.dpi": DPI,
        }
    )
    return plt


def save(figure, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=DPI, format="png", metadata={"Software": None})


def table_depths(package: PackageFolder) -> dict[str, int]:
    """Column of each table: 0 for a table that refers to no other, else one more than
    the deepest table it refers to (so every arrow points left)."""
    tables = package.tables()
    parents = {
        name: {
            fk.get("reference", {}).get("resource") or name
            for fk in table.schema.get("foreignKeys", [])
        }
        - {name}
        for name, table in tables.items()
    }
    depths: dict[str, int] = {}

    def depth(name: str, seen: frozenset = frozenset()) -> int:
        if name not in depths:
            known = [p for p in parents.get(name, ()) if p in tables and p not in seen]
            depths[name] = 1 + max((depth(p, seen | {name}) for p in known), default=-1)
        return depths[name]

    for name in tables:
        depth(name)
    return depths


def draw_tables(package: PackageFolder, path: Path) -> Path:
    """One box per table (its name, primary key fields and foreign key fields), and an
    arrow from each foreign key to the table it refers to."""
    plt = pyplot()
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    tables = package.tables()
    depths = table_depths(package)
    columns: dict[int, list[str]] = {}
    for name in tables:
        columns.setdefault(depths[name], []).append(name)
    lines: dict[str, list[str]] = {}
    for name, table in tables.items():
        primary = key_fields(table.schema.get("primaryKey"))
        foreign = [
            f for fk in table.schema.get("foreignKeys", []) for f in key_fields(fk.get("fields"))
        ]
        lines[name] = [f"clé : {f}" for f in primary] + [
            f"renvoi : {f}" for f in dict.fromkeys(foreign) if f not in primary
        ]
    heights = {name: LINE_HEIGHT * (len(lines[name]) + 1.6) for name in tables}
    places: dict[str, tuple[float, float]] = {}  # top-left corner
    column_heights = {}
    for column, names in columns.items():
        y = 0.0
        for name in names:
            places[name] = (column * (BOX_WIDTH + COLUMN_GAP), -y)
            y += heights[name] + ROW_GAP
        column_heights[column] = y - ROW_GAP
    width = len(columns) * (BOX_WIDTH + COLUMN_GAP) - COLUMN_GAP + 0.4
    height = max(column_heights.values(), default=1.0) + 0.4
    figure = plt.figure(figsize=(width, height))
    axes = figure.add_axes((0, 0, 1, 1))
    axes.set_xlim(-0.2, width - 0.2)
    axes.set_ylim(-height + 0.2, 0.2)
    axes.axis("off")
    for name in tables:
        x, y = places[name]
        axes.add_patch(
            FancyBboxPatch(
                (x, y - heights[name]),
                BOX_WIDTH,
                heights[name],
                boxstyle="round,pad=0,rounding_size=0.08",
                facecolor=COLOURS["box"],
                edgecolor=COLOURS["edge"],
                linewidth=1.2,
                zorder=2,  # above the arrows, which pass behind the boxes
            )
        )
        axes.text(
            x + 0.12,
            y - 0.12,
            name,
            va="top",
            ha="left",
            fontweight="bold",
            fontsize=11,
            color=COLOURS["edge"],
            zorder=3,
        )
        for index, text in enumerate(lines[name]):
            axes.text(
                x + 0.12,
                y - 0.12 - LINE_HEIGHT * (index + 1.3),
                text,
                va="top",
                ha="left",
                fontsize=9,
                color=COLOURS["text"],
                zorder=3,
            )
    for name, table in tables.items():
        for fk in table.schema.get("foreignKeys", []):
            parent = fk.get("reference", {}).get("resource") or name
            if parent not in tables or parent == name:
                continue
            (cx, cy), (px, py) = places[name], places[parent]
            axes.add_patch(
                FancyArrowPatch(
                    (cx, cy - heights[name] / 2),
                    (px + BOX_WIDTH, py - heights[parent] / 2),
                    arrowstyle="-|>",
                    mutation_scale=12,
                    color=COLOURS["edge"],
                    linewidth=0.9,
                    connectionstyle="arc3,rad=0.1",
                    zorder=1,
                )
            )
    save(figure, path)
    plt.close(figure)
    return path


def theme_counts(package: PackageFolder) -> tuple[dict[str, str], dict[str, Counter]]:
    """Theme labels, and for each table that refers to `themes` its records per theme."""
    tables = package.tables()
    themes = tables.get("themes")
    if themes is None or themes.csv is None:
        return {}, {}
    (theme_key,) = key_fields(themes.schema.get("primaryKey")) or [None]
    if theme_key is None:
        return {}, {}
    label = next(
        (f["name"] for f in themes.schema["fields"] if f["name"] in LABEL_FIELDS), theme_key
    )
    labels = {row[theme_key]: row.get(label) or row[theme_key] for row in package.rows(themes.csv)}
    counts: dict[str, Counter] = {}
    for name, table in tables.items():
        for fk in table.schema.get("foreignKeys", []):
            fields = key_fields(fk.get("fields"))
            if fk.get("reference", {}).get("resource") != "themes" or len(fields) != 1:
                continue
            if name == "themes" or table.csv is None:
                continue
            others = [f for f in key_fields(table.schema.get("primaryKey")) if f != fields[0]]
            seen = {
                (row[fields[0]], tuple(row.get(f, "") for f in others))
                for row in package.rows(table.csv)
                if row.get(fields[0])
            }
            counts[name] = Counter(theme for theme, _ in seen)
    return labels, counts


def draw_themes(package: PackageFolder, path: Path) -> Path | None:
    """Horizontal bars: records per theme, one bar per table that refers to themes."""
    labels, counts = theme_counts(package)
    if not counts:
        return None
    plt = pyplot()
    tables = package.tables()
    order = sorted(labels, key=lambda theme: labels[theme], reverse=True)
    height = 0.9 + 0.32 * len(order) * max(1, len(counts)) ** 0.5
    figure, axes = plt.subplots(figsize=(9.0, height))
    bar = 0.8 / len(counts)
    for index, (table, counter) in enumerate(counts.items()):
        positions = [i + index * bar - 0.4 + bar / 2 for i in range(len(order))]
        axes.barh(
            positions,
            [counter.get(theme, 0) for theme in order],
            height=bar,
            label=f"{tables[table].schema.get('title', table)} ({table})",
            color=COLOURS["bars"][index % len(COLOURS["bars"])],
        )
    axes.set_yticks(range(len(order)), [labels[theme] for theme in order])
    axes.set_xlabel("Nombre d'enregistrements (un enregistrement peut relever de plusieurs thèmes)")
    axes.xaxis.get_major_locator().set_params(integer=True)
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), frameon=False)
    figure.tight_layout()
    save(figure, path)
    plt.close(figure)
    return path


def draw_pictures(folder: Path) -> list[str]:
    """Draw every picture the package calls for; their paths relative to the folder."""
    package = PackageFolder(folder)
    drawn = [draw_tables(package, package.path / TABLES_PICTURE)]
    drawn.append(draw_themes(package, package.path / THEMES_PICTURE))
    return [str(p.relative_to(package.path)) for p in drawn if p is not None]
