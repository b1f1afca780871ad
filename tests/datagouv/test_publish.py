"""Publishing against the real udata server on loopback: create, no-op, change, prune."""

from __future__ import annotations

import copy
import hashlib
import json
import time
import urllib.request

from .packages import ROWS, make_package

EXPECTED_MARKERS = {
    "datapackage/json",
    "issues/schema",
    "themes/schema",
    "issues/csv",
    "issues/parquet",
    "themes/csv",
    "themes/parquet",
}


def sha1(path) -> str:
    return hashlib.sha1(path.read_bytes()).hexdigest()


def local_files(project) -> dict[str, object]:
    folder = project.package
    files = {"datapackage/json": folder / "datapackage.json"}
    for table in ("issues", "themes"):
        files[f"{table}/schema"] = folder / "schemas" / f"{table}.json"
        files[f"{table}/csv"] = folder / "data" / f"{table}.csv"
        files[f"{table}/parquet"] = folder / "data" / f"{table}.parquet"
    return files


def by_marker(dataset: dict) -> dict[str, dict]:
    resources = {}
    for resource in dataset["resources"]:
        marker = resource["extras"].get("ddet:resource")
        assert marker not in resources, f"duplicate resource {marker}"
        resources[marker] = resource
    return resources


def new_writes(project, before: int) -> list[dict]:
    return project.writes()[before:]


def test_first_publish_creates_one_dataset_with_every_file(project):
    result = project.run("publish", "--yes")
    assert result.exit_code == 0, result.output
    assert "verified" in result.stdout

    dataset = project.dataset()
    assert dataset["license"] == "lov2"
    assert dataset["frequency"] == "irregular"
    assert dataset["organization"]["id"] == project.sandbox.organization
    assert dataset["extras"] == {"ddet:package": project.name, "ddet:version": "1.0.0"}
    assert dataset["temporal_coverage"] == {"start": "2024-01-08", "end": "2024-01-15"}
    assert dataset["spatial"]["zones"] == ["country:fr"]
    assert "## Dictionnaire des données" in dataset["description"]
    assert "`issue_number`" in dataset["description"]

    resources = by_marker(dataset)
    assert set(resources) == EXPECTED_MARKERS
    for marker, path in local_files(project).items():
        remote = resources[marker]
        assert remote["checksum"] == {"type": "sha1", "value": sha1(path)}, marker
        assert remote["filesize"] == path.stat().st_size, marker
    assert resources["issues/csv"]["type"] == "main"
    assert resources["issues/parquet"]["format"] == "parquet"
    assert resources["issues/csv"]["title"] == "Numéros de la newsletter (CSV)"
    assert resources["issues/schema"]["type"] == "documentation"
    assert resources["datapackage/json"]["type"] == "documentation"
    # The data resources point at their table's schema as published, and that URL
    # serves the schema file.
    schema_url = resources["issues/schema"]["latest"]
    assert resources["issues/csv"]["schema"]["url"] == schema_url
    assert resources["issues/parquet"]["schema"]["url"] == schema_url
    with urllib.request.urlopen(schema_url, timeout=10) as response:
        assert response.read() == (project.package / "schemas" / "issues.json").read_bytes()


def test_second_publish_sends_no_write(project):
    assert project.run("publish", "--yes").exit_code == 0
    before = len(project.writes())

    plan = project.run("plan", "--detailed-exitcode")
    assert plan.exit_code == 0, plan.output
    assert "nothing to do" in plan.stdout
    again = project.run("publish", "--yes")
    assert again.exit_code == 0, again.output
    assert "0 writes" in again.stdout
    assert new_writes(project, before) == []
    assert len(project.datasets()) == 1


def test_one_table_changed_reuploads_only_its_files(project):
    assert project.run("publish", "--yes").exit_code == 0
    ids = {marker: r["id"] for marker, r in by_marker(project.dataset()).items()}
    rows = copy.deepcopy(ROWS)
    rows["themes"][1]["label"] = "Inclusion numérique et médiation"
    make_package(project.package, project.name, rows)

    plan = project.run("plan", "--detailed-exitcode")
    assert plan.exit_code == 2, plan.output
    before = len(project.writes())
    assert project.run("publish", "--yes").exit_code == 0

    uploads = {w["path"] for w in new_writes(project, before) if w["method"] == "POST"}
    replaced = {marker for marker, rid in ids.items() if any(rid in path for path in uploads)}
    assert replaced == {"themes/csv", "themes/parquet", "datapackage/json"}
    assert len(uploads) == 3
    resources = by_marker(project.dataset())
    assert {m: r["id"] for m, r in resources.items()} == ids  # replaced in place
    for marker, path in local_files(project).items():
        assert resources[marker]["checksum"]["value"] == sha1(path)
    assert resources["themes/csv"]["title"] == "Thèmes (CSV)"
    assert project.run("plan", "--detailed-exitcode").exit_code == 0


def test_metadata_change_updates_only_the_dataset(project):
    assert project.run("publish", "--yes").exit_code == 0
    config = project.root / "publish.toml"
    config.write_text(
        config.read_text()
        + f"\n[packages.{project.name}]\n"
        + 'frequency = "monthly"\ntags = ["Essai", "Données publiques"]\n'
    )
    plan = project.run("plan")
    assert "frequency: irregular → monthly" in plan.stdout, plan.stdout
    before = len(project.writes())
    assert project.run("publish", "--yes").exit_code == 0
    writes = new_writes(project, before)
    dataset = project.dataset()
    assert [(w["method"], w["path"]) for w in writes] == [
        ("PUT", f"/api/1/datasets/{dataset['id']}/")
    ]
    assert dataset["frequency"] == "monthly"
    assert sorted(dataset["tags"]) == ["donnees-publiques", "essai"]
    assert dataset["extras"]["ddet:package"] == project.name
    after = project.run("plan", "--detailed-exitcode")
    assert after.exit_code == 0, after.stdout


def test_prune_deletes_only_our_resources_gone_from_the_package(project):
    assert project.run("publish", "--yes").exit_code == 0
    make_package(project.package, project.name, {"issues": ROWS["issues"]})

    kept = project.run("publish", "--yes")
    assert kept.exit_code == 0, kept.output
    assert "--prune deletes it" in kept.stdout
    assert {"themes/csv", "themes/parquet", "themes/schema"} <= set(by_marker(project.dataset()))

    pruned = project.run("publish", "--yes", "--prune")
    assert pruned.exit_code == 0, pruned.output
    assert set(by_marker(project.dataset())) == {
        "datapackage/json",
        "issues/schema",
        "issues/csv",
        "issues/parquet",
    }
    assert project.run("plan", "--detailed-exitcode", "--prune").exit_code == 0


def test_lost_or_wrong_id_cache_never_duplicates(project):
    assert project.run("publish", "--yes").exit_code == 0
    cache = project.root / ".sandbox" / "publish-ids.json"
    assert project.dataset()["id"] in cache.read_text()

    cache.unlink()
    before = len(project.writes())
    assert project.run("publish", "--yes").exit_code == 0
    assert new_writes(project, before) == []

    key = next(iter(json.loads(cache.read_text())))
    cache.write_text(json.dumps({key: {project.name: "0123456789abcdef01234567"}}))
    assert project.run("publish", "--yes").exit_code == 0
    cache.write_text("not json")
    assert project.run("publish", "--yes").exit_code == 0
    assert new_writes(project, before) == []
    assert len(project.datasets()) == 1
    assert project.dataset()["id"] in cache.read_text()


def test_json_plan_lists_actions(project):
    result = project.run("plan", "--json")
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    (package,) = plan["packages"]
    kinds = [action["action"] for action in package["actions"]]
    assert kinds == ["create_dataset"] + ["upload"] * 7
    assert plan["changes"] == 8
    assert project.sandbox.api_key not in result.output


def test_dry_run_sends_nothing(project):
    before = len(project.writes())
    result = project.run("publish", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "dry run: nothing was sent" in result.stdout
    assert new_writes(project, before) == []
    assert project.datasets() == []


def test_publish_without_yes_off_terminal_is_a_usage_error(project):
    result = project.run("publish")
    assert result.exit_code == 2
    assert "--yes" in result.output
    assert project.datasets() == []


def test_schema_url_is_the_published_schema(project):
    """Each data resource's schema URL is its own table's schema resource, as served."""
    assert project.run("publish", "--yes").exit_code == 0
    resources = by_marker(project.dataset())
    data = {m: r for m, r in resources.items() if r["type"] == "main"}
    assert set(data) == {"issues/csv", "issues/parquet", "themes/csv", "themes/parquet"}
    for marker, resource in data.items():
        table = marker.split("/")[0]
        schema = resources[f"{table}/schema"]
        assert resource["schema"]["url"] == schema["latest"], marker
        with urllib.request.urlopen(resource["schema"]["url"], timeout=10) as response:
            served = json.loads(response.read())
        assert served["name"] == table, marker


def test_description_links_resolve_to_the_resources(project):
    """A `{{resource:<marker>}}` in the description becomes that resource's stable URL."""
    make_package(
        project.package,
        project.name,
        description="Paquet d'essai. ![Schéma des numéros]({{resource:issues/schema}})",
    )
    result = project.run("publish", "--yes")
    assert result.exit_code == 0, result.output
    dataset = project.dataset()
    url = by_marker(dataset)["issues/schema"]["latest"]
    assert f"![Schéma des numéros]({url})" in dataset["description"]
    assert "{{resource:" not in dataset["description"]
    assert project.run("plan", "--detailed-exitcode").exit_code == 0


def test_order_never_shows_a_mixed_version(project):
    """Data files first, then schemas and documentation, the descriptor, the dataset last."""
    assert project.run("publish", "--yes").exit_code == 0
    ids = {r["id"]: m for m, r in by_marker(project.dataset()).items()}
    rows = copy.deepcopy(ROWS)
    rows["issues"].append({"issue_number": 3, "published_on": "2024-01-22", "title": "Trois"})
    make_package(project.package, project.name, rows, version="1.1.0")
    before = len(project.writes())
    assert project.run("publish", "--yes").exit_code == 0
    touched = []
    for write in new_writes(project, before):
        rid = next((rid for rid in ids if rid in write["path"]), None)
        touched.append((write["method"], ids.get(rid, "dataset")))
    assert touched == [
        ("POST", "issues/csv"), ("PUT", "issues/csv"),
        ("POST", "issues/parquet"), ("PUT", "issues/parquet"),
        ("POST", "datapackage/json"), ("PUT", "datapackage/json"),
        ("PUT", "dataset"),
    ]  # fmt: skip
    assert project.dataset()["extras"]["ddet:version"] == "1.1.0"


def test_uploads_left_unmarked_by_a_stopped_run_are_cleaned_up(project):
    """A run stopped between an upload and its marking leaves an unmarked resource."""
    from ddet_data.datagouv.client import Client

    assert project.run("publish", "--yes").exit_code == 0
    dataset_id = project.dataset()["id"]
    client = Client(project.sandbox.url, project.sandbox.api_key)
    current = project.package / "data" / "themes.csv"
    # An older version's upload, named as this tool names uploads, never marked...
    client.upload(f"datasets/{dataset_id}/upload/", "themes.0badc0de.csv", b"theme_id\nx\n")
    # ...and a second upload of the current file, never marked either (a second later:
    # the server refuses a file name it stored for this dataset within the same second).
    time.sleep(1.1)
    client.upload(
        f"datasets/{dataset_id}/upload/", f"themes.{sha1(current)[:8]}.csv", current.read_bytes()
    )
    foreign = client.upload(f"datasets/{dataset_id}/upload/", "notes.txt", b"not ours\n")

    plan = project.run("plan", "--detailed-exitcode")
    assert plan.exit_code == 2
    assert "duplicate of one of our resources" in plan.stdout
    assert project.run("publish", "--yes").exit_code == 0
    resources = project.dataset()["resources"]
    markers = [r["extras"].get("ddet:resource") for r in resources]
    assert sorted(m for m in markers if m) == sorted(EXPECTED_MARKERS)
    assert [r["id"] for r in resources if not r["extras"].get("ddet:resource")] == [foreign["id"]]
