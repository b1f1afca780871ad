"""Download from the real udata server on loopback: checked files, resume, skip, errors."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import frictionless
import pandas as pd
import pytest
from click.testing import CliRunner
from researchkit import make

import ddet_data
from ddet_data.cli.main import cli
from ddet_data.datagouv.client import Client
from ddet_data.datagouv.config import Target
from ddet_data.datagouv.download import Source, download
from ddet_data.datagouv.markers import marker_of
from ddet_data.datagouv.publish import publish
from ddet_data.errors import DownloadError, MixedVersion

ROOT = Path(__file__).resolve().parents[1]


def put_online(sandbox, folder: Path, tmp_path: Path) -> str:
    target = Target(
        name="sandbox",
        api_url=sandbox.url,
        organization=sandbox.organization,
        api_key=sandbox.api_key,
        id_cache=tmp_path / "ids.json",
    )
    (result,) = publish(target, [folder]).applied
    return result.dataset_id


@pytest.fixture(scope="module")
def published(sandbox, tmp_path_factory):
    """One package on the sandbox: (local folder, dataset id)."""
    tmp = tmp_path_factory.mktemp("published")
    folder = make(tmp / "essai-download", name="essai-download")
    return folder, put_online(sandbox, folder, tmp)


def source(sandbox, organization=True) -> Source:
    return Source(sandbox.url, sandbox.organization if organization else None)


def files_of(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_download_by_package_gives_the_published_bytes_and_a_valid_package(
    sandbox, published, tmp_path
):
    original, dataset_id = published
    result = download("essai-download", tmp_path / "got", source=source(sandbox))
    assert result.dataset_id == dataset_id and result.version == "1.0.0"
    assert files_of(tmp_path / "got") == files_of(original)
    report = frictionless.validate(str(tmp_path / "got" / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    pd.testing.assert_frame_equal(
        ddet_data.load("essai-download", "issues", tmp_path / "got"),
        ddet_data.load("essai-download", "issues", original),
    )


def test_download_by_dataset_id_needs_no_organization(sandbox, published, tmp_path):
    _, dataset_id = published
    result = download(dataset_id, tmp_path / "got", source=source(sandbox, organization=False))
    assert result.package == "essai-download"
    assert (tmp_path / "got" / "data" / "issues.parquet").is_file()


def test_a_second_download_keeps_identical_files(sandbox, published, tmp_path):
    download("essai-download", tmp_path / "got", source=source(sandbox))
    again = download("essai-download", tmp_path / "got", source=source(sandbox))
    assert again.downloaded == [] and again.resumed == []
    assert "data/issues.csv" in again.kept and "datapackage.json" in again.kept


def test_an_interrupted_download_resumes(sandbox, published, tmp_path):
    original, _ = published
    whole = (original / "data" / "issues.parquet").read_bytes()
    part = tmp_path / "got" / "data" / "issues.parquet.part"
    part.parent.mkdir(parents=True)
    part.write_bytes(whole[: len(whole) // 2])
    result = download("essai-download", tmp_path / "got", source=source(sandbox))
    assert result.resumed == ["data/issues.parquet"]
    assert (tmp_path / "got" / "data" / "issues.parquet").read_bytes() == whole
    assert not part.exists()


def test_a_corrupt_partial_file_fails_its_checksum_and_is_not_kept(sandbox, published, tmp_path):
    original, _ = published
    whole = (original / "data" / "issues.csv").read_bytes()
    part = tmp_path / "got" / "data" / "issues.csv.part"
    part.parent.mkdir(parents=True)
    part.write_bytes(b"X" * (len(whole) // 2))
    with pytest.raises(DownloadError, match=r"data/issues.csv: checksum mismatch, file deleted"):
        download("essai-download", tmp_path / "got", source=source(sandbox))
    assert not part.exists() and not (tmp_path / "got" / "data" / "issues.csv").exists()
    assert not (tmp_path / "got" / "datapackage.json").exists()
    # Run again: the download starts over and succeeds.
    download("essai-download", tmp_path / "got", source=source(sandbox))
    assert (tmp_path / "got" / "data" / "issues.csv").read_bytes() == whole


def test_a_file_unlike_the_published_descriptor_is_refused(sandbox, tmp_path):
    folder = make(tmp_path / "essai-faux", name="essai-faux")
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    wrong = "sha256:" + hashlib.sha256(b"something else").hexdigest()
    descriptor["resources"][0]["hash"] = wrong
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    put_online(sandbox, folder, tmp_path)
    path = descriptor["resources"][0]["path"]
    slept = []
    client = Client(sandbox.url, sleep=slept.append)
    with pytest.raises(DownloadError, match=rf"{path}: checksum mismatch.*sha256"):
        download("essai-faux", tmp_path / "got", source=source(sandbox), client=client)
    assert not (tmp_path / "got" / path).exists()
    assert len(slept) == 3  # the server's file matches its checksum: tried again, in case


def test_files_of_two_versions_are_never_handed_back(sandbox, tmp_path):
    """A data file replaced on the server, datapackage.json not yet: a publish under way."""
    folder = make(tmp_path / "essai-mixte", name="essai-mixte")
    dataset_id = put_online(sandbox, folder, tmp_path)
    with Client(sandbox.url, sandbox.api_key) as client:
        dataset = client.get(f"datasets/{dataset_id}/")
        (resource,) = [r for r in dataset["resources"] if marker_of(r) == "issues/csv"]
        # The same size, another content: only the sha256 of datapackage.json tells.
        csv = (folder / "data" / "issues.csv").read_bytes()
        changed = csv.replace("Troisième".encode(), b"Troisiemes")
        assert changed != csv and len(changed) == len(csv)
        client.upload(
            f"datasets/{dataset_id}/resources/{resource['id']}/upload/",
            "issues.csv",
            changed,
            "text/csv",
        )
    slept = []
    client = Client(sandbox.url, sleep=slept.append)
    with pytest.raises(MixedVersion) as caught:
        download("essai-mixte", tmp_path / "got", source=source(sandbox), client=client)
    assert str(caught.value).startswith("data/issues.csv: checksum mismatch, file deleted: sha256 ")
    assert "the dataset's files and its datapackage.json disagree: a publish is under way" in (
        str(caught.value)
    )
    assert str(caught.value).endswith(
        "still so after 4 tries, nothing was kept: try again once the publish is over"
    )
    assert len(slept) == 3 and slept == sorted(slept) and 1 <= slept[0] <= 2  # backoff
    assert sorted(p.name for p in tmp_path.iterdir()) == ["essai-mixte", "ids.json"]
    result = CliRunner().invoke(
        cli,
        ["download", "essai-mixte", "--dest", str(tmp_path / "cli")],
        env={"DATAGOUV_API_URL": sandbox.url, "DATAGOUV_ORGANIZATION": sandbox.organization},
    )
    assert result.exit_code == 1
    assert result.stderr.startswith("error: data/issues.csv: checksum mismatch, file deleted:")
    assert not (tmp_path / "cli").exists() and not (tmp_path / ".cli.download").exists()


def test_csv_only_download_is_a_valid_package_without_parquet(sandbox, published, tmp_path):
    download("essai-download", tmp_path / "got", source=source(sandbox), formats=("csv",))
    got = tmp_path / "got"
    assert not list(got.rglob("*.parquet"))
    descriptor = json.loads((got / "datapackage.json").read_text(encoding="utf-8"))
    assert {r["format"] for r in descriptor["resources"]} == {"csv"}
    assert frictionless.validate(str(got / "datapackage.json")).valid
    assert ddet_data.load("essai-download", "issues", got)["issue_number"].tolist() == [1, 2, 3]


def test_cli_download_and_its_errors(sandbox, published, tmp_path):
    env = {"DATAGOUV_API_URL": sandbox.url, "DATAGOUV_ORGANIZATION": sandbox.organization}
    runner = CliRunner()
    shutil.copy(ROOT / "publish.toml", tmp_path / "publish.toml")
    args = ["--root", str(tmp_path), "download"]
    result = runner.invoke(cli, [*args, "essai-download", "--dest", str(tmp_path / "got")], env=env)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("essai-download 1.0.0 (dataset ")
    assert result.stderr == ""  # no progress outside a terminal
    result = runner.invoke(cli, [*args, "essai-absent"], env=env)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {sandbox.url}: no dataset for package 'essai-absent'")
    result = runner.invoke(cli, [*args, "essai-download", "--format", "xml"], env=env)
    assert result.exit_code == 2


def test_load_from_datagouv_downloads_once_into_the_cache(
    sandbox, published, tmp_path, monkeypatch
):
    original, _ = published
    monkeypatch.setenv("DATAGOUV_API_URL", sandbox.url)
    monkeypatch.setenv("DATAGOUV_ORGANIZATION", sandbox.organization)
    monkeypatch.setenv("DDET_DATA_CACHE", str(tmp_path / "cache"))
    frame = ddet_data.load("essai-download", "issues", "datagouv")
    pd.testing.assert_frame_equal(frame, ddet_data.load("essai-download", "issues", original))
    assert (tmp_path / "cache" / "essai-download" / "data" / "issues.parquet").is_file()


def test_documentation_resources_come_back_under_their_names(sandbox, tmp_path):
    from ddet_data.package.dictionary import write_docs

    folder = make(tmp_path / "essai-docs", name="essai-docs")
    write_docs(folder, None)
    dataset_id = put_online(sandbox, folder, tmp_path)
    # As the publisher is asked to publish them: .txt uploads (udata's default
    # allowlist has no .md) marked docs/readme and docs/changelog.
    with Client(sandbox.url, sandbox.api_key) as client:
        for name, marker in (("README.md", "docs/readme"), ("CHANGELOG.md", "docs/changelog")):
            upload_name = name.replace(".md", ".txt").lower()
            data = (folder / name).read_bytes()
            resource = client.upload(
                f"datasets/{dataset_id}/upload/", upload_name, data, "text/plain"
            )
            client.put(
                f"datasets/{dataset_id}/resources/{resource['id']}/",
                {**resource, "type": "documentation", "extras": {"ddet:resource": marker}},
            )
    download("essai-docs", tmp_path / "got", source=source(sandbox))
    for name in ("README.md", "CHANGELOG.md"):
        assert (tmp_path / "got" / name).read_bytes() == (folder / name).read_bytes()
