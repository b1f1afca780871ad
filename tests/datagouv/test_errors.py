"""What goes wrong says so in one line, exits 1, and writes nothing."""

from __future__ import annotations

import urllib.request

import pytest

from ddet_data.datagouv.client import Client, check_api_url
from ddet_data.errors import ConfigError

from .packages import make_package


def error_line(result) -> str:
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    return lines[0]


def test_wrong_key_is_refused_before_any_write(project):
    before = len(project.writes())
    result = project.run("publish", "--yes", key="udata_not-a-valid-key")
    assert result.exit_code == 1
    assert error_line(result) == (
        f"error: the API key was refused by {project.sandbox.url} (401): check "
        "DATAGOUV_API_KEY (prod and demo keys differ)"
    )
    assert project.writes()[before:] == []
    plan = project.run("plan", "--detailed-exitcode", key="udata_not-a-valid-key")
    assert plan.exit_code == 1


def test_missing_key(project):
    result = project.run("plan", key="")
    assert result.exit_code == 1
    assert error_line(result).startswith("error: DATAGOUV_API_KEY is not set")


def test_key_without_rights_is_caught_before_any_write(project):
    before = len(project.writes())
    result = project.run("publish", "--yes", key=project.sandbox.other_api_key)
    assert result.exit_code == 1
    line = error_line(result)
    assert "is not a member of organization" in line
    assert "make it an admin or editor" in line
    assert project.writes()[before:] == []


def test_server_field_errors_are_reported(project):
    make_package(project.package, project.name, title="Titre trop long " * 25)
    result = project.run("publish", "--yes")
    assert result.exit_code == 1
    line = error_line(result)
    assert line.startswith(f"error: POST {project.sandbox.url}/datasets/: the server refused")
    assert "(400): title: " in line
    assert project.datasets() == []


def test_unknown_spatial_zone_is_caught_before_any_write(project):
    config = project.root / "publish.toml"
    config.write_text(
        config.read_text() + f'\n[packages.{project.name}]\nspatial_zones = ["country:xx"]\n'
    )
    before = len(project.writes())
    result = project.run("publish", "--yes")
    assert result.exit_code == 1
    assert "spatial zone 'country:xx' is unknown to" in error_line(result)
    assert project.writes()[before:] == []


def test_granularity_unknown_to_the_server_is_left_out(project):
    config = project.root / "publish.toml"
    config.write_text(
        config.read_text()
        + f'\n[packages.{project.name}]\nspatial_zones = []\nspatial_granularity = "fr:iris"\n'
    )
    result = project.run("publish", "--yes")
    assert result.exit_code == 0, result.output
    assert "published without spatial coverage" in result.stdout
    assert project.dataset()["spatial"] is None
    assert project.run("plan", "--detailed-exitcode").exit_code == 0


def test_unknown_licence_is_caught_before_any_write(project):
    config = project.root / "publish.toml"
    config.write_text(config.read_text() + f'\n[packages.{project.name}]\nlicense = "lov3"\n')
    before = len(project.writes())
    result = project.run("publish", "--yes")
    assert result.exit_code == 1
    assert "license 'lov3' is unknown to" in error_line(result)
    assert project.writes()[before:] == []


def test_invalid_data_sends_nothing_and_exits_3(project):
    csv = project.package / "data" / "issues.csv"
    csv.write_bytes(csv.read_bytes().replace(b"2024-01-15", b"2024-13-45"))
    before = len(project.writes())
    result = project.run("publish", "--yes")
    assert result.exit_code == 3, result.output
    assert "nothing was sent" in result.stderr
    assert project.writes()[before:] == []
    assert project.datasets() == []


def test_deleted_dataset_says_what_to_do(project):
    assert project.run("publish", "--yes").exit_code == 0
    dataset_id = project.dataset()["id"]
    request = urllib.request.Request(
        f"{project.sandbox.url}/datasets/{dataset_id}/",
        method="DELETE",
        headers={"X-API-KEY": project.sandbox.api_key},
    )
    urllib.request.urlopen(request, timeout=10).close()
    result = project.run("publish", "--yes")
    assert result.exit_code == 1
    line = error_line(result)
    assert f"the dataset {dataset_id} of package '{project.name}' was deleted" in line
    assert "(410)" in line


def test_no_cookie_keeps_a_wrong_key_out(sandbox):
    """udata answers a keyed request with a session cookie that would authenticate later."""
    client = Client(sandbox.url, sandbox.api_key)
    assert client.get("me/")["organizations"]
    assert len(client.session.cookies) == 0
    client._key = "udata_wrong"
    with pytest.raises(Exception) as caught:
        client.get("me/")
    assert getattr(caught.value, "status", None) == 401


@pytest.mark.parametrize(
    "url", ["http://www.data.gouv.fr/api/1", "ftp://127.0.0.1/api/1", "www.data.gouv.fr"]
)
def test_key_never_travels_in_clear(url):
    with pytest.raises(ConfigError):
        check_api_url(url)


@pytest.mark.parametrize(
    "url", ["https://www.data.gouv.fr/api/1/", "http://127.0.0.1:5000/api/1", "http://[::1]/a"]
)
def test_https_and_loopback_are_accepted(url):
    assert check_api_url(url) == url.rstrip("/")


def test_a_platform_root_means_its_api_v1():
    assert check_api_url("https://demo.data.gouv.fr/") == "https://demo.data.gouv.fr/api/1"


def test_a_url_that_is_not_the_api_says_so(project):
    result = project.run("plan", url=project.sandbox.root_url + "/api/9")
    assert result.exit_code == 1
    assert "is it a udata API URL (ending with /api/1)?" in error_line(result)


def test_client_repr_hides_the_key():
    client = Client("https://www.data.gouv.fr/api/1", "udata_secret")
    assert "udata_secret" not in repr(client)
    assert client.redact("key udata_secret here") == "key *** here"
