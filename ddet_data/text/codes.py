"""French administrative identifiers: SIREN numbers and INSEE territory codes.

These check form only (and the SIREN checksum); they do not say a code exists today.
The INSEE lists are those of the Code officiel géographique since the 2016 régions.
"""

from __future__ import annotations

import re

# Metropolitan départements 01-95 (20 became 2A and 2B in 1976) and the five overseas
# départements. 975 (Saint-Pierre-et-Miquelon) is a collectivité, not a département.
DEPARTEMENT_CODES = frozenset(
    [f"{n:02d}" for n in range(1, 96) if n != 20] + ["2A", "2B", "971", "972", "973", "974", "976"]
)
# The 18 régions of the Code officiel géographique (13 metropolitan, 5 overseas).
REGION_CODES = frozenset(
    [
        "01",
        "02",
        "03",
        "04",
        "06",
        "11",
        "24",
        "27",
        "28",
        "32",
        "44",
        "52",
        "53",
        "75",
        "76",
        "84",
        "93",
        "94",
    ]
)
SIREN_FORM = re.compile(r"^[0-9]{9}$")


def luhn_valid(digits: str) -> bool:
    """The Luhn checksum: every second digit from the right doubled, the sum a multiple of 10."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        digit = int(char)
        if index % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def is_valid_siren(value: str) -> bool:
    """Nine ASCII digits whose Luhn checksum is valid."""
    return isinstance(value, str) and bool(SIREN_FORM.match(value)) and luhn_valid(value)


def is_departement_code(value: str) -> bool:
    """An INSEE département code: "01".."95" (not "20"), "2A", "2B", "971".."974", "976"."""
    return isinstance(value, str) and value in DEPARTEMENT_CODES


def is_region_code(value: str) -> bool:
    """An INSEE région code of the 2016 map, two digits such as "11" or "53"."""
    return isinstance(value, str) and value in REGION_CODES


def is_commune_code(value: str) -> bool:
    """The form of an INSEE commune code: its département's code, then the commune's number."""
    if not isinstance(value, str) or len(value) != 5:
        return False
    if value[:3] in DEPARTEMENT_CODES and value.startswith("97"):
        number = value[3:]
    elif value[:2] in DEPARTEMENT_CODES and not value.startswith("97"):
        number = value[2:]
    else:
        return False
    return number.isascii() and number.isdigit() and int(number) > 0
