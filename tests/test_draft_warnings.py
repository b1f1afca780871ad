"""Ingest says what it could not settle: warnings in --json and in the draft, never dropped."""

from pathlib import Path

from ddet_data.sources.pages.drafts import draft_interview, plan_draft

FIXTURES = Path(__file__).parent / "fixtures" / "interviews"


def test_a_second_interviewee_a_bystander_and_a_doubtful_count_are_warned(tmp_path):
    sources = tmp_path / "sources"
    draft = plan_draft(FIXTURES / "two-interviewees.txt", sources)
    people = {(p.name, p.role, p.job_title, p.organization) for p in draft.parsed.participants}
    assert people == {
        ("Julien Hautemaniere", "interviewer", None, None),
        ("Camille Exemple", "interviewee", "directrice générale", "SNEX"),
        ("Louis Modèle", "interviewee", "président", "SNEX"),
    }
    warnings = "\n".join(draft.warnings)
    assert "2 interviewees found (Camille Exemple, Louis Modèle)" in warnings
    assert "Marie Témoin is named in the introduction but not as a participant" in warnings
    assert "no organization found for Julien Hautemaniere" in warnings
    assert "question 1 joins 3 paragraphs ending with '?'" in warnings
    assert "only 1 question(s) found" in warnings
    assert draft.to_json()["warnings"] == list(draft.warnings)
    assert [p.person_id for p in draft.new_people] == [
        "julien-hautemaniere", "camille-exemple", "louis-modele",
    ]  # fmt: skip
    assert [p.organization_id for p in draft.new_organizations] == ["snex"]


def test_the_draft_keeps_the_warnings_and_drafts_the_unknown_entries(tmp_path):
    sources = tmp_path / "sources"
    draft = draft_interview(FIXTURES / "two-interviewees.txt", sources / "interviews")
    text = (draft.folder / "interview.yaml").read_text(encoding="utf-8")
    for warning in draft.warnings:
        assert f"# warning: {warning}" in text
    assert "organization: TODO" in text  # the interviewer's, which the page does not give
    organizations = (sources / "opsn" / "organizations.yaml").read_text(encoding="utf-8")
    assert '- id: snex\n  name: "SNEX"\n  kind: TODO' in organizations
    assert f"  interview: {draft.interview_id}" in organizations
    people = (sources / "people.yaml").read_text(encoding="utf-8")
    assert '- id: louis-modele\n  name: "Louis Modèle"' in people
