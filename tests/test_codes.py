"""SIREN checksums and INSEE code forms."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ddet_data.text.codes import (
    is_commune_code,
    is_departement_code,
    is_region_code,
    is_valid_siren,
    luhn_valid,
)


@pytest.mark.parametrize(
    "siren",
    [
        "253514491",  # Mégalis Bretagne, as BANATIC gives it
        "356000000",  # La Poste
        "732829320",
        "000000000",
    ],
)
def test_valid_sirens(siren):
    assert is_valid_siren(siren)


@pytest.mark.parametrize(
    "siren",
    [
        "253514492",
        "253514419",
        "25351449",
        "2535144910",
        "25351449a",
        "２５３５１４４９１",
        "",
        None,
    ],
)
def test_invalid_sirens(siren):
    assert not is_valid_siren(siren)


@given(st.text(alphabet="0123456789", min_size=9, max_size=9), st.integers(0, 8), st.integers(1, 9))
def test_changing_one_digit_breaks_the_checksum(siren, position, shift):
    if not luhn_valid(siren):
        return
    digits = list(siren)
    digits[position] = str((int(digits[position]) + shift) % 10)
    assert not is_valid_siren("".join(digits))


@pytest.mark.parametrize("code", ["01", "06", "2A", "2B", "60", "95", "971", "974", "976"])
def test_departement_codes(code):
    assert is_departement_code(code)


@pytest.mark.parametrize("code", ["1", "00", "20", "96", "975", "977", "2C", "2a", "060", 60, None])
def test_not_departement_codes(code):
    assert not is_departement_code(code)


@pytest.mark.parametrize("code", ["01", "06", "11", "27", "32", "53", "94"])
def test_region_codes(code):
    assert is_region_code(code)


@pytest.mark.parametrize("code", ["05", "22", "31", "60", "1", "011", 11])
def test_not_region_codes(code):
    # 22 and 31 were régions before 2016 (Picardie, Nord-Pas-de-Calais).
    assert not is_region_code(code)


@pytest.mark.parametrize("code", ["60057", "2A004", "2B033", "97101", "97611", "75056"])
def test_commune_codes(code):
    assert is_commune_code(code)


@pytest.mark.parametrize("code", ["6005", "600570", "20004", "60000", "97501", "9710A", "00001"])
def test_not_commune_codes(code):
    assert not is_commune_code(code)
