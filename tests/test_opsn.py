"""OPSN sources: the fixture's rows, every research fact kept, and each bad input's error line."""

import csv
import json
import re
import shutil
from pathlib import Path

import pytest

from ddet_data.errors import EXIT_INVALID, SourceError
from ddet_data.sources import opsn
from ddet_data.sources.opsn import load_opsn
from ddet_data.text.normalize import same_typography as normalize_quote

ROOT = Path(__file__).parent.parent
FIXTURE = Path(__file__).parent / "fixtures" / "opsn"
PROJECT = Path(__file__).parent / "fixtures" / "project"
RESEARCH = PROJECT / "sources" / "research" / "opsn_facts.csv"
INTERVIEW_URL = "https://old.infhotep.com/interview-de-emmanuel-vive-ddet"


def schema(table):
    return json.loads((ROOT / "schemas" / f"{table}.json").read_text(encoding="utf-8"))


@pytest.fixture
def root(tmp_path):
    shutil.copytree(FIXTURE, tmp_path, dirs_exist_ok=True)
    return tmp_path


def load(root):
    return load_opsn(root / "opsn", root)


@pytest.fixture(scope="module")
def repository():
    return load_opsn(PROJECT / "sources" / "opsn", PROJECT / "sources")


@pytest.fixture(scope="module")
def research():
    with open(RESEARCH, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# --- the fixture ------------------------------------------------------------------------


def test_missing_folder_gives_empty_tables(tmp_path):
    assert load_opsn(tmp_path / "opsn", tmp_path) == {table: [] for table in opsn.TABLES}


@pytest.mark.parametrize("tables", ["fixture", "repository"])
def test_rows_have_the_schema_fields_in_order(root, repository, tables):
    loaded = load(root) if tables == "fixture" else repository
    for table, rows in loaded.items():
        names = [field["name"] for field in schema(table)["fields"]]
        assert rows, table
        for row in rows:
            assert list(row) == names, table


def test_fixture_rows(root):
    tables = load(root)
    facts = {row["fact_id"]: row for row in tables["facts"]}
    assert facts["F001"] | {} == {
        "fact_id": "F001",
        "subject_id": "exemple-federation",
        "subject_kind": "organization",
        "subject_name": "Exemple",
        "organization_id": "exemple-federation",
        "property": "member_count",
        "value_text": "12 OPSN",
        "value_number": 12,
        "value_unit": "OPSN",
        "value_qualifier": "exact",
        "legal_form": None,
        "as_of_text": "c. 2019-2020 (page undated)",
        "as_of": "2019",
        "as_of_end": "2020",
        "as_of_precision": "range",
        "as_of_approximate": True,
        "source_id": "sample-interview",
        "quote": "Notre fédération (Exemple) regroupe 12 OPSN",
        "note": None,
    }
    assert (facts["F004"]["as_of"], facts["F004"]["as_of_precision"]) == ("2016", "year")
    assert facts["F004"]["as_of_text"] == "2016 statuts"
    assert (facts["F005"]["as_of"], facts["F005"]["as_of_precision"]) == (None, "unknown")
    assert facts["F005"]["organization_id"] is None
    assert facts["F005"]["subject_kind"] == "study"
    assert facts["F003"]["legal_form"] == "syndicat_mixte_ouvert"
    territories = {
        (r["organization_id"], r["territory_kind"], r["territory_code"], r["role"], r["source_id"])
        for r in tables["organization_territories"]
    }
    assert territories == {
        ("exemple-opsn", "departement", "60", "seat", "sample-registry"),
        ("exemple-opsn", "departement", "80", "coverage", "sample-registry"),
        ("exemple-opsn", "region", "32", "coverage", "sample-registry"),
    }
    [membership] = tables["memberships"]
    assert membership["source_id"] == "sample-registry"
    assert (membership["as_of"], membership["as_of_precision"]) == ("2019-01-01", "day")
    organizations = {row["organization_id"]: row for row in tables["organizations"]}
    assert organizations["exemple-opsn"]["siren"] == "253514491"
    assert organizations["exemple-opsn"]["fact_ids"] == "F003 F004"
    sources = {row["source_id"]: row for row in tables["sources"]}
    assert (sources["sample-article"]["published_on"], sources["sample-article"]["title"]) == (
        "2020-05",
        "Un article d'exemple",
    )
    assert sources["sample-article"]["published_on_precision"] == "month"
    assert sources["sample-interview"]["published_on_precision"] == "unknown"


def test_quotes_match_across_apostrophes_and_line_breaks(root):
    facts = root / "opsn" / "facts.yaml"
    text = facts.read_text(encoding="utf-8")
    # The page writes "Groupement d’Intérêt Public," then a line break.
    quote = "Groupement d'Intérêt Public,   Association sur une échelle"
    facts.write_text(
        text.replace("Notre fédération (Exemple) regroupe 12 OPSN", quote), encoding="utf-8"
    )
    row = next(r for r in load(root)["facts"] if r["fact_id"] == "F001")
    assert row["quote"] == quote


def test_normalize_quote():
    assert normalize_quote("l’association\n  Declic ") == "l'association Declic"
    assert normalize_quote("d\u02bcIntérêt\u00a0Public") == "d'Intérêt Public"


# --- bad input: one line naming file and line ---------------------------------------------


def replace_in(root, name, old, new, count=1):
    """Edit one source file; return it and the 1-based line where `old` stood."""
    path = root / "opsn" / name
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return path, line


BAD_INPUTS = [
    # (file, old, new, expected message, line offset from `old`'s line)
    ("facts.yaml", "    unit: OPSN\n", "    unit: [OPSN\n", "malformed YAML", None),
    (
        "facts.yaml",
        "    source: sample-article",
        "    sorce: sample-article",
        "unknown key 'sorce' in fact (did you mean 'source'?)",
        0,
    ),
    (
        "memberships.yaml",
        "member: exemple-opsn",
        "member: exemple-opsm",
        "unknown organization 'exemple-opsm' (did you mean 'exemple-opsn'?)",
        0,
    ),
    (
        "facts.yaml",
        "subject: exemple-opsn",
        "subject: exemple-opns",
        "unknown subject 'exemple-opns' (did you mean 'exemple-opsn'?)",
        0,
    ),
    (
        "facts.yaml",
        "source: sample-registry",
        "source: sample-regstry",
        "unknown source 'sample-regstry' (did you mean 'sample-registry'?)",
        0,
    ),
    (
        "organizations.yaml",
        "id: exemple-opsn",
        "id: exemple-federation",
        "duplicate id 'exemple-federation' (first at line 2)",
        0,
    ),
    ("facts.yaml", "fact_id: F002", "fact_id: F001", "duplicate fact_id 'F001'", 0),
    (
        "sources.yaml",
        "url: https://example.org/article",
        "url: https://example.org/interview",
        "duplicate url 'https://example.org/interview'",
        0,
    ),
    ("facts.yaml", "as_of: 2020-05", "as_of: 2020-13", "invalid date '2020-13'", 0),
    ("facts.yaml", "as_of: 2020-05", "as_of: 2021-2019", "the end year must follow", 0),
    ("facts.yaml", "as_of: 2020-05", "as_of: spring 2020", "cannot read the date", 0),
    (
        "facts.yaml",
        'as_of_date: "2016"',
        'as_of_date: "2016-02-30"',
        "invalid date '2016-02-30'",
        0,
    ),
    (
        "facts.yaml",
        "as_of: 2020-05",
        'as_of: 2020-05\n    as_of_date: "2020"',
        "already a date: remove as_of_date",
        1,
    ),
    (
        "sources.yaml",
        'published_on: "2019-01-01"',
        'published_on: "2019-02-29"',
        "invalid date '2019-02-29'",
        0,
    ),
    (
        "organizations.yaml",
        'siren: "253514491"',
        'siren: "253514492"',
        "SIREN '253514492' is not 9 digits with a valid Luhn checksum",
        0,
    ),
    (
        "organizations.yaml",
        'siren: "253514491"',
        "siren: 253514491",
        "write the SIREN as quoted text",
        0,
    ),
    (
        "facts.yaml",
        'regroupe 12 OPSN"',
        'regroupe 13 OPSN"',
        "fact F001: the quote does not appear in sources/interviews/sample/page.txt",
        0,
    ),
    (
        "facts.yaml",
        '    quote: "Notre fédération (Exemple) regroupe 12 OPSN"\n',
        "",
        "fact F001 cites a source held in sources/interviews/sample/page.txt",
        -9,
    ),
    (
        "facts.yaml",
        '{departement: "80"',
        '{departement: "20"',
        "'20' is not a valid INSEE departement code",
        0,
    ),
    ("facts.yaml", '{region: "32"', '{region: "60"', "'60' is not a valid INSEE region code", 0),
    ("facts.yaml", '{departement: "80"', "{departement: 80", "write INSEE codes as quoted text", 0),
    (
        "facts.yaml",
        '{departement: "80", role: coverage}',
        '{departement: "80", role: covers}',
        "role 'covers' is not one of seat, coverage (did you mean 'coverage'?)",
        0,
    ),
    (
        "facts.yaml",
        '{departement: "80", role: coverage}',
        '{departement: "80", region: "32", role: coverage}',
        "exactly one of departement or region",
        0,
    ),
    ("facts.yaml", "    qualifier: about\n", "", "add qualifier", -2),
    (
        "facts.yaml",
        "    value: many respondents\n",
        "    value: many respondents\n    legal_form: association\n",
        "legal_form is for facts whose property is legal_form",
        1,
    ),
    (
        "facts.yaml",
        "property: respondents",
        "property: respondent",
        "property 'respondent' is not one of",
        0,
    ),
    (
        "organizations.yaml",
        "based_on: [F003, F004]",
        "based_on: [F003, F009]",
        "based on unknown fact 'F009'",
        0,
    ),
    (
        "sources.yaml",
        "document: interviews/sample/page.txt",
        "document: interviews/sample/pag.txt",
        "document 'interviews/sample/pag.txt' is not a file",
        0,
    ),
    (
        "sources.yaml",
        "document: interviews/sample/page.txt",
        "document: ../../etc/passwd",
        "must be a path inside sources/",
        0,
    ),
    (
        "facts.yaml",
        "source: sample-article\n    note",
        "source: sample-interview\n    note",
        "fact F002 cites a source held in sources/interviews/sample/page.txt",
        -8,
    ),
    (
        "memberships.yaml",
        "member_of: exemple-federation",
        "member_of: exemple-opsn",
        "cannot be a member of itself",
        0,
    ),
    ("organizations.yaml", "kind: opsn", "kind: opns", "kind 'opns' is not one of", 0),
]


@pytest.mark.parametrize(("name", "old", "new", "message", "offset"), BAD_INPUTS)
def test_bad_input_is_one_line_at_file_and_line(root, name, old, new, message, offset):
    path, line = replace_in(root, name, old, new)
    with pytest.raises(SourceError) as caught:
        load(root)
    error = caught.value
    assert error.exit_code == EXIT_INVALID
    assert error.path == path
    assert message in str(error)
    assert "\n" not in str(error)
    if offset is not None:
        assert error.line == line + offset
        assert str(error).startswith(f"{path}:{line + offset}: ")
    else:
        assert error.line is not None


def test_quote_missing_for_a_held_document_is_at_the_fact(root):
    path, _ = replace_in(
        root, "facts.yaml", '    quote: "Notre fédération (Exemple) regroupe 12 OPSN"\n', ""
    )
    text = path.read_text(encoding="utf-8").splitlines()
    with pytest.raises(SourceError) as caught:
        load(root)
    assert text[caught.value.line - 1].strip() == "- fact_id: F001"


def test_a_source_no_fact_cites_is_an_error(root):
    path = root / "opsn" / "sources.yaml"
    path.write_text(
        path.read_text(encoding="utf-8") + "\n- id: unused\n  url: https://example.org/u\n"
        "  kind: web_page\n",
        encoding="utf-8",
    )
    with pytest.raises(SourceError, match=r"sources\.yaml:\d+: source 'unused' is cited by no"):
        load(root)


def test_a_missing_file_is_named(root):
    (root / "opsn" / "memberships.yaml").unlink()
    with pytest.raises(SourceError, match="missing memberships.yaml"):
        load(root)


# --- the enums in code and schemas agree ------------------------------------------------


@pytest.mark.parametrize(
    ("table", "field", "values"),
    [
        ("sources", "kind", opsn.SOURCE_KINDS),
        ("organizations", "kind", opsn.ORGANIZATION_KINDS),
        ("organizations", "legal_form", opsn.LEGAL_FORMS),
        ("organizations", "scale", opsn.SCALES),
        ("facts", "legal_form", opsn.LEGAL_FORMS),
        ("facts", "property", opsn.PROPERTIES),
        ("facts", "value_qualifier", opsn.QUALIFIERS),
        ("facts", "subject_kind", ("organization", *opsn.SUBJECT_KINDS)),
        ("organization_territories", "territory_kind", tuple(opsn.TERRITORY_CHECKS)),
        ("organization_territories", "role", opsn.TERRITORY_ROLES),
    ],
)
def test_code_and_schema_enums_agree(table, field, values):
    [described] = [f for f in schema(table)["fields"] if f["name"] == field]
    assert described["constraints"]["enum"] == list(values)


# --- the repository's sources keep every research fact ------------------------------------

RESEARCH_SUBJECTS = {
    "Déclic": "declic",
    "Adico": "adico",
    "SICTIAM": "sictiam",
    "Mégalis Bretagne": "megalis-bretagne",
    "Soluris": "soluris",
    "ALPI (Agence landaise pour l'informatique)": "alpi",
    "Manche Numérique": "manche-numerique",
    "Gironde Numérique": "gironde-numerique",
    "GIP Territoires Numériques BFC": "gip-territoires-numeriques-bfc",
    "GIP Maximilien": "gip-maximilien",
    "Seine-et-Yvelines Numérique": "seine-et-yvelines-numerique",
    "ATD24 (Agence technique départementale de la Dordogne)": "atd24",
    "ADN 64 (Agence départementale du numérique des Pyrénées-Atlantiques)": "adn64",
    "AD@T (Agence départementale d'appui aux territoires, Doubs)": "adat-doubs",
    "SMICA (Aveyron)": "smica",
    "Inforoutes de l'Ardèche": "inforoutes-ardeche",
    "Sarthe Numérique": "sarthe-numerique",
    "Infhotep": "infhotep",
    "Déclic study 2020": "declic-study-2020",
    "Déclic study 2023": "declic-study-2023",
    "OPSN (general)": "opsn-general",
    "DDET newsletter": "ddet-newsletter",
}
# as_of texts that are not a plain date: what a person read in them.
HAND_DATED = {
    "statuts amended to 2016-05-20": ("2016-05-20", None, "day"),
    "2016 statuts": ("2016", None, "year"),
    "statuts": (None, None, "unknown"),
}


def expected_as_of(text):
    """An independent reading of the research notes' as_of column."""
    if not text:
        return None, None, "unknown", False
    if text in HAND_DATED:
        return (*HAND_DATED[text], False)
    if text.startswith("undated"):
        return None, None, "unknown", False
    approximate = text.startswith("c. ")
    core = text.removeprefix("c. ").split(" (")[0]
    if re.fullmatch(r"\d{4}-\d{4}", core):
        return core[:4], core[5:], "range", approximate
    precision = {4: "year", 7: "month", 10: "day"}[len(core)]
    return core, None, precision, approximate


def test_the_research_notes_have_77_facts(research):
    assert [row["fact_id"] for row in research] == [f"F{n:03d}" for n in range(1, 78)]


def test_every_research_fact_is_kept_with_its_source_and_date(repository, research):
    facts = {row["fact_id"]: row for row in repository["facts"]}
    urls = {row["source_id"]: row["url"] for row in repository["sources"]}
    assert set(facts) == {row["fact_id"] for row in research}
    for note in research:
        fact = facts[note["fact_id"]]
        assert urls[fact["source_id"]] == note["source_url"], note["fact_id"]
        # Values are written in French: the same meaning, so the same figures.
        assert figures(fact["value_text"]) == figures(note["value"]), note["fact_id"]
        assert fact["subject_id"] == RESEARCH_SUBJECTS[note["subject"]], note["fact_id"]
        assert (fact["as_of_text"] is None) == (not note["as_of"]), note["fact_id"]
        parsed = (fact["as_of"], fact["as_of_end"], fact["as_of_precision"])
        assert (*parsed, fact["as_of_approximate"]) == expected_as_of(note["as_of"]), note
        if note["note"]:
            assert fact["note"], note["fact_id"]


def figures(text: str) -> list[str]:
    """The numbers a text writes, thousands separators (English or French) removed."""
    return sorted(re.findall(r"\d+", re.sub(r"(?<=\d)[, \u202f](?=\d{3}\b)", "", text)))


def test_research_attributes_map_to_properties(repository, research):
    renamed = {"members": "member_count", "legal_form_banatic": "legal_form"}
    renamed["100th_edition"] = "hundredth_edition"
    facts = {row["fact_id"]: row for row in repository["facts"]}
    for note in research:
        expected = renamed.get(note["attribute"], note["attribute"])
        if note["fact_id"] == "F048":  # a list of members, not a count
            expected = "member_composition"
        assert facts[note["fact_id"]]["property"] == expected, note["fact_id"]


def test_numbers_are_in_their_value_text(repository):
    for fact in repository["facts"]:
        if fact["value_number"] is None:
            continue
        number = fact["value_number"]
        written = {f"{number}", f"{number:,}".replace(",", " ")}
        if fact["value_qualifier"] == "about":
            written |= {"quarantaine", "cinquantaine", "millier"}
        assert any(form in fact["value_text"] for form in written), fact["fact_id"]


def test_the_interview_facts_quote_the_held_page(repository):
    page = (PROJECT / "sources" / "interviews" / "emmanuel-vive-declic" / "page.txt").read_text(
        encoding="utf-8"
    )
    sources = {row["source_id"]: row for row in repository["sources"]}
    interview = [f for f in repository["facts"] if sources[f["source_id"]]["url"] == INTERVIEW_URL]
    assert sorted(f["fact_id"] for f in interview) == ["F004", "F005", "F013"]
    for fact in interview:
        source = sources[fact["source_id"]]
        assert source["document"] == "interviews/emmanuel-vive-declic/page.txt"
        assert fact["quote"] and normalize_quote(fact["quote"]) in normalize_quote(page)


def test_conflicting_member_counts_stay_side_by_side(repository):
    counts = sorted(
        (f["value_number"], f["value_qualifier"], f["fact_id"])
        for f in repository["facts"]
        if f["subject_id"] == "declic" and f["property"] == "member_count"
    )
    assert [(n, q) for n, q, _ in counts] == [
        (39, "exact"),
        (40, "about"),
        (40, "about"),
        (49, "exact"),
        (50, "about"),
        (66, "exact"),
    ]


def test_organizations_other_engineers_reference_exist(repository):
    ids = {row["organization_id"] for row in repository["organizations"]}
    assert {"declic", "adico", "infhotep"} <= ids


def test_every_fact_subject_organization_has_a_row(repository):
    ids = {row["organization_id"] for row in repository["organizations"]}
    subjects = {f["organization_id"] for f in repository["facts"] if f["organization_id"]}
    assert subjects <= ids
    # Every research subject that is an organization is one here, and nothing else is.
    assert subjects == set(RESEARCH_SUBJECTS.values()) - {
        "declic-study-2020",
        "declic-study-2023",
        "opsn-general",
        "ddet-newsletter",
    }


def test_membership_in_gip_acyma_comes_from_f014(repository):
    pairs = {(m["member_id"], m["member_of_id"], m["fact_id"]) for m in repository["memberships"]}
    assert pairs == {("declic", "gip-acyma", "F014"), ("coter", "gip-acyma", "F014")}


def test_territories_are_named_in_their_fact(repository):
    facts = {row["fact_id"]: row for row in repository["facts"]}
    names = {"60": "Oise", "80": "Somme", "27": "Eure", "76": "Seine-Maritime"}
    for row in repository["organization_territories"]:
        fact = facts[row["fact_id"]]
        assert fact["organization_id"] == row["organization_id"]
        assert fact["source_id"] == row["source_id"]
        if row["fact_id"] in ("F032", "F034"):
            assert names.get(row["territory_code"], "") in fact["value_text"]
