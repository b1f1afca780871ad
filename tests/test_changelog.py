"""Changelog and version after adding a fact, removing one, correcting one, changing a schema."""

from __future__ import annotations

import copy

import pytest
from hypothesis import given
from hypothesis import strategies as st
from researchkit import SCHEMAS, field, issue, make, rows

from ddet_data.package.changelog import (
    CHANGELOG_TITLE,
    MAJOR,
    MINOR,
    PATCH,
    PackageChanges,
    compare_packages,
    latest_entry,
    next_version,
    render_entry,
    update_changelog,
)


@pytest.fixture
def old(tmp_path):
    return make(tmp_path / "old")


def build(tmp_path, tables=None, schemas=None):
    return make(tmp_path / "new", tables=tables, schemas=schemas)


def test_identical_builds_change_nothing_and_keep_the_version(tmp_path, old):
    changes = compare_packages(old, build(tmp_path))
    assert not changes.has_changes
    assert next_version("1.4.2", changes) == "1.4.2"


def test_first_build_is_1_0_0_with_an_initial_entry(tmp_path):
    changes = compare_packages(None, build(tmp_path))
    assert changes.first and changes.has_changes
    assert next_version(None, changes) == "1.0.0"
    entry = render_entry("1.0.0", changes)
    assert entry.startswith("## 1.0.0\n\nPremière version du paquet.")
    assert "- `issues` : 3 lignes" in entry


def test_adding_a_row_is_minor_and_names_its_key(tmp_path, old):
    tables = rows()
    tables["issues"].append(issue(4, "Quatrième"))
    changes = compare_packages(old, build(tmp_path, tables))
    assert changes.tables["issues"].added == [("4",)]
    assert changes.level == MINOR
    assert next_version("1.4.2", changes) == "1.5.0"
    assert "  - 1 ligne ajoutée(s) : `4`" in render_entry("1.5.0", changes)


def test_removing_a_row_is_a_patch(tmp_path, old):
    tables = rows()
    tables["item_themes"] = tables["item_themes"][:2]
    changes = compare_packages(old, build(tmp_path, tables))
    assert changes.tables["item_themes"].removed == [("2", "inclusion")]
    assert changes.level == PATCH
    assert next_version("1.4.2", changes) == "1.4.3"
    assert "1 ligne retirée(s) : `2 / inclusion`" in render_entry("1.4.3", changes)


def test_correcting_a_value_is_a_patch_naming_the_field(tmp_path, old):
    tables = rows()
    tables["issues"][1]["title"] = "Les données locales (corrigé)"
    changes = compare_packages(old, build(tmp_path, tables))
    assert changes.tables["issues"].changed == [(("2",), ("title",))]
    assert next_version("2.0.0", changes) == "2.0.1"
    assert "1 ligne modifiée(s) : `2` (champs `title`)" in render_entry("2.0.1", changes)


def schemas_with(table, change):
    schemas = copy.deepcopy(SCHEMAS)
    change(schemas[table])
    return schemas


def drop_field(schema, name):
    schema["fields"] = [f for f in schema["fields"] if f["name"] != name]


def test_removing_a_field_is_major(tmp_path, old):
    schemas = schemas_with("issues", lambda s: drop_field(s, "subscribers"))
    tables = rows()
    for row in tables["issues"]:
        del row["subscribers"]
    changes = compare_packages(old, build(tmp_path, tables, schemas))
    assert changes.level == MAJOR
    assert next_version("1.4.2", changes) == "2.0.0"
    assert "champ `subscribers` retiré" in render_entry("2.0.0", changes)
    # The other columns are still compared: nothing else changed.
    assert changes.tables["issues"].changed == []


def test_adding_an_optional_field_is_minor(tmp_path, old):
    schemas = schemas_with(
        "themes", lambda s: s["fields"].append(field("color", "string", "Couleur.", "bleu"))
    )
    tables = rows()
    for row in tables["themes"]:
        row["color"] = None
    changes = compare_packages(old, build(tmp_path, tables, schemas))
    assert changes.level == MINOR
    assert [c.text for c in changes.tables["themes"].schema] == [
        "champ `color` ajouté (facultatif)"
    ]


def retype(schema):
    for f in schema["fields"]:
        if f["name"] == "subscribers":
            f["type"] = "number"


def test_retyping_a_field_is_major(tmp_path, old):
    tables = rows()
    changes = compare_packages(old, build(tmp_path, tables, schemas_with("issues", retype)))
    assert changes.level == MAJOR
    assert "champ `subscribers` : type integer → number" in render_entry("2.0.0", changes)


def set_constraint(name, key, value):
    def change(schema):
        for f in schema["fields"]:
            if f["name"] == name:
                f["constraints"][key] = value

    return change


@pytest.mark.parametrize(
    ("change", "level"),
    [
        (set_constraint("issue_number", "minimum", 0), MAJOR),  # loosened
        (set_constraint("issue_number", "minimum", 2), PATCH),  # tightened
        (set_constraint("title", "required", False), MAJOR),
        (set_constraint("sent_at", "required", False), 0),  # unchanged
        (set_constraint("kind", "enum", ["regular", "special", "summer"]), MINOR),
        (lambda s: s.update(primaryKey=["published_on"]), MAJOR),
        (lambda s: s.update(description="Autre description."), PATCH),
    ],
)
def test_schema_changes_are_classified(tmp_path, old, change, level):
    schemas = schemas_with("issues", change)
    if "summer" in str(schemas["issues"]):
        kind = next(f for f in schemas["issues"]["fields"] if f["name"] == "kind")
        kind["enumDescriptions"] = {v: v for v in kind["constraints"]["enum"]}
    changes = compare_packages(old, build(tmp_path, rows(), schemas))
    assert changes.tables["issues"].level == level


def test_new_and_removed_tables(tmp_path, old):
    tables = rows()
    del tables["item_themes"]
    changes = compare_packages(old, build(tmp_path, tables))
    assert changes.tables["item_themes"].status == "removed"
    assert changes.level == MAJOR
    back = compare_packages(tmp_path / "new", old)
    assert back.tables["item_themes"].status == "added" and back.level == MINOR


def test_update_changelog_puts_the_newest_entry_first_and_replaces_a_same_version():
    text = update_changelog(None, "## 1.0.0\n\nPremière version du paquet.\n")
    assert text.startswith(CHANGELOG_TITLE + "\n")
    text = update_changelog(text, "## 1.1.0\n\n- a\n")
    text = update_changelog(text, "## 1.1.0\n\n- b\n")
    assert text.count("## 1.1.0") == 1 and "- b" in text and "- a" not in text
    assert text.index("## 1.1.0") < text.index("## 1.0.0")
    assert latest_entry(text) == "## 1.1.0\n\n- b\n"
    assert update_changelog(text, "## 1.1.0\n\n- b\n") == text


@given(st.integers(0, 50), st.integers(0, 50), st.integers(0, 50), st.sampled_from([0, 1, 2, 3]))
def test_next_version_is_greater_exactly_when_something_changed(major, minor, patch, level):
    changes = PackageChanges("p", first=False)
    changes.metadata = ["title"] if level == PATCH else []
    if level in (MINOR, MAJOR):
        from ddet_data.package.changelog import SchemaChange, TableChanges

        changes.tables["t"] = TableChanges(schema=[SchemaChange(level, "x")])
    old = (major, minor, patch)
    new = tuple(int(p) for p in next_version(f"{major}.{minor}.{patch}", changes).split("."))
    assert (new > old) == (level > 0)
    assert new[: 3 - level] == old[: 3 - level] if level else new == old
