"""The plan is a pure diff: local package and remote state in, actions out."""

from __future__ import annotations

from ddet_data.datagouv import plan as planning
from ddet_data.datagouv.config import DatasetSettings
from ddet_data.datagouv.local import read_package

from .packages import make_package

ORG = "0123456789abcdef01234567"
LINKED = "Paquet d'essai. ![Schéma des numéros]({{resource:issues/schema}})"


def remote_dataset(package) -> dict:
    """The dataset as the server would show it after a perfect publish."""
    payload = planning.dataset_payload(package, DatasetSettings(), ORG)
    resources = []
    for number, file in enumerate(package.files):
        rid = f"r{number}"
        resources.append(
            {
                "id": rid,
                "latest": f"https://example.org/api/1/datasets/r/{rid}",
                "checksum": {"type": "sha1", "value": file.sha1},
                "filesize": file.size,
                "title": file.title,
                "description": file.description,
                "type": file.type,
                "format": file.format,
                "extras": {"ddet:resource": file.marker, "analysis:checked": True},
            }
        )
    by_marker = {r["extras"]["ddet:resource"]: r for r in resources}
    for file, resource in zip(package.files, resources, strict=True):
        if file.schema_marker:
            resource["schema"] = {"url": by_marker[file.schema_marker]["latest"], "name": None}
    return {
        **payload,
        "id": "d1",
        "organization": {"id": ORG, "slug": "org"},
        "spatial": {**payload["spatial"], "geom": None},
        "extras": {**payload["extras"], "recommendations:x": 1},
        "resources": resources,
    }


def kinds(package_plan) -> list[tuple[str, str | None]]:
    return [(a.kind, a.marker) for a in package_plan.changes]


def test_absent_dataset_is_created_with_every_file(tmp_path):
    package = read_package(make_package(tmp_path / "p", "p"))
    result = planning.plan_package(package, DatasetSettings(), ORG, None)
    assert kinds(result)[0] == ("create_dataset", None)
    assert sorted(m for k, m in kinds(result)[1:]) == sorted(f.marker for f in package.files)
    # Never a mixed version: data files first, then schemas, the descriptor last.
    assert [m for k, m in kinds(result)[1:]] == [
        "issues/csv", "issues/parquet", "themes/csv", "themes/parquet",
        "issues/schema", "themes/schema", "datapackage/json",
    ]  # fmt: skip
    # A data file's schema is not uploaded yet: its URL is resolved on apply.
    csv = next(a for a in result.actions if a.marker == "issues/csv")
    assert csv.body["schema"]["url"] == planning.SchemaRef("issues/schema")
    assert planning.unresolved(csv.body) == ["issues/schema"]


def test_identical_remote_state_plans_nothing(tmp_path):
    package = read_package(make_package(tmp_path / "p", "p"))
    result = planning.plan_package(package, DatasetSettings(), ORG, remote_dataset(package))
    assert result.changes == []


def test_changed_file_is_replaced_and_retitled(tmp_path):
    package = read_package(make_package(tmp_path / "p", "p"))
    remote = remote_dataset(package)
    remote["resources"][3]["checksum"]["value"] = "0" * 40
    remote["resources"][3]["title"] = "issues.0000abcd.csv"
    result = planning.plan_package(package, DatasetSettings(), ORG, remote)
    # One change: the title the server gave the upload is set back with the metadata
    # sent after every upload, and is no change of its own.
    assert kinds(result) == [("replace_file", "issues/csv")]
    (action,) = result.changes
    assert "title" not in action.changes
    assert action.body["title"] == "Numéros de la newsletter (CSV)"
    assert action.body["extras"]["analysis:checked"] is True  # others' extras kept
    assert "title" not in planning.describe(action)


def test_a_changed_title_on_a_replaced_file_is_shown(tmp_path):
    package = read_package(make_package(tmp_path / "p", "p"))
    remote = remote_dataset(package)
    remote["resources"][3]["checksum"]["value"] = "0" * 40
    remote["resources"][3]["title"] = "Ancien titre"
    (action,) = planning.plan_package(package, DatasetSettings(), ORG, remote).changes
    assert action.changes["title"] == ("Ancien titre", "Numéros de la newsletter (CSV)")


def test_unmarked_upload_is_adopted_and_orphans_deleted(tmp_path):
    package = read_package(make_package(tmp_path / "p", "p"))
    remote = remote_dataset(package)
    csv = next(f for f in package.files if f.marker == "themes/csv")
    adopted = next(r for r in remote["resources"] if r["extras"]["ddet:resource"] == csv.marker)
    adopted["extras"] = {}
    adopted["title"] = csv.upload_name
    orphan = {
        "id": "orphan",
        "checksum": {"type": "sha1", "value": "f" * 40},
        "title": csv.upload_name.replace(csv.sha1[:8], "deadbeef"),
        "extras": {},
    }
    foreign = {"id": "foreign", "checksum": {"value": "e" * 40}, "title": "notes.pdf"}
    remote["resources"] += [orphan, foreign]
    result = planning.plan_package(package, DatasetSettings(), ORG, remote)
    assert kinds(result) == [
        ("update_resource", "themes/csv"),
        ("delete_resource", orphan["title"]),
    ]
    assert result.changes[0].resource_id == adopted["id"]


def test_resources_gone_locally_are_deleted_only_with_prune(tmp_path):
    full = read_package(make_package(tmp_path / "full", "p"))
    remote = remote_dataset(full)
    from .packages import ROWS

    smaller = read_package(make_package(tmp_path / "small", "p", {"issues": ROWS["issues"]}))
    kept = planning.plan_package(smaller, DatasetSettings(), ORG, remote)
    assert {a.marker for a in kept.actions if a.kind == "stale"} == {
        "themes/schema", "themes/csv", "themes/parquet"
    }  # fmt: skip
    assert all(a.kind != "delete_resource" for a in kept.actions)
    pruned = planning.plan_package(smaller, DatasetSettings(), ORG, remote, prune=True)
    deleted = {a.marker for a in pruned.changes if a.kind == "delete_resource"}
    assert deleted == {"themes/schema", "themes/csv", "themes/parquet"}


def test_metadata_changes_show_old_and_new(tmp_path):
    package = read_package(make_package(tmp_path / "p", "p"))
    remote = remote_dataset(package)
    remote["license"] = "notspecified"
    remote["tags"] = ["x"]
    settings = DatasetSettings(tags=("Données publiques", "ab"))
    result = planning.plan_package(package, settings, ORG, remote)
    (action,) = result.changes
    assert action.changes["license"] == ("notspecified", "lov2")
    assert action.changes["tags"] == (["x"], ["donnees-publiques"])
    text = planning.describe(action)
    assert "license: notspecified → lov2" in text
    # The dataset's metadata and version marker go last, after every file.
    assert result.actions[-1] is action


def test_plan_text_one_line_per_change_unchanged_counted(tmp_path):
    package = read_package(make_package(tmp_path / "p", "p"))
    remote = remote_dataset(package)
    remote["description"] = remote["description"].replace("`issue_number`", "`numero`")
    remote["frequency"] = "monthly"
    result = planning.plan_package(package, DatasetSettings(), ORG, remote)
    the_plan = planning.Plan("https://example.org/api/1", ORG, [result])
    text = planning.render(the_plan)
    changed = [line for line in text.splitlines() if "`issue_number`" in line]
    old = [line for line in text.splitlines() if "`numero`" in line]
    assert len(changed) == len(old) >= 1  # the changed lines only, old and new
    assert all(line.lstrip().startswith("+ ") for line in changed)
    assert all(line.lstrip().startswith("- ") for line in old)
    assert "      frequency: monthly → irregular" in text.splitlines()
    assert "  = unchanged: 7 resources (--verbose lists them)" in text.splitlines()
    assert "issues/csv" not in text
    verbose = planning.render(the_plan, verbose=True)
    assert "      issues/csv" in verbose.splitlines()
    assert (
        planning.render(
            planning.Plan("u", ORG, [planning.plan_package(package, DatasetSettings(), ORG, None)])
        ).count("\n  + upload ")
        == 7
    )


def test_long_description_diff_is_short(tmp_path):
    old = "\n".join(f"ligne {n}" for n in range(40))
    new = "\n".join(f"ligne {n} modifiée" for n in range(40))
    diff = planning.text_diff(old, new)
    assert len(diff) == planning.DIFF_LINES + 1
    assert diff[-1] == f"… {80 - planning.DIFF_LINES} more changed line(s)"
    # A long line is shown around its change, not cut before it.
    start = "Chaque table est fournie en CSV (UTF-8, virgule) et en Parquet, " * 3
    (removed, added) = planning.text_diff(start + "version 1.", start + "version 2.")
    assert removed.startswith("- …") and removed.endswith("version 1.")
    assert added.startswith("+ …") and added.endswith("version 2.")


def test_description_links_to_resources_by_marker(tmp_path):
    folder = make_package(tmp_path / "p", "p", description=LINKED)
    package = read_package(folder)
    assert "{{resource:issues/schema}}" in package.description
    created = planning.plan_package(package, DatasetSettings(), ORG, None)
    # Created with the token, the link set by a last update, once the schema is uploaded.
    assert created.actions[-1].kind == "update_dataset"
    assert planning.unresolved(created.actions[-1].body) == ["issues/schema"]
    remote = remote_dataset(package)
    (url,) = [r["latest"] for r in remote["resources"] if r["id"] == "r1"]  # issues/schema
    remote["description"] = package.description.replace("{{resource:issues/schema}}", url)
    assert planning.plan_package(package, DatasetSettings(), ORG, remote).changes == []
    remote["description"] = package.description
    (update,) = planning.plan_package(package, DatasetSettings(), ORG, remote).changes
    assert f"![Schéma des numéros]({url})" in update.body["description"]


def test_a_link_to_a_resource_not_published_is_an_error(tmp_path):
    import pytest

    from ddet_data.errors import PublishError

    folder = make_package(tmp_path / "p", "p", description="Voir {{resource:figures/absent}}.")
    with pytest.raises(PublishError, match="figures/absent"):
        planning.plan_package(read_package(folder), DatasetSettings(), ORG, None)


def test_update_keeps_the_extras_of_others(tmp_path):
    package = read_package(make_package(tmp_path / "p", "p"))
    remote = remote_dataset(package)
    desired = planning.dataset_payload(package, DatasetSettings(), ORG)
    body = planning.dataset_update_body(remote, desired)
    assert body["extras"]["recommendations:x"] == 1
    assert body["temporal_coverage"] == {"start": "2024-01-08", "end": "2024-01-15"}
