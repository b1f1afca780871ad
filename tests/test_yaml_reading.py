"""Hand-written YAML as French editors write it: YAML 1.2 scalars, hints at the line."""

import pytest

from ddet_data.errors import SourceError
from ddet_data.text.yamlio import load_yaml


def read(tmp_path, text):
    path = tmp_path / "x.yaml"
    path.write_text(text, encoding="utf-8")
    return load_yaml(path)


def test_codes_keep_their_leading_zeros_and_yaml_1_1_surprises_are_gone(tmp_path):
    data = read(tmp_path, "a: 01053\nb: 06\nc: 75056\nd: 1:20\ne: yes\nf: 2A004\ng: 0\nh: 1.5\n")
    assert data == {
        "a": "01053", "b": "06", "c": 75056, "d": "1:20", "e": "yes", "f": "2A004",
        "g": 0, "h": 1.5,
    }  # fmt: skip
    assert read(tmp_path, "t: true\nn: null\nd: 2026-12-07\n") == {
        "t": True, "n": None, "d": "2026-12-07",
    }  # fmt: skip


def test_lists_know_the_line_of_each_item(tmp_path):
    data = read(tmp_path, "x:\n  - a\n  - b\ny: [c, d]\n")
    assert data["x"].lines == [2, 3] and data["y"].lines == [4, 4]


@pytest.mark.parametrize(
    "text, line, message",
    [
        ("a: 1\ntitle: Fibre : la Bretagne\n", 2, 'must be quoted: title: "Fibre : la Bretagne"'),
        ("title: Le #numérique en région\n", 1, "this value was cut to 'Le'"),
        ("a: 1\na: 2\n", 2, "duplicate key 'a'"),
    ],
)
def test_mistakes_get_their_line_and_a_hint(tmp_path, text, line, message):
    with pytest.raises(SourceError, match=f":{line}: malformed YAML: .*{message}"):
        read(tmp_path, text)


def test_a_comment_after_a_value_is_still_a_comment(tmp_path):
    assert read(tmp_path, 'language: fr  # check\nt: "Le #1"\n') == {"language": "fr", "t": "Le #1"}
