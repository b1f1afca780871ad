"""Who speaks in an interview, as its page introduces them: a draft for a person to check.

Interview pages introduce people in one sentence ("Dans cette interview, X, consultant
au sein d'A, interviewe Y, directeur général de B et président de C sur …") and may
be signed at the end (a name, then a job title). This module reads those two places
only, with plain rules; the result goes into a draft interview.yaml that a person
confirms, never straight into the data.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from ...text.fields import slugify as slug_of_folded
from ...text.normalize import fold

UPPER = "A-ZÀ-ÖØ-Þ"
LOWER = "a-zà-öø-ÿœ"
NAME_WORD = rf"[{UPPER}](?:[{LOWER}'’]+|[{UPPER}'’]+)(?:-[{UPPER}][{LOWER}{UPPER}]+)?"
PARTICLE = r"(?:de|du|des|le|la|d['’]|van|von|di|da)"
NAME_IN_TEXT = re.compile(rf"\b{NAME_WORD}(?:\s+(?:{PARTICLE}\s*)?{NAME_WORD}){{1,2}}\b")
# Capitalized words that start a sentence, a title or an organization, not a name.
NOT_A_FIRST_NAME = {
    "dans", "des", "de", "du", "le", "la", "les", "un", "une", "cette", "ce", "cet",
    "notre", "nos", "votre", "pour", "avec", "par", "sur", "en", "interview", "entretien",
    "rencontre", "directeur", "directrice", "president", "presidente", "vice", "maire",
    "adjoint", "adjointe", "delegue", "deleguee", "chef", "cheffe", "responsable",
    "charge", "chargee", "consultant", "consultante", "conseiller", "conseillere",
    "secretaire", "fondateur", "fondatrice", "createur", "creatrice", "agence",
    "association", "syndicat", "centre", "groupement", "conseil", "region", "departement",
    "ville", "commune", "communaute", "metropole", "mairie", "prefecture", "ministere",
    "etat", "france", "operateurs", "operateur", "open", "smart", "quel", "quelle",
    "donnees", "territoires", "newsletter", "madame", "monsieur", "docteur", "general",
    "generale", "service", "services", "mission", "direction", "pole", "universite",
}  # fmt: skip
ASKS = re.compile(
    r"\b(interview(?:e|é|ent)?|interroge(?:nt)?|questionne|s['’]entretient avec|"
    r"a rencontré|rencontre|a interviewé|donne la parole à|tend le micro à|reçoit)\b"
)
ANSWERS_TO = re.compile(r"\b(répond(?:ait)? aux questions d|a répondu aux questions d|"
                        r"répond à (?:nos|mes|vos|leurs|ses) questions|"
                        r"interviewée? par|interrogée? par)")  # fmt: skip
# Words a heading puts before a name ("Interview de Jeanne Test", "Portrait d'Ali Ben").
INTRODUCING = {"interview", "entretien", "rencontre", "portrait", "itw"}
# A parenthesised acronym after an organization's name: "… de la Dordogne (ATD24)".
ACRONYM = re.compile(rf"\s*\(([{UPPER}0-9][{UPPER}0-9&-]{{1,15}})\)")
CLAUSE_MARK = re.compile(r"[,;:.!?]$")
ABOUT = re.compile(r"\b(?:entretien avec|interview (?:de|d['’])|rencontre avec)\s*$")
DESCRIPTOR_END = re.compile(
    r"\s*,?\s+(?=(?:interview|interroge|questionne|s['’]entretient|a rencontré|rencontre|"
    r"a interviewé|revient|répond|nous parle|présente|explique|évoque|partage|livre|"
    r"décrypte|raconte|donne|tend|reçoit|sur les?\b|sur la\b|sur l['’]|à propos|au sujet)\b)"
    r"|[.;:()!?]|,\s*(?=[A-ZÀ-Þ])"
)
ORGANIZATION_START = re.compile(
    r"\s+(?:au sein (?:de la|de l['’]|du|des|de|d['’])|chez|à la|à l['’]|au|aux|de la|"
    rf"de l['’]|du|des|de|d['’])\s*(?=(?:[a-zéè]+\s+)?[{UPPER}#])"
)
GENERIC_ORGANIZATION_WORDS = {
    "association", "agence", "syndicat", "mixte", "federation", "societe", "cabinet",
    "groupement", "le", "la", "les", "l", "de", "du", "des", "d", "operateur", "public",
}  # fmt: skip
JOINED = re.compile(r"(?:,\s*et|,|\bet)\s+$")
DETERMINERS = {"cette", "ce", "cet", "ces", "son", "sa", "ses", "notre", "nos", "votre", "leur"}


@dataclass(frozen=True)
class FoundParticipant:
    """A person the page names, in one role and one affiliation (as written)."""

    name: str
    person_id: str
    role: str  # interviewer | interviewee
    job_title: str | None
    organization: str | None
    organization_id: str | None = None


def slugify(text: str) -> str:
    return slug_of_folded(fold(text))


def find_participants(
    introduction: Sequence[str],
    signature: Sequence[str] = (),
    organizations: Mapping[str, Iterable[str]] | None = None,
) -> tuple[FoundParticipant, ...]:
    """People named by the introduction's first sentence that names someone, and by the
    signature; `organizations` (id -> names) turns names as written into known ids."""
    found = from_introduction("\n".join(introduction))
    found = merge_signature(found, from_signature(signature))
    return tuple(
        replace(p, organization_id=organization_id(p.organization, organizations or {}))
        for p in found
    )


def names_in(text: str) -> list[re.Match]:
    found, position = [], 0
    while match := NAME_IN_TEXT.search(text, position):
        words = match.group(0).split()
        if is_person_name(match.group(0)):
            found.append(match)
            position = match.end()
        elif fold(words[0]) in INTRODUCING:
            # "Interview de Jeanne Test" reads as one capitalized run: the name follows.
            position = match.start() + len(words[0])
        else:
            position = match.end()
    return found


def is_person_name(name: str) -> bool:
    words = fold(name).split()
    return words[0] not in NOT_A_FIRST_NAME and not any(w in {"et", "and"} for w in words)


def from_introduction(text: str) -> list[FoundParticipant]:
    """People of the sentence that says who interviews whom; failing that, of the first
    sentence naming someone. A title ("Interview : Jeanne Test") often names only the
    interviewee, while the sentence below it names the interviewer too."""
    sentences = [
        (sentence, names)
        for sentence in re.split(r"(?<=[.!?])\s+(?=[A-ZÀ-Þ])|\n", text)
        if (names := names_in(sentence))
    ]
    for sentence, names in sentences:
        if interview_verb(sentence) or ANSWERS_TO.search(sentence):
            return roles_in_sentence(sentence, names)
    for sentence, names in sentences[:1]:
        return roles_in_sentence(sentence, names)
    return []


def interview_verb(sentence: str) -> re.Match | None:
    """The first "interviewe", "interroge"…: a verb, not the noun ("cette interview")."""
    for match in ASKS.finditer(sentence):
        before = fold(sentence[max(0, match.start() - 8) : match.start()])
        if not re.search(r"(cette|une|l'|son|notre|votre|d'|cet|leur)\s*$", before):
            return match
    return None


def roles_in_sentence(sentence: str, names: list[re.Match]) -> list[FoundParticipant]:
    asks = interview_verb(sentence)
    answers = ANSWERS_TO.search(sentence)
    found = []
    described_until = 0
    for match in names:
        if match.start() < described_until:
            continue  # a name inside someone's title: "présidente de Terres Connectées"
        before = sentence[: match.start()]
        if answers:
            role = "interviewee" if match.start() < answers.start() else "interviewer"
        elif asks and not ABOUT.search(before):
            role = "interviewer" if match.start() < asks.start() else "interviewee"
        else:
            role = "interviewee"
        name = match.group(0)
        if any(p.name == name for p in found):
            continue
        descriptor = descriptor_after(sentence[: next_person(sentence, names, match)], match.end())
        described_until = match.end() + 2 + len(descriptor)
        for title, organization in affiliations(descriptor):
            found.append(FoundParticipant(name, slugify(name), role, title, organization))
    return found


def next_person(sentence: str, names: list[re.Match], match: re.Match) -> int:
    """Where the next person joined by 'et' or a comma starts ("A, directrice du SNEX, et
    B, président …"): a name there is a second person, not part of A's title."""
    for later in names:
        if later.start() > match.end() and JOINED.search(sentence[: later.start()]):
            return later.start()
    return len(sentence)


def descriptor_after(sentence: str, end: int) -> str:
    """The apposition after a name: ", directeur général de l'Adico et président de …"."""
    rest = sentence[end:]
    if not rest.startswith(","):
        return ""
    rest = rest[1:].lstrip()
    position = 0
    while stop := DESCRIPTOR_END.search(rest, position):
        acronym = ACRONYM.match(rest, stop.start()) or ACRONYM.match(rest, stop.end())
        if not (stop.group().strip() == "(" and acronym):
            return rest[: stop.start()].rstrip()
        position = acronym.end()  # "(ATD24)" belongs to the organization's name
    return rest


def affiliations(descriptor: str) -> list[tuple[str | None, str | None]]:
    """Each "title of organization" of an apposition; a title without one only if alone."""
    roles = []
    # "directeur de l'Adico et président de Déclic", or with a comma: "…, président de …"
    for part in re.split(r"(?:\s+et|,)\s+(?=[a-zà-ÿA-ZÀ-Þ])", descriptor):
        part = part.strip(" ,")
        if not part:
            continue
        cut = ORGANIZATION_START.search(part)
        if cut:
            organization = trim_organization(part[cut.end() :].strip())
            roles.append((part[: cut.start()].strip() or None, organization))
        else:
            roles.append((part, None))
    with_organization = [r for r in roles if r[1] and fold(r[1]).split()[0] not in DETERMINERS]
    return with_organization or roles[:1] or [(None, None)]


def trim_organization(text: str) -> str:
    """'CADA fait le point' -> 'CADA': a name runs over capitalized words and the lower-case
    words joining them ('Agence technique départementale de la Dordogne'), after one
    lower-case noun ('association'), up to a comma or another clause ("Déclic, réalisé
    par …" -> 'Déclic'); a parenthesised acronym after it is kept: '… (ATD24)'."""
    tokens = re.findall(r"\S+", text)
    kept: list[str] = []
    for index, token in enumerate(tokens):
        if ACRONYM.fullmatch(token.rstrip(",;:.!?")):
            kept.append(token.rstrip(",;:.!?"))
            break
        capital = token[:1].isupper() or token[:1] in "#@" or token[:1].isdigit()
        joining = fold(token) in {"de", "du", "des", "la", "le", "et", "en", "sur", "-"} or (
            fold(token).startswith(("d'", "l'")) and token[2:3].isupper()
        )
        ahead = words_before_clause_end(tokens[index + 1 : index + 6])
        bridging = not CLAUSE_MARK.search(token) and any(t[:1].isupper() for t in ahead)
        if capital or ((joining or bridging) and ahead) or (index == 0 and not capital):
            if CLAUSE_MARK.search(token) and index + 1 < len(tokens):
                kept.append(token.rstrip(",;:.!?"))
                break  # a comma ends the name: what follows is another clause
            kept.append(token)
        else:
            break
    while kept and fold(kept[-1]) in {"de", "du", "des", "la", "le", "et", "en", "sur", "-"}:
        kept.pop()
    return " ".join(kept) or text


def words_before_clause_end(tokens: list[str]) -> list[str]:
    """The tokens up to the first one closing a clause (that one included)."""
    for index, token in enumerate(tokens):
        if CLAUSE_MARK.search(token):
            return tokens[: index + 1]
    return tokens


def split_acronym(written: str) -> tuple[str, str | None]:
    """'Agence … de la Dordogne (ATD24)' -> ('Agence … de la Dordogne', 'ATD24')."""
    found = ACRONYM.search(written)
    if not found or found.end() != len(written):
        return written, None
    return written[: found.start()].strip(), found.group(1)


def from_signature(signature: Sequence[str]) -> list[tuple[str, str | None]]:
    """(name, job title) pairs from a closing block: a name, perhaps repeated, a title."""
    people: list[tuple[str, str | None]] = []
    for line in signature:
        credited = re.match(r"^(?:propos recueillis|interview réalisée|entretien réalisé)\s+par\s+",
                            line, re.I)  # fmt: skip
        candidate = line[credited.end() :] if credited else line
        names = names_in(candidate)
        if names and names[0].group(0) == candidate.strip():
            if not any(name == candidate.strip() for name, _ in people):
                people.append((candidate.strip(), None))
        elif people and people[-1][1] is None:
            people[-1] = (people[-1][0], line.strip())
    return people


def merge_signature(found: list[FoundParticipant], signed: list[tuple[str, str | None]]):
    """The signer is the interviewer; a longer title in the signature refines the intro's."""
    found = list(found)
    for name, title in signed:
        mine = [i for i, p in enumerate(found) if p.name == name]
        if not mine:
            found.append(FoundParticipant(name, slugify(name), "interviewer", title, None))
            continue
        for i in mine:
            known = found[i].job_title
            if title and (not known or fold(title).startswith(fold(known))):
                found[i] = replace(found[i], job_title=title)
    return found


def organization_id(written: str | None, organizations: Mapping[str, Iterable[str]]) -> str | None:
    """The known organization whose id, name or acronym the written name reduces to."""
    if not written:
        return None
    name, acronym = split_acronym(written)
    keys = {core_name(k) for k in (written, name, acronym) if k} - {""}
    for identifier, names in organizations.items():
        known = {core_name(identifier.replace("-", " "))} | {core_name(n) for n in names}
        if keys & known:
            return identifier
    return None


def core_name(name: str) -> str:
    words = re.findall(r"[a-z0-9#]+", fold(name))
    return " ".join(w for w in words if w not in GENERIC_ORGANIZATION_WORDS)
