"""data.gouv.fr's quality criteria, computed from a dataset and its resources as udata does.

udata (`Dataset.compute_quality` and the `quality` property, udata 17.18) stores one flag
per criterion and a score; the front end (cdata) shows each criterion as met or not with
a fixed French label. The rules are carried over here so that a dataset can be judged
before it is published: from `plan.dataset_payload` and `plan.resource_payload`, or from
what the API returns (then the server's own `quality` must agree, and tests check it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

# udata's QUALITY_DESCRIPTION_LENGTH: the description must be strictly longer.
DESCRIPTION_LENGTH = 100
QUALITY_MAX_SCORE = 9
# udata's CLOSED_FORMATS: any other non-empty format counts as open.
CLOSED_FORMATS = ("pdf", "doc", "docx", "word", "xls", "excel", "xlsx")

_DAY = dt.timedelta(days=1)
_WEEK = dt.timedelta(weeks=1)
# udata's UpdateFrequency: id -> (French label shown by data.gouv.fr, expected delay).
FREQUENCIES: dict[str, tuple[str, dt.timedelta | None]] = {
    "continuous": ("Temps réel", None),
    "oneMinute": ("Toutes les minutes", dt.timedelta(minutes=1)),
    "fiveMinutes": ("Toutes les cinq minutes", dt.timedelta(minutes=5)),
    "tenMinutes": ("Toutes les dix minutes", dt.timedelta(minutes=10)),
    "fifteenMinutes": ("Toutes les quinze minutes", dt.timedelta(minutes=15)),
    "thirtyMinutes": ("Toutes les trente minutes", dt.timedelta(minutes=30)),
    "hourly": ("Toutes les heures", dt.timedelta(hours=1)),
    "bihourly": ("Toutes les deux heures", dt.timedelta(hours=2)),
    "trihourly": ("Toutes les trois heures", dt.timedelta(hours=3)),
    "twelveHours": ("Toutes les douze heures", dt.timedelta(hours=12)),
    "severalTimesADay": ("Plusieurs fois par jour", _DAY),
    "threeTimesADay": ("Trois fois par jour", _DAY),
    "semidaily": ("Deux fois par jour", _DAY),
    "daily": ("Quotidienne", _DAY),
    "fiveTimesAWeek": ("Cinq fois par semaine", _WEEK),
    "threeTimesAWeek": ("Trois fois par semaine", _WEEK),
    "semiweekly": ("Deux fois par semaine", _WEEK),
    "weekly": ("Hebdomadaire", _WEEK),
    "biweekly": ("Toutes les deux semaines", 2 * _WEEK),
    "threeTimesAMonth": ("Trois fois par mois", 31 * _DAY),
    "semimonthly": ("Deux fois par mois", 31 * _DAY),
    "monthly": ("Mensuelle", 31 * _DAY),
    "bimonthly": ("Tous les deux mois", 62 * _DAY),
    "quarterly": ("Trimestrielle", 93 * _DAY),
    "threeTimesAYear": ("Trois fois par an", 365 * _DAY),
    "semiannual": ("Deux fois par an", 365 * _DAY),
    "annual": ("Annuelle", 365 * _DAY),
    "biennial": ("Tous les deux ans", 2 * 365 * _DAY),
    "triennial": ("Tous les trois ans", 3 * 365 * _DAY),
    "quadrennial": ("Tous les quatre ans", 4 * 365 * _DAY),
    "quinquennial": ("Tous les cinq ans", 5 * 365 * _DAY),
    "decennial": ("Tous les dix ans", 10 * 365 * _DAY),
    "bidecennial": ("Tous les vingt ans", 20 * 365 * _DAY),
    "tridecennial": ("Tous les trente ans", 30 * 365 * _DAY),
    "punctual": ("Ponctuelle", None),
    "irregular": ("Sans régularité", None),
    "never": ("Jamais", None),
    "notPlanned": ("Non planifié", None),
    "other": ("Autre", None),
    "unknown": ("Inconnu", None),
}
# Old ids udata still accepts, and what it stores for them.
LEGACY_FREQUENCIES = {
    "realtime": "continuous",
    "fourTimesADay": "severalTimesADay",
    "fourTimesAWeek": "other",
    "fortnighly": "biweekly",
    "biannual": "semiannual",
}

# The licences of data.gouv.fr, with the title its pages show (licences are not translated).
LICENSES = {
    "lov2": "Licence Ouverte / Open Licence version 2.0",
    "fr-lo": "Licence Ouverte / Open Licence",
    "odc-odbl": "Open Data Commons Open Database License (ODbL)",
    "odc-by": "Open Data Commons Attribution License",
    "odc-pddl": "Open Data Commons Public Domain Dedication and Licence (PDDL)",
    "cc-by": "Creative Commons Attribution",
    "cc-by-sa": "Creative Commons Attribution Share-Alike",
    "cc-zero": "Creative Commons CCZero",
    "other-at": "Other (Attribution)",
    "other-open": "Other (Open)",
    "other-pd": "Other (Public Domain)",
    "notspecified": "License Not Specified",
}

# (udata key, label when met, label when not), in the order data.gouv.fr lists them.
LABELS = (
    (
        "dataset_description_quality",
        "Description des données renseignée",
        "Description des données non renseignée",
    ),
    ("resources_documentation", "Fichiers documentés", "Documentation des fichiers manquante"),
    ("license", "Licence renseignée", "Licence non renseignée"),
    (
        "update_fulfilled_in_time",
        "Fréquence de mise à jour respectée",
        "Fréquence de mise à jour non respectée",
    ),
    ("has_open_format", "Formats de fichiers standards", "Formats de fichiers non standards"),
    (
        "temporal_coverage",
        "Couverture temporelle renseignée",
        "Couverture temporelle non renseignée",
    ),
    ("spatial", "Couverture spatiale renseignée", "Couverture spatiale non renseignée"),
    (
        "all_resources_available",
        "Tous les fichiers sont disponibles",
        "Certains fichiers ne sont pas disponibles",
    ),
)
FREQUENCY_MISSING = "Fréquence de mise à jour non renseignée"
MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip


@dataclass(frozen=True)
class Criterion:
    key: str  # udata's key in `quality`
    met: bool
    label: str  # what data.gouv.fr shows, met or not
    reason: str  # why, in French


@dataclass(frozen=True)
class Quality:
    criteria: tuple[Criterion, ...]
    flags: dict  # the booleans udata would store under `quality`, score excluded
    score: float

    @property
    def failed(self) -> tuple[Criterion, ...]:
        return tuple(c for c in self.criteria if not c.met)


def french_date(value: dt.date) -> str:
    """As data.gouv.fr writes a date (Intl long style): `1 mars 2024`."""
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def frequency_id(frequency) -> str | None:
    """The frequency's id, from an id or the API's `{id, label}` object, legacy ids mapped."""
    if isinstance(frequency, dict):
        frequency = frequency.get("id")
    return LEGACY_FREQUENCIES.get(frequency, frequency) if frequency else None


def frequency_label(frequency) -> str:
    key = frequency_id(frequency) or "unknown"
    return FREQUENCIES.get(key, (key, None))[0]


def license_id(license) -> str | None:
    return license.get("id") if isinstance(license, dict) else license or None


def parse_moment(value) -> dt.datetime | None:
    """A naive UTC datetime from an API date-time (or None)."""
    if value is None or isinstance(value, dt.datetime):
        moment = value
    else:
        moment = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    if moment is not None and moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return moment


def compute_quality(
    dataset: dict,
    resources: list[dict],
    *,
    now: dt.datetime,
    last_update: dt.datetime | None = None,
) -> Quality:
    """The criteria of `dataset` (a payload or an API object) and its resources.

    `last_update` is when the files last changed (the API's `last_update`); None means
    "at publication", when publishing uploads or updates them, that is `now`.
    """
    now = parse_moment(now)
    flags: dict[str, bool] = {}
    reasons: dict[str, str] = {}

    description = dataset.get("description") or ""
    flags["dataset_description_quality"] = len(description) > DESCRIPTION_LENGTH
    reasons["dataset_description_quality"] = (
        f"{len(description)} caractères ; data.gouv.fr en demande plus de {DESCRIPTION_LENGTH}"
    )

    licence = license_id(dataset.get("license"))
    # udata counts any licence it knows (even "notspecified"); an unknown id becomes none.
    flags["license"] = licence in LICENSES
    if licence in LICENSES:
        reasons["license"] = f"« {LICENSES[licence]} » ({licence})"
    elif licence:
        reasons["license"] = f"identifiant « {licence} » inconnu de data.gouv.fr"
    else:
        reasons["license"] = "aucune licence indiquée"

    coverage = dataset.get("temporal_coverage") or None
    flags["temporal_coverage"] = bool(coverage)
    reasons["temporal_coverage"] = (
        temporal_text(coverage) if coverage else "aucune période indiquée (temporal_coverage)"
    )

    spatial = dataset.get("spatial") or None
    flags["spatial"] = spatial is not None
    reasons["spatial"] = spatial_text(spatial) if spatial else "aucune zone ni granularité"

    frequency = frequency_id(dataset.get("frequency"))
    label, delta = FREQUENCIES.get(frequency or "unknown", (frequency, None))
    flags["update_frequency"] = frequency not in (None, "unknown")
    if flags["update_frequency"]:
        moment = parse_moment(last_update) or now
        if delta is None:
            flags["update_fulfilled_in_time"] = True
            reasons["update_fulfilled_in_time"] = f"« {label} » : pas d'échéance à respecter"
        else:
            # udata: (next_update - now).days >= -1, with timedelta.days floored.
            fulfilled = (moment + delta - now).days >= -1
            flags["update_fulfilled_in_time"] = fulfilled
            since = "à la publication" if last_update is None else "le " + french_date(moment)
            limit = french_date((moment + delta + _DAY).date())
            reasons["update_fulfilled_in_time"] = (
                f"« {label} » ; fichiers mis à jour {since}, "
                + ("prochaine mise à jour attendue" if fulfilled else "mise à jour attendue")
                + f" avant le {limit}"
            )
    else:
        reasons["update_fulfilled_in_time"] = "fréquence « Inconnu » ou absente"

    if resources:
        flags["has_resources"] = True
        formats = [(r.get("format") or "").lower() for r in resources]
        open_formats = sorted({f for f in formats if f and f not in CLOSED_FORMATS})
        flags["has_open_format"] = bool(open_formats)
        reasons["has_open_format"] = (
            "formats ouverts : " + ", ".join(open_formats)
            if open_formats
            else "aucun fichier dans un format ouvert (pdf, doc, xls… ou sans format)"
        )
        # Only remote files are checked by the platform's robot; uploads always count.
        down = [
            r.get("title") or r.get("url") or "?"
            for r in resources
            if r.get("filetype") == "remote"
            and (r.get("extras") or {}).get("check:available", "unknown") is False
        ]
        flags["all_resources_available"] = not down
        reasons["all_resources_available"] = (
            "indisponibles : " + ", ".join(down)
            if down
            else "aucun fichier signalé indisponible par le robot de la plateforme"
        )
        documents = sum(1 for r in resources if r.get("type") == "documentation")
        described = sum(1 for r in resources if r.get("description"))
        flags["resources_documentation"] = bool(documents or described)
        reasons["resources_documentation"] = (
            f"{documents} fichier(s) de documentation, {described} ressource(s) décrite(s)"
            if documents or described
            else "aucun fichier de documentation ni ressource décrite"
        )
    else:
        for key in ("has_open_format", "all_resources_available", "resources_documentation"):
            reasons[key] = "aucun fichier"

    criteria = []
    for key, met_label, failed_label in LABELS:
        met = bool(flags.get(key))
        label = met_label if met else failed_label
        if key == "update_fulfilled_in_time" and not flags["update_frequency"]:
            label = FREQUENCY_MISSING
        criteria.append(Criterion(key, met, label, reasons[key]))
    return Quality(tuple(criteria), flags, score_of(flags))


def score_of(flags: dict) -> float:
    """udata's `compute_quality_score`: one point a met criterion, out of 9."""
    keys = [
        "license",
        "temporal_coverage",
        "spatial",
        "update_frequency",
        "update_fulfilled_in_time",
        "dataset_description_quality",
    ]
    if flags.get("has_resources"):
        keys += ["has_open_format", "all_resources_available", "resources_documentation"]
    return sum(1 for key in keys if flags.get(key)) / QUALITY_MAX_SCORE


def temporal_text(coverage: dict) -> str:
    """A date range as data.gouv.fr words it (cdata's DateRangeDetails): `2020 à 2023`,
    `mars à juin 2023`, `du 8 janvier au 15 mars 2024`."""
    start = dt.date.fromisoformat(str(coverage["start"])[:10])
    end = dt.date.fromisoformat(str(coverage["end"])[:10]) if coverage.get("end") else None
    if end is None:
        if (start.month, start.day) == (1, 1):
            return f"depuis {start.year}"
        if start.day == 1:
            return f"depuis {MONTHS[start.month - 1]} {start.year}"
        return f"depuis le {french_date(start)}"
    if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31):
        if start.year == end.year:
            return str(start.year)
        joint = "et" if end.year == start.year + 1 else "à"
        return f"{start.year} {joint} {end.year}"
    if start == end:
        return f"le {french_date(start)}"
    if start.day == 1 and (end + _DAY).day == 1:
        first = MONTHS[start.month - 1] + ("" if start.year == end.year else f" {start.year}")
        last = f"{MONTHS[end.month - 1]} {end.year}"
        if (start.year, start.month) == (end.year, end.month):
            return last
        months_apart = (end.year - start.year) * 12 + end.month - start.month
        return f"{first} {'et' if months_apart == 1 else 'à'} {last}"
    first = french_date(start)
    if start.year == end.year:
        first = first.rsplit(" ", 1)[0]
    return f"du {first} au {french_date(end)}"


def spatial_text(spatial: dict) -> str:
    zones = [z.get("id") if isinstance(z, dict) else z for z in spatial.get("zones") or []]
    granularity = spatial.get("granularity")
    if isinstance(granularity, dict):
        granularity = granularity.get("id")
    parts = []
    if zones:
        parts.append("zones : " + ", ".join(zones))
    if granularity:
        parts.append(f"granularité : {granularity}")
    return " ; ".join(parts) or "couverture spatiale vide"
