"""An interview page -> its introduction and its question/answer pairs, verbatim.

The page is read again at every build, so rows always come from the page itself.
What is kept, and why:

- page furniture goes (menus such as Divi's "Sélectionner une page", a browser copy's
  leading menu labels, bylines, sharing and comment blocks); so does the newsletter's
  standing description paragraph;
- the paragraphs before the first question are the introduction (a biography too);
- a question is a paragraph ending with "?" (after a bullet, a number, a "Q :" label
  or the interviewer's name as a label); consecutive question paragraphs form one
  question; the paragraphs up to the next question are its answer;
- where a page marks its questions consistently ("Q :" labels, the interviewer's
  name, bold or headings in HTML), only paragraphs so marked are questions, which
  keeps an answer's rhetorical question inside the answer; where two labelled speakers
  alternate, the interviewer's turns are the questions, "?" or not;
- a signature block may close the page (a name, possibly repeated, a job title).

A question or answer is the exact substring of the page's text between its offsets:
from its first paragraph's start (after any bullet or label) to its last one's end,
so several answer paragraphs keep the line breaks that separate them on the page.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

from ...errors import SourceError
from ..themes import fold
from .paragraphs import Page, Paragraph, read_page
from .participants import FoundParticipant, find_participants

# Markers before a paragraph's words: Markdown heading, bullet or number, labels.
HEADING_MARK = re.compile(r"^#{1,6}\s+")
BULLET = re.compile(
    r"^(?:[-–—•·▪►▸➢➤✓○◦]\s*|\*\s+|\d{1,2}[.)]\s+|\d{1,2}\s+[-–—]\s+|[a-z]\)\s+)(?=\S)"
)
QUESTION_LABEL = re.compile(
    r"^(?:Q(?:uestion)?\s*\d{0,2}\s*[:.)–—-]|Q\d{1,2}\b\s*[:.)–—-]?)\s*", re.I
)
ANSWER_LABEL = re.compile(r"^(?:R(?:éponse)?\s*\d{0,2}\s*[:.)–—-]|Réponse\b\s*[:.)–—-]?)\s*", re.I)
DIALOGUE_DASH = re.compile(r"^[–—]\s*(?=\S)")
SPEAKER_LABEL = re.compile(r"^([A-ZÀ-ÖØ-Þ#@][\w'’.#@ -]{0,38}?)\s?[:：]\s+(?=\S)")
BOLD_WRAP = re.compile(r"^(\*\*|__)(.+)\1$", re.S)
QUESTION_END = re.compile(r"\?[\s\"'»”)*_]*$")
MAX_QUESTION = 600  # characters: longer paragraphs ending with "?" are answers
CLAUSE_END = re.compile(r"[.!?…;,:]$")

# Furniture lines a browser copy brings along (compared accent- and case-folded).
CHROME = {
    "selectionner une page", "aller au contenu", "aller au contenu principal",
    "passer au contenu", "passer au contenu principal", "skip to content", "menu",
    "ouvrir le menu", "fermer le menu", "fermer", "rechercher", "recherche", "search",
    "accueil", "home", "retour", "retour en haut", "haut de page", "lire la suite",
    "imprimer", "imprimer cet article", "version imprimable", "toggle navigation",
    "cliquez pour partager", "x",
}  # fmt: skip
# Where the article ends and the site's furniture begins (only after the first question).
END_OF_ARTICLE = re.compile(
    r"^(partager|partagez|partage|share|soumettre un commentaire|laisser un commentaire|"
    r"laissez un commentaire|ajouter un commentaire|\d+ commentaires?|commentaires?|"
    r"articles? similaires|articles? recents|a lire aussi|lire aussi|a lire egalement|"
    r"vous aimerez aussi|sur le meme (sujet|theme)|navigation (des|de l.)articles?|"
    r"publications similaires|related posts?|etiquettes|mots-cles|tags|"
    r"concu par elegant themes|propulse par wordpress|tous droits reserves|"
    r"mentions legales|politique de confidentialite|vous devez etre connecte|"
    r"abonnez-vous|inscrivez-vous)\b",
)
BYLINE = re.compile(
    r"^(par|by|publie|mis a jour|posted|ecrit par|redige par)\b.{0,120}$|^.{0,80}\|.{0,80}\|",
)
FOLDED_DATE = re.compile(
    r"^(le\s+)?(\d{1,2}(er)?\s+[a-z]+\s+\d{4}|\d{1,2}/\d{1,2}/\d{4}|[a-z]{3,9}\.? \d{1,2}, \d{4})$"
)
# The DDET newsletter's description, printed on every interview page.
STANDING_DESCRIPTION = re.compile(r"^des donnees et des territoires\s*:.*newsletter")
INTRO_CUE = re.compile(
    r"\b(dans cette (interview|entretien)|interview(e|é)?\b|entretien avec|interroge|"
    r"repond aux questions|a repondu|rencontre avec|nous avons rencontre)"
)
SIGNATURE_CUE = re.compile(r"^(propos recueillis|interview realisee|entretien realise|par)\b")
FRENCH = {"le", "la", "les", "des", "est", "et", "une", "pour", "dans", "que", "qui", "du"}
ENGLISH = {"the", "and", "of", "to", "is", "in", "that", "for", "with", "are", "we"}


@dataclass(frozen=True)
class Span:
    """A paragraph's words without its markers, and how the page marked it."""

    paragraph: Paragraph
    start: int  # offsets in the page's text
    end: int
    question_label: bool = False
    speaker: str | None = None
    emphasized: bool = False

    @property
    def folded(self) -> str:
        return fold(self.paragraph.text)


@dataclass(frozen=True)
class QuestionAnswer:
    position: int
    question: str
    answer: str
    question_start: int
    question_end: int
    answer_start: int
    answer_end: int
    line: int  # the question's line in the file


@dataclass(frozen=True)
class ParsedInterview:
    """What a page says, before a person confirms anything about it."""

    page: Page
    title: str | None
    introduction: str
    introduction_paragraphs: tuple[str, ...]
    pairs: tuple[QuestionAnswer, ...]
    signature: tuple[str, ...]
    language: str
    warnings: tuple[str, ...]
    participants: tuple[FoundParticipant, ...] = ()
    published_on: str | None = None  # YYYY-MM-DD the page itself states, if any
    published_evidence: str | None = None  # where the page states it

    def to_json(self) -> dict:
        """What `ingest interview --json` prints: the page's own words and offsets."""
        return {
            "source": str(self.page.path),
            "kind": self.page.kind,
            "title": self.title,
            "published_on": self.published_on,
            "published_on_evidence": self.published_evidence,
            "language": self.language,
            "introduction": self.introduction,
            "participants": [asdict(p) for p in self.participants],
            "question_count": len(self.pairs),
            "questions": [
                {
                    "position": p.position,
                    "question": p.question,
                    "answer": p.answer,
                    "question_start": p.question_start,
                    "question_end": p.question_end,
                    "answer_start": p.answer_start,
                    "answer_end": p.answer_end,
                    "line": p.line,
                }
                for p in self.pairs
            ],
            "signature": list(self.signature),
            "warnings": list(self.warnings),
        }


def parse_interview(
    path: Path, organizations: Mapping[str, Iterable[str]] | None = None
) -> ParsedInterview:
    """Parse an interview page; a page with no question raises SourceError.

    `organizations` (id -> names) lets the people found point at known organizations.
    """
    return parse_page(read_page(path), organizations)


def parse_page(page: Page, organizations=None) -> ParsedInterview:
    spans = [mark(p) for p in page.paragraphs if not is_chrome(p, page)]
    spans = relabel_speakers(spans, page)
    questions = question_flags(spans)
    first = next((i for i, flag in enumerate(questions) if flag), None)
    if first is None:
        raise SourceError(
            "no question found: an interview page needs paragraphs ending with '?' each "
            "followed by an answer; check that this is the interview's page",
            page.path,
        )
    intro, body, flags = spans[:first], spans[first:], questions[first:]
    body, flags = cut_end_of_article(body, flags)
    groups = group_pairs(body, flags)
    groups, intro = demote_teaser(groups, intro)
    groups, signature = trim_signature(groups)
    warnings = []
    if groups and not groups[-1][1]:
        dropped = groups.pop()
        warnings.append(
            f"line {dropped[0][0].paragraph.line}: a last question has no answer and was left "
            f"out: {text_of(page, dropped[0][0]).strip()!r}"
        )
    if not groups:
        raise SourceError(
            "no answered question found: each question needs an answer paragraph after it",
            page.path,
            page.line_of(body[0].start),
        )
    pairs = tuple(to_pair(page, n, q, a) for n, (q, a) in enumerate(groups, start=1))
    warnings.extend(turn_warnings(intro))
    asked = {fold(page.text[q.start : q.end]) for group in groups for q in group[0]}
    kept = [s for s in intro if keeps_in_introduction(s, page) and s.folded not in asked]
    kept = drop_menu_labels(kept)
    title = page.title
    if page.kind == "text" and len(kept) >= 2 and looks_like_title(kept[0].paragraph.text):
        title, kept = kept[0].paragraph.text, kept[1:]
    published, evidence = page.published, page.published_evidence
    if published is None:
        published, evidence = date_in(intro)
    return ParsedInterview(
        page=page,
        title=title,
        introduction="\n".join(s.paragraph.text for s in kept),
        introduction_paragraphs=tuple(s.paragraph.text for s in kept),
        pairs=pairs,
        signature=tuple(s.paragraph.text for s in signature),
        language=language_of(" ".join(p.answer for p in pairs)),
        warnings=tuple(warnings),
        participants=find_participants(
            ([title] if title and title != page.title else []) + [s.paragraph.text for s in kept],
            [s.paragraph.text for s in signature],
            organizations,
        ),
        published_on=published,
        published_evidence=evidence,
    )


def text_of(page: Page, span: Span) -> str:
    return page.text[span.start : span.end]


def is_chrome(paragraph: Paragraph, page: Page) -> bool:
    folded = fold(paragraph.text).strip(" .:…>»›|")
    return folded in CHROME or bool(STANDING_DESCRIPTION.match(folded))


def mark(paragraph: Paragraph) -> Span:
    """Strip the markers before a paragraph's words; note which ones there were."""
    start, end = paragraph.start, paragraph.end
    words = paragraph.text
    emphasized = paragraph.emphasized or paragraph.heading > 0
    question_label = False
    for pattern in (HEADING_MARK, BULLET, QUESTION_LABEL):
        found = pattern.match(words)
        if found and found.end() < len(words):
            question_label = question_label or pattern is QUESTION_LABEL
            start += found.end()
            words = words[found.end() :]
    wrapped = BOLD_WRAP.match(words)
    if wrapped:
        inner = wrapped.group(2)
        start, end = start + len(wrapped.group(1)), end - len(wrapped.group(1))
        words, emphasized = inner, True
    return Span(paragraph, start, end, question_label, None, emphasized)


def is_speaker(label: str) -> bool:
    """'DDET', 'J.H.', 'Emmanuel Vivé' are speakers; 'Exemple' or 'En bref' are not."""
    compact = label.replace(".", "").replace(" ", "")
    return len(label.split()) <= 4 and (looks_like_name(label) or compact.isupper())


def relabel_speakers(spans: list[Span], page: Page) -> list[Span]:
    """A label ("DDET :", "Emmanuel Vivé :") used on several paragraphs names a speaker."""
    labels = Counter()
    for span in spans:
        found = SPEAKER_LABEL.match(page.text[span.start : span.end])
        if found and is_speaker(found.group(1)):
            labels[found.group(1)] += 1
    speakers = {label for label, count in labels.items() if count >= 2}
    if not speakers:
        return spans
    relabeled = []
    for span in spans:
        words = page.text[span.start : span.end]
        found = SPEAKER_LABEL.match(words)
        if found and found.group(1) in speakers:
            span = Span(
                span.paragraph,
                span.start + found.end(),
                span.end,
                span.question_label,
                found.group(1),
                span.emphasized,
            )
        relabeled.append(span)
    return relabeled


def question_flags(spans: list[Span]) -> list[bool]:
    """Which paragraphs are questions, following how this page marks its questions."""
    asked = [span.question_label or is_question_text(span) for span in spans]
    labelled = sum(span.question_label for span in spans)
    if labelled >= 2:
        return [span.question_label for span in spans]
    interviewer = interviewer_of_turns(spans, asked)
    if interviewer:
        return [span.speaker == interviewer for span in spans]
    candidates = [span for span, flag in zip(spans, asked, strict=True) if flag]
    speakers = Counter(span.speaker for span in candidates if span.speaker)
    if speakers:
        speaker, count = speakers.most_common(1)[0]
        if count >= 2 and count * 3 >= len(candidates) * 2:
            return [span.speaker == speaker for span in spans]
    emphasized = sum(span.emphasized for span in candidates)
    if len(candidates) >= 2 and emphasized * 3 >= len(candidates) * 2:
        return emphasized_questions(spans, asked)
    return drop_table_of_contents(spans, asked)


def interviewer_of_turns(spans: list[Span], asked: list[bool]) -> str | None:
    """On a page whose turns alternate between two labelled speakers, the interviewer's
    turns are the questions, with or without '?' ("Parlez-nous de votre parcours.").
    The interviewer asks most of the questions ending with '?', else speaks first."""
    turns = [span.speaker for span in spans if span.speaker]
    if len(set(turns)) != 2:
        return None
    switches = sum(a != b for a, b in zip(turns, turns[1:], strict=False))
    if switches * 3 < (len(turns) - 1) * 2:
        return None  # not a dialogue: one speaker holds several turns in a row
    asking = Counter(
        span.speaker for span, flag in zip(spans, asked, strict=True) if flag and span.speaker
    )
    return min(set(turns), key=lambda speaker: (-asking[speaker], speaker != turns[0]))


def turn_warnings(intro: list[Span]) -> list[str]:
    """Turns the page marks (a speaker's label, "Q :") that ended up in the introduction:
    a person should look at them, since a question and its answer may be lost there."""
    turns = [span for span in intro if span.speaker or span.question_label]
    if not turns:
        return []
    return [
        f"line {turns[0].paragraph.line}: {len(turns)} labelled turn(s) before the first "
        f"question were kept in the introduction, from {turns[0].paragraph.text!r}"
    ]


def drop_menu_labels(intro: list[Span]) -> list[Span]:
    """A browser copy starts with the site's menu ("Actualités", "Interviews", "Contact"):
    short labels without punctuation above the first sentence. A longer line, a
    labelled one ("Interview : Jeanne Test", maybe the title) or a name ends the menu."""
    for index, span in enumerate(intro):
        if not is_menu_label(span.paragraph.text):
            return intro[index:]
    return []


def is_menu_label(text: str) -> bool:
    short = len(text.split()) <= 3 and len(text) <= 30
    return short and not CLAUSE_END.search(text) and ":" not in text and not looks_like_name(text)


def is_question_text(span: Span) -> bool:
    words = span.paragraph.text[span.start - span.paragraph.start : span.end - span.paragraph.start]
    return len(words) <= MAX_QUESTION and bool(QUESTION_END.search(words))


def emphasized_questions(spans: list[Span], asked: list[bool]) -> list[bool]:
    """Bold or heading questions: plain '?' paragraphs are answers; a bold prompt
    without '?' ("Votre parcours en quelques mots.") is a question when answered."""
    flags = [flag and span.emphasized for span, flag in zip(spans, asked, strict=True)]
    if not any(flags):
        return flags
    first = flags.index(True)
    for i in range(first + 1, len(spans) - 1):
        span, following = spans[i], spans[i + 1]
        words = span.paragraph.text
        prompt = span.emphasized and span.paragraph.heading != 1 and not looks_like_name(words)
        short = 3 <= len(words.split()) and span.end - span.start <= 300
        if prompt and short and not flags[i] and not following.emphasized:
            flags[i] = True
    return drop_table_of_contents(spans, flags)


def drop_table_of_contents(spans: list[Span], flags: list[bool]) -> list[bool]:
    """A list of the questions at the top of the page is not a question: its entries
    come again later, each followed by its answer."""
    flags = list(flags)
    seen_later: Counter = Counter()
    texts = [fold(s.paragraph.text[s.start - s.paragraph.start :]) for s in spans]
    for i in range(len(spans) - 1, -1, -1):
        if flags[i]:
            if seen_later[texts[i]]:
                flags[i] = False
            seen_later[texts[i]] += 1
    return flags


def cut_end_of_article(body: list[Span], flags: list[bool]):
    for i, span in enumerate(body):
        if i and END_OF_ARTICLE.match(span.folded):
            return body[:i], flags[:i]
    return body, flags


def group_pairs(body: list[Span], flags: list[bool]) -> list[tuple[list[Span], list[Span]]]:
    groups: list[tuple[list[Span], list[Span]]] = []
    for span, is_question in zip(body, flags, strict=True):
        if is_question and groups and not groups[-1][1]:
            groups[-1][0].append(span)  # a question in several paragraphs
        elif is_question:
            groups.append(([span], []))
        else:
            groups[-1][1].append(span)
    return groups


def demote_teaser(groups, intro):
    """A title-like question before the introduction ("Qui sont les OPSN ?" then
    "Dans cette interview, …") belongs to the introduction, not to the questions."""
    if len(groups) >= 2 and not intro and groups[0][1]:
        if any(INTRO_CUE.search(span.folded) for span in groups[0][1]):
            question, answer = groups[0]
            return groups[1:], question + answer
    return groups, intro


def is_signature_line(span: Span) -> bool:
    words = span.paragraph.text
    if len(words) > 90 or len(words.split()) > 12 or BULLET.match(words):
        return False
    if CLAUSE_END.search(words) and not re.search(r"\b[A-Z]\.$", words):
        return False
    return words[:1].isupper() or bool(FOLDED_DATE.match(span.folded))


def trim_signature(groups):
    """The block of short lines closing the page (a name, a title), when it names someone."""
    if not groups or not groups[-1][1]:
        return groups, []
    answer = groups[-1][1]
    cut = len(answer)
    while cut > 1 and is_signature_line(answer[cut - 1]):
        cut -= 1
    block = answer[cut:]
    if block and any(
        looks_like_name(s.paragraph.text) or SIGNATURE_CUE.match(s.folded) for s in block
    ):
        groups[-1] = (groups[-1][0], answer[:cut])
        return groups, block
    return groups, []


NAME = re.compile(
    r"^(?:[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ'’]+(?:-[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ]+)?|[A-Z]\.)"
    r"(?:\s+(?:de|du|des|le|la|d['’]|van|von)?\s*[A-ZÀ-ÖØ-Þ][\wà-öø-ÿ'’-]+){1,3}$"
)


def looks_like_name(text: str) -> bool:
    return bool(NAME.match(text.strip()))


def keeps_in_introduction(span: Span, page: Page) -> bool:
    """Introduction paragraphs are the page's words, not its title, byline or date."""
    text = span.paragraph.text
    if span.paragraph.heading == 1 or (page.title and text.strip() == page.title.strip()):
        return False
    folded = span.folded
    return not (BYLINE.match(folded) or FOLDED_DATE.match(folded))


def to_pair(page: Page, position: int, question: list[Span], answer: list[Span]):
    # An answer keeps its own bullets; only a speaker's label or "R :" goes.
    first_answer = answer[0]
    answer_start = first_answer.paragraph.start
    if first_answer.speaker:
        answer_start = first_answer.start
    words = page.text[answer_start : first_answer.end]
    for pattern in (ANSWER_LABEL, DIALOGUE_DASH):
        found = pattern.match(words)
        if found and found.end() < len(words):
            answer_start += found.end()
            words = words[found.end() :]
    q_start, q_end = question[0].start, question[-1].end
    a_end = answer[-1].end
    return QuestionAnswer(
        position=position,
        question=page.text[q_start:q_end],
        answer=page.text[answer_start:a_end],
        question_start=q_start,
        question_end=q_end,
        answer_start=answer_start,
        answer_end=a_end,
        line=question[0].paragraph.line,
    )


def looks_like_title(text: str) -> bool:
    """A text page's first line is its title when it reads as one: short, unpunctuated."""
    return 3 <= len(text.split()) and len(text) <= 150 and not CLAUSE_END.search(text)


MONTHS = {
    "janvier": 1, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7,
    "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11, "decembre": 12,
    "jan": 1, "january": 1, "feb": 2, "february": 2, "fev": 2, "mar": 3, "march": 3,
    "apr": 4, "april": 4, "avr": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7,
    "juil": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9, "oct": 10,
    "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}  # fmt: skip
DATES = (
    re.compile(r"\b(?P<d>\d{1,2})(?:er)?\s+(?P<m>[a-z]+)\.?\s+(?P<y>\d{4})\b"),
    re.compile(r"\b(?P<m>[a-z]+)\.?\s+(?P<d>\d{1,2}),?\s+(?P<y>\d{4})\b"),
    re.compile(r"\b(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})\b"),
)


def date_in(intro: list[Span]) -> tuple[str | None, str | None]:
    """A date the page prints on a byline or date line before the interview, if any."""
    for span in intro:
        folded = span.folded
        if not (BYLINE.match(folded) or FOLDED_DATE.match(folded)):
            continue
        for pattern in DATES:
            for found in pattern.finditer(folded):
                month = found["m"]
                month = int(month) if month.isdigit() else MONTHS.get(month)
                try:
                    day = dt.date(int(found["y"]), month or 0, int(found["d"]))
                except (TypeError, ValueError):
                    continue
                line = span.paragraph.line
                return day.isoformat(), f"line {line} of the page: {span.paragraph.text!r}"
    return None, None


def language_of(text: str) -> str:
    words = Counter(re.findall(r"[a-zà-ÿ]+", text.lower()))
    french = sum(words[w] for w in FRENCH)
    english = sum(words[w] for w in ENGLISH)
    return "en" if english > french else "fr"
