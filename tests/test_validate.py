"""`validate` on the real packages: the fast engine takes them all and agrees with frictionless."""

import csv
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from ddet_data.cli.main import cli
from ddet_data.validate import validate_paths

ROOT = Path(__file__).parent.parent
OPSN = ROOT / "datapackages" / "opsn"


def test_fast_engine_takes_every_real_table():
    paths = sorted((ROOT / "datapackages").glob("*/datapackage.json"))
    report = validate_paths(paths, engine="fast")
    assert report["valid"]
    assert report["warnings"] == []  # a warning would name a table handed to frictionless


@pytest.fixture
def broken_opsn(tmp_path):
    folder = tmp_path / "opsn"
    shutil.copytree(OPSN, folder)
    path = folder / "data" / "facts.csv"
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    rows[3][header.index("value_number")] = "abc"
    rows[5][0] = rows[4][0]
    rows[7][header.index("source_id")] = "nope"
    rows[9][header.index("as_of_precision")] = "weekly"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    return folder / "datapackage.json"


def findings(report):
    return sorted(
        (task["name"], error["type"], error.get("rowNumber"), error.get("fieldName"))
        for task in report["tasks"]
        for error in task["errors"]
    )


def test_engines_agree_on_a_broken_real_table(broken_opsn):
    fast = validate_paths([broken_opsn], engine="fast")
    reference = validate_paths([broken_opsn], engine="frictionless")
    assert fast["warnings"] == []
    assert findings(fast) == findings(reference)
    assert {(t, kind, row) for t, kind, row, _ in findings(fast)} >= {
        ("facts", "type-error", 4),
        ("facts", "primary-key", 6),
        ("facts", "foreign-key", 8),
        ("facts", "constraint-error", 10),
    }


def test_cli_exit_codes_and_json_shape(broken_opsn):
    runner = CliRunner()
    good = runner.invoke(cli, ["validate", str(OPSN / "datapackage.json")])
    assert good.exit_code == 0, good.output
    bad = runner.invoke(cli, ["validate", "--json", str(broken_opsn)])
    assert bad.exit_code == 3
    report = json.loads(bad.output)
    assert report["valid"] is False
    errors = [e for task in report["tasks"] for e in task["errors"]]
    type_error = next(e for e in errors if e["type"] == "type-error")
    assert type_error["rowNumber"] == 4 and type_error["fieldName"] == "value_number"
    assert "message" in type_error
    # The edited file no longer matches the hash the descriptor records: said too.
    assert any(e["type"] == "hash-count" for e in errors)


def test_project_checks_for_a_single_file_with_a_project_schema(tmp_path):
    """`validate organizations.csv --schema schemas/organizations.json` runs the SIREN check."""
    with open(OPSN / "data" / "organizations.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    rows[2][rows[0].index("siren")] = "123456789"  # nine digits, a bad Luhn checksum
    for suffix in (".csv", ".parquet"):
        path = tmp_path / f"orgs{suffix}"
        if suffix == ".csv":
            with open(path, "w", encoding="utf-8", newline="") as handle:
                csv.writer(handle, lineterminator="\n").writerows(rows)
        else:
            import pyarrow.csv as pa_csv
            import pyarrow.parquet as pq

            table = pa_csv.read_csv(tmp_path / "orgs.csv", convert_options=pa_csv.ConvertOptions(
                column_types={"siren": "string", "founded_year": "int64"}))  # fmt: skip
            pq.write_table(table, path)
        result = CliRunner().invoke(
            cli,
            ["--root", str(ROOT), "validate", "--json", str(path), "--trusted",
             "--schema", str(ROOT / "schemas" / "organizations.json")],
        )  # fmt: skip
        assert result.exit_code == 3, result.output
        errors = json.loads(result.output)["tasks"][0]["errors"]
        assert [(e["type"], e["rowNumber"], e["fieldName"]) for e in errors] == [
            ("siren-error", 3, "siren")
        ], suffix
    # The same file with a schema that is not the project's: no project check.
    other = tmp_path / "other.json"
    text = (ROOT / "schemas" / "organizations.json").read_text(encoding="utf-8")
    assert '"version": "1.0.0"' in text
    other.write_text(text.replace('"version": "1.0.0"', '"version": "9.9.9"'), encoding="utf-8")
    report = validate_paths([tmp_path / "orgs.csv"], schema=other, project_schemas=ROOT / "schemas")
    assert report["valid"], report


def test_paths_are_taken_for_what_frictionless_takes_them_for():
    from frictionless import settings

    from ddet_data.validate import METADATA_NAMES, METADATA_PROPS

    traits = settings.METADATA_TRAITS
    assert [(kind, tuple(item["names"])) for kind, item in traits.items()] == METADATA_NAMES
    assert [(kind, tuple(item["props"])) for kind, item in traits.items()] == METADATA_PROPS


def test_a_descriptor_told_by_its_properties_is_told_from_its_first_characters(tmp_path):
    from ddet_data.validate import DETECTION_CHARS, load_target

    (tmp_path / "data.csv").write_text("id\n1\n", encoding="utf-8")
    resources = [{"name": "data", "path": "data.csv"}]
    short = {"resources": resources}
    long = {"description": "x" * DETECTION_CHARS, "resources": resources}
    for name, descriptor in (("short.json", short), ("long.json", long)):
        (tmp_path / name).write_text(json.dumps(descriptor), encoding="utf-8")
    assert load_target(tmp_path / "short.json").kind == "package"
    # frictionless reads a million characters, cannot parse them, and takes it for data
    assert load_target(tmp_path / "long.json").kind == "other"


def test_the_command_ends_with_its_whole_report_and_exit_status(broken_opsn, tmp_path):
    # The process ends without Python's teardown once the report is printed: the report
    # must still be whole, the status kept, and a reader that stops early no failure.
    import subprocess
    import sys

    command = [sys.executable, "-m", "ddet_data", "validate", "--json", str(broken_opsn)]
    done = subprocess.run(command, capture_output=True, text=True)
    assert done.returncode == 3
    report = json.loads(done.stdout)  # the whole report, flushed
    assert report["valid"] is False and report["stats"]["errors"] >= 4
    valid = subprocess.run(command[:-1] + [str(OPSN / "datapackage.json")], capture_output=True)
    assert valid.returncode == 0 and json.loads(valid.stdout)["valid"] is True
    head = subprocess.run(f"{subprocess.list2cmdline(command)} | head -c 10", shell=True,
                          capture_output=True, text=True)  # fmt: skip
    assert head.stdout == done.stdout[:10] and "Traceback" not in head.stderr


def test_a_fault_of_the_fast_engine_gives_frictionless_report_and_names_it(
    broken_opsn, monkeypatch
):
    import ddet_data.validate.fast.engine as engine

    expected = validate_paths([broken_opsn], engine="frictionless")

    def broken(*args, **kwargs):
        raise ZeroDivisionError("an input nobody foresaw")

    monkeypatch.setattr(engine, "validate_resource_fast", broken)
    report = validate_paths([broken_opsn])
    assert [t["errors"] for t in report["tasks"]] == [t["errors"] for t in expected["tasks"]]
    assert any("the fast engine failed: ZeroDivisionError" in w for w in report["warnings"])
    with pytest.raises(ZeroDivisionError):
        validate_paths([broken_opsn], engine="fast")


@pytest.mark.parametrize(
    "name",
    ["Table With Data.csv", "data_2024.csv", "Relevé communes 2025.csv.gz", "x.y.csv",
     "table.csv.zip"],
)  # fmt: skip
def test_a_data_file_is_named_and_placed_as_frictionless_does(tmp_path, monkeypatch, name):
    import gzip

    from frictionless import Resource

    folder = tmp_path / "sub"
    folder.mkdir()
    data = b"id,nom\n1,a\n2,b\n"
    if name.endswith(".zip"):
        import zipfile

        with zipfile.ZipFile(folder / name, "w") as archive:
            archive.writestr("table.csv", data)
    else:
        (folder / name).write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    monkeypatch.chdir(tmp_path)
    path = Path("sub") / name
    reference = Resource(source=str(path)).validate().to_dict()["tasks"][0]
    report = validate_paths([path])
    task = report["tasks"][0]
    assert (task["name"], task["place"]) == (reference["name"], reference["place"])
    assert report["warnings"] == []  # the fast engine read it


def test_the_report_of_one_file_counts_its_warnings_as_frictionless(tmp_path, monkeypatch):
    from frictionless import Resource

    (tmp_path / "e.csv").write_text("id\na\nb\nc\n", encoding="utf-8")
    (tmp_path / "s.json").write_text('{"fields": [{"name": "id", "type": "integer"}]}')
    monkeypatch.chdir(tmp_path)
    reference = Resource(source="e.csv", schema="s.json").validate(limit_errors=1).to_dict()
    report = validate_paths([Path("e.csv")], schema=Path("s.json"), limit_errors=1)
    assert report["tasks"][0]["warnings"] == ["reached error limit: 1"]
    for key in ("tasks", "errors", "warnings"):
        assert report["stats"][key] == reference["stats"][key], key
    package = {"resources": [{"name": "e", "path": "e.csv", "schema": "s.json"}]}
    (tmp_path / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    whole = validate_paths([Path("datapackage.json")], limit_errors=1)
    assert whole["stats"]["warnings"] == 0  # frictionless's package report counts none


@pytest.mark.parametrize("name", ["bad.csv.zip", "bad.csv.gz"])
def test_an_archive_frictionless_stops_on_gives_one_line_and_exit_1(tmp_path, name):
    import gzip

    data = b"not a zip" if name.endswith(".zip") else gzip.compress(b"id\n1\n2\n")[:15]
    (tmp_path / name).write_bytes(data)
    result = CliRunner().invoke(cli, ["validate", str(tmp_path / name), "--trusted"])
    assert result.exit_code == 1
    assert "frictionless stops on it" in result.output and "Traceback" not in result.output


def test_the_summary_line_counts_in_the_singular_and_the_plural(tmp_path):
    from ddet_data.validate.report import render_text

    (tmp_path / "data.csv").write_text("id,n\n1,2\n2,x\n3,y\n", encoding="utf-8")
    schema = tmp_path / "schema.json"
    schema.write_text(json.dumps({"fields": [{"name": "id", "type": "integer"},
                                             {"name": "n", "type": "integer"}]}))  # fmt: skip
    invalid = validate_paths([tmp_path / "data.csv"], schema=schema)
    assert render_text(invalid).splitlines()[-1] == "INVALID: 1 resource checked, 2 errors"
    (tmp_path / "data.csv").write_text("id,n\n1,2\n2,x\n", encoding="utf-8")
    one = validate_paths([tmp_path / "data.csv"], schema=schema)
    assert render_text(one).splitlines()[-1] == "INVALID: 1 resource checked, 1 error"


def test_text_reports_skip_the_hashes_they_do_not_show_but_check_a_declared_one(tmp_path):
    (tmp_path / "data.csv").write_text("id\n1\n2\n", encoding="utf-8")
    schema = {"fields": [{"name": "id", "type": "integer"}]}
    resource = {"name": "data", "type": "table", "path": "data.csv", "format": "csv",
                "schema": schema}  # fmt: skip
    package = tmp_path / "datapackage.json"
    package.write_text(json.dumps({"name": "p", "resources": [resource]}), encoding="utf-8")
    full = validate_paths([package])["tasks"][0]["stats"]
    lean = validate_paths([package], hashes=False)["tasks"][0]["stats"]
    assert len(full["md5"]) == 32 and len(full["sha256"]) == 64
    assert "md5" not in lean and "sha256" not in lean and lean["bytes"] == full["bytes"] == 7
    # a declared hash is checked all the same, in the text the command prints
    wrong = {**resource, "hash": "sha256:" + "0" * 64}
    package.write_text(json.dumps({"name": "p", "resources": [wrong]}), encoding="utf-8")
    lean = validate_paths([package], hashes=False)["tasks"][0]
    assert [e["type"] for e in lean["errors"]] == ["hash-count"]
    assert lean["stats"]["sha256"] == full["sha256"]
    result = CliRunner().invoke(cli, ["validate", str(package)])
    assert result.exit_code == 3 and "hash-count" in result.output


def test_large_files_hashed_before_the_engine_s_imports_give_frictionless_digests(tmp_path):
    """Files over a megabyte are hashed on a thread begun before pyarrow's import
    (fast/digests.py): the digests must still be the file's, each in its own task."""
    import hashlib

    from frictionless import Package

    schema = {"fields": [{"name": "id", "type": "integer"}, {"name": "text", "type": "string"}]}
    resources = []
    for name, rows in (("first", 150_000), ("second", 90_000)):
        lines = "".join(f"{i},ligne {name} {i}\n" for i in range(rows))
        (tmp_path / f"{name}.csv").write_text("id,text\n" + lines, encoding="utf-8")
        resources.append({"name": name, "path": f"{name}.csv", "schema": schema})
    package = tmp_path / "datapackage.json"
    package.write_text(json.dumps({"name": "p", "resources": resources}), encoding="utf-8")
    tasks = validate_paths([package], engine="fast")["tasks"]
    expected = Package(str(package)).validate().to_dict()["tasks"]
    for task, theirs, resource in zip(tasks, expected, resources, strict=True):
        data = (tmp_path / resource["path"]).read_bytes()
        assert len(data) > 1 << 20
        assert task["stats"]["md5"] == hashlib.md5(data).hexdigest() == theirs["stats"]["md5"]
        assert task["stats"]["sha256"] == hashlib.sha256(data).hexdigest()
        assert task["stats"]["bytes"] == len(data) == theirs["stats"]["bytes"]
    # and a single file given with its schema
    (tmp_path / "schema.json").write_text(json.dumps(schema), encoding="utf-8")
    single = validate_paths([tmp_path / "first.csv"], schema=tmp_path / "schema.json")
    assert single["tasks"][0]["stats"]["md5"] == tasks[0]["stats"]["md5"]
    # the same process after the file changed (build, then validate): its new digest
    (tmp_path / "first.csv").write_text("id,text\n" + "1,autre\n" * 200_000, encoding="utf-8")
    again = validate_paths([package], engine="fast")["tasks"][0]["stats"]
    assert again["md5"] == hashlib.md5((tmp_path / "first.csv").read_bytes()).hexdigest()


def test_a_resource_path_that_is_a_symlink_loop_gives_a_report_with_json(tmp_path):
    """Found by review: the early hashing resolved every path and let RuntimeError out."""
    (tmp_path / "ok.csv").write_text("id\n1\n", encoding="utf-8")
    (tmp_path / "loop.csv").symlink_to("loop.csv")
    schema = {"fields": [{"name": "id", "type": "integer"}]}
    package = tmp_path / "datapackage.json"
    package.write_text(json.dumps({"name": "p", "resources": [
        {"name": "ok", "path": "ok.csv", "schema": schema},
        {"name": "loop", "path": "loop.csv", "schema": schema},
    ]}), encoding="utf-8")  # fmt: skip
    result = CliRunner().invoke(cli, ["validate", "--json", str(package)])
    assert result.exit_code == 3, result.output
    tasks = json.loads(result.output)["tasks"]
    assert [task["valid"] for task in tasks] == [True, False]
    assert [error["type"] for error in tasks[1]["errors"]] == ["scheme-error"]


@pytest.mark.parametrize("name", ["missing.csv", "missing.json", "datapackage.json"])
def test_a_missing_file_gets_frictionless_report_not_one_line(tmp_path, monkeypatch, name):
    """frictionless reports a file it cannot find (a scheme-error in a task of its own,
    with --json too); so does ddet-data, exit 3, the note saying why frictionless spoke."""
    import subprocess
    import sys

    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["validate", "--json", name])
    assert result.exit_code == 3, result.output
    ours = json.loads(result.output)
    assert "no such file: frictionless reports it" in ours["warnings"][0]
    theirs = json.loads(subprocess.run(
        [str(Path(sys.executable).parent / "frictionless"), "validate", "--json", name],
        capture_output=True, text=True, cwd=tmp_path).stdout)  # fmt: skip

    def findings(report: dict) -> list:
        return [(e["type"], e["note"]) for e in report["errors"]] + [
            (t["name"], t["place"], [(e["type"], e["note"]) for e in t["errors"]])
            for t in report["tasks"]
        ]

    assert findings(ours) == findings(theirs)
    kinds = [e["type"] for e in ours["errors"] + [e for t in ours["tasks"] for e in t["errors"]]]
    assert kinds == ["package-error" if name == "datapackage.json" else "scheme-error"]


@pytest.mark.parametrize("where", ["", "sub/"])
def test_a_package_s_missing_file_is_named_as_frictionless_names_it(tmp_path, monkeypatch, where):
    """`missing.csv` beside a package named without a folder, not `./missing.csv`."""
    import subprocess
    import sys

    (tmp_path / "sub").mkdir()
    schema = {"fields": [{"name": "a", "type": "integer"}]}
    (tmp_path / where / "datapackage.json").write_text(json.dumps(
        {"name": "p", "resources": [{"name": "m", "path": "missing.csv", "schema": schema}]}
    ), encoding="utf-8")  # fmt: skip
    monkeypatch.chdir(tmp_path)
    name = f"{where}datapackage.json"
    ours = json.loads(CliRunner().invoke(cli, ["validate", "--json", name]).output)
    theirs = json.loads(subprocess.run(
        [str(Path(sys.executable).parent / "frictionless"), "validate", "--json", name],
        capture_output=True, text=True, cwd=tmp_path).stdout)  # fmt: skip
    notes = [[e["note"] for e in t["errors"]] for t in ours["tasks"]]
    assert notes == [[e["note"] for e in t["errors"]] for t in theirs["tasks"]]
    assert notes == [[f"[Errno 2] No such file or directory: '{where}missing.csv'"]]


def test_a_resource_name_that_is_no_text_gives_frictionless_error_not_a_traceback(tmp_path):
    (tmp_path / "data.csv").write_text("id\n1\n", encoding="utf-8")
    resource = {"name": ["id"], "path": "data.csv",
                "schema": {"fields": [{"name": "id", "type": "integer"}]}}  # fmt: skip
    package = tmp_path / "datapackage.json"
    package.write_text(json.dumps({"name": "p", "resources": [resource]}), encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", "--json", str(package)])
    assert result.exit_code == 3, result.output
    report = json.loads(result.output)
    assert [e["type"] for e in report["errors"]] == ["resource-error"]


@pytest.mark.parametrize("resources", [0, None, "data.csv"])
def test_resources_that_are_no_list_give_frictionless_error_not_a_traceback(tmp_path, resources):
    package = tmp_path / "datapackage.json"
    package.write_text(json.dumps({"name": "opsn", "resources": resources}), encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", "--json", str(package)])
    assert result.exit_code == 3, result.output
    assert [e["type"] for e in json.loads(result.output)["errors"]] == ["package-error"]


def test_a_field_type_that_is_no_text_gives_frictionless_error_not_a_traceback(tmp_path):
    (tmp_path / "data.csv").write_text("id\n1\n", encoding="utf-8")
    schema = tmp_path / "schema.json"
    schema.write_text(json.dumps({"fields": [{"name": "id", "type": ["id"]}]}))
    result = CliRunner().invoke(cli, ["validate", "--json", str(tmp_path / "data.csv"),
                                      "--schema", str(schema)])  # fmt: skip
    assert result.exit_code == 3, result.output
    report = json.loads(result.output)
    assert [e["type"] for t in report["tasks"] for e in t["errors"]] == ["field-error"]


SCHEMAS_ALONE = {
    "schema.json": {"fields": [{"name": "id", "type": "integer"}]},
    # schema.data.gouv.fr's metadata, missing values, a property no profile knows
    "Mon Schéma.schema.json": {
        "$schema": "https://frictionlessdata.io/schemas/table-schema.json",
        "name": "mon-schema", "title": "Mon schéma", "countryCode": "FR",
        "missingValues": ["", "NA", "N/A"], "input rules": {"x": 1},
        "fields": [{"name": "code", "type": "string", "example": "NA",
                    "constraints": {"pattern": "[0-9]{5}"}}],
    },
    "bad.schema.json": {"fields": [{"name": "id", "type": "integer", "required": True}]},
    "other.json": {"fields": [{"name": "id", "type": "integer"}], "primaryKey": ["nope"]},
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(SCHEMAS_ALONE))
def test_a_schema_alone_gives_frictionless_report(tmp_path, monkeypatch, name):
    import subprocess
    import sys

    (tmp_path / name).write_text(json.dumps(SCHEMAS_ALONE[name]), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    ours = json.loads(CliRunner().invoke(cli, ["validate", "--json", name]).output)
    stock = subprocess.run([str(Path(sys.executable).parent / "frictionless"), "validate",
                            "--json", name], capture_output=True, text=True)  # fmt: skip
    theirs = json.loads(stock.stdout)

    def shape(report):
        return report["valid"], [
            (t["name"], t["type"], t["valid"], t["place"],
             [(e["type"], e["note"]) for e in t["errors"]])
            for t in report["tasks"]
        ]  # fmt: skip

    assert shape(ours) == shape(theirs)
    # The valid ones are told without frictionless: no warning names it
    assert (ours["warnings"] == []) == theirs["valid"]
