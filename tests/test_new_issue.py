"""`ddet-data new issue`: the next number a week after the last issue; never overwrites."""

from click.testing import CliRunner

from ddet_data.cli.main import cli
from ddet_data.sources.issues import load_issues
from ddet_data.text.yamlio import load_yaml


def run(root, *args):
    return CliRunner().invoke(cli, ["--root", str(root), *args])


def test_defaults_follow_the_last_issue_and_the_template_reads(tmp_path):
    issues = tmp_path / "sources" / "issues"
    issues.mkdir(parents=True)
    (issues / "7.yml").write_text(
        "number: 7\npublished_on: 2026-11-30\ntitle: t\n", encoding="utf-8"
    )
    result = run(tmp_path, "new", "issue")
    assert result.exit_code == 0, result.output
    written = load_yaml(issues / "8.yaml")
    assert (written["number"], written["published_on"]) == (8, "2026-12-07")
    tables = load_issues(issues, set(), lambda text: [])
    assert [row["issue_number"] for row in tables["issues"]] == [7, 8]
    assert len(tables["issue_items"]) == 1  # the template's one item, to be rewritten


def test_it_refuses_to_overwrite_and_needs_a_date_for_the_first_issue(tmp_path):
    result = run(tmp_path, "new", "issue")
    assert result.exit_code == 3
    assert "pass --date YYYY-MM-DD" in result.output
    assert run(tmp_path, "new", "issue", "--date", "2026-12-07").exit_code == 0
    again = run(tmp_path, "new", "issue", "--number", "1", "--date", "2026-12-07")
    assert again.exit_code == 1
    assert "1.yaml exists" in again.output
    assert run(tmp_path, "new", "issue", "--date", "7 décembre").exit_code == 2
