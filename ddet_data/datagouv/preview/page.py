"""One self-contained HTML page per dataset, laid out and worded as data.gouv.fr's.

The labels are the French strings of data.gouv.fr's front end (cdata), which writes them
straight into its templates; the layout follows its dataset page: title and description
on the left, licence and quality on the right (stacked on a phone), then the files by
group, the quality criteria and the "Informations" block. Styles are inline and no font
or script is fetched: the page opens offline and prints.
"""

from __future__ import annotations

import re
from html import escape, unescape

import nh3

from ..markers import RESOURCE_MARKER
from ..quality import LICENSES, frequency_label, temporal_text
from .markdown import render_markdown
from .view import DatasetView, is_image, schema_title

# Resource groups in data.gouv.fr's order, with its labels (none, one, several).
GROUPS = (
    ("main", ("Aucun fichier principal", "1 fichier principal", "{n} fichiers principaux")),
    (
        "documentation",
        (
            "Aucun fichier de documentation",
            "1 fichier de documentation",
            "{n} fichiers de documentation",
        ),
    ),
    ("update", ("Aucune mise à jour", "1 mise à jour", "{n} mises à jour")),
    ("api", ("Aucune API", "1 API", "{n} API")),
    (
        "code",
        (
            "Aucun fichier de code source",
            "1 fichier de code source",
            "{n} fichiers de code source",
        ),
    ),
    ("other", ("Aucun autre fichier", "1 autre fichier", "{n} autres fichiers")),
)
TYPE_LABELS = {
    "main": "Fichiers principaux",
    "documentation": "Documentation",
    "update": "Mise à jour",
    "api": "API",
    "code": "Code source",
    "other": "Autre",
}
# Names of the zone and level that publish.toml uses, as the platform's referential (and
# the sandbox's seed) gives them; other ids are shown as they are.
ZONE_NAMES = {"country:fr": "France"}
GRANULARITY_NAMES = {"country": "Pays"}
SHORT_LIMIT = 200  # what data.gouv.fr keeps of a description for cards and search engines
QUALITY_GOOD = 2 / 3  # the bar turns green from there

CSS = """
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font-family:Marianne,Arial,sans-serif;color:#3a3a3a;font-size:1rem;
 line-height:1.5;background:#fff}
code,pre,.licence,.somme{font-family:'Noto Sans Mono',ui-monospace,SFMono-Regular,Menlo,
 Consolas,monospace}
.bandeau{background:#e8edff;color:#0063cb;padding:.5rem 1rem;font-size:.875rem}
.conteneur{max-width:1248px;margin-inline:auto;padding:0 1rem 2rem}
.fil{font-size:.75rem;color:#666;padding:1rem 0}
.colonnes{display:flex;flex-direction:column;gap:1.5rem}
@media (min-width:768px){.colonnes{flex-direction:row;gap:2.5rem}
 .principal{flex:1;min-width:0}.lateral{width:384px;flex-shrink:0}}
h1{font-size:1.5rem;line-height:2rem;color:#161616;font-weight:800;margin:0 0 1.5rem;
 overflow-wrap:anywhere}
h2{font-size:1.25rem;line-height:1.75rem;color:#161616;font-weight:800;margin:2rem 0 1rem}
h2 sup{font-size:.75rem;font-weight:700}
.etiquette,dt{font-size:.875rem;font-weight:700;color:#3a3a3a;margin:0 0 .25rem}
dd{margin:0 0 1rem;font-size:.875rem}
.note{font-size:.75rem;color:#666}
.badge{display:inline-block;font-size:.75rem;font-weight:700;text-transform:uppercase;
 background:#eee;color:#161616;padding:0 .5rem;border-radius:.25rem;margin-bottom:.5rem}
.licence{padding:2px .25rem;background:#f6f6f6;color:#666;border-radius:.25rem;
 font-size:.8125rem}
.tags{display:flex;flex-wrap:wrap;gap:.25rem;padding:0;margin:0;list-style:none}
.tag{display:inline-flex;font-size:.75rem;border-radius:.75rem;padding:.125rem .5rem;
 color:#161616;background:#eee}
.markdown{font-size:.875rem;overflow-wrap:anywhere}
.markdown p,.markdown ul,.markdown ol{margin:0 0 1rem}
.markdown a{color:#3a3a3a;text-decoration:underline;text-underline-offset:2px}
.markdown strong{color:#3a3a3a}
.markdown .titre{font-weight:800;color:#161616;margin:1.5rem 0 .75rem}
.markdown .titre-1{font-size:1.875rem;line-height:2.25rem}
.markdown .titre-2{font-size:1.5rem;line-height:1.75rem}
.markdown .titre-3{font-size:1.25rem;line-height:1.5rem}
.markdown .titre-4{font-size:1rem}
.markdown .titre-5,.markdown .titre-6{font-size:.875rem;line-height:1.5rem}
.markdown table{display:block;width:max-content;max-width:100%;overflow-x:auto;
 border-collapse:collapse;margin:0 0 1rem}
.markdown th,.markdown td{background:#f6f6f6}
.markdown th{text-align:left;border-bottom:2px solid #000}
.markdown th,.markdown td{padding:.5rem 1rem;vertical-align:top;overflow-wrap:normal;
 min-width:4rem}
.markdown tbody tr:nth-child(even) td{background:#eee}
.markdown pre{background:#e5e5e5;padding:.75rem;overflow-x:auto;font-size:.8125rem}
.markdown img{max-width:100%;height:auto}
.markdown blockquote{margin:0 0 1rem;padding-left:1rem;border-left:4px solid #e5e5e5}
.markdown ul.contains-task-list{list-style:none;padding-left:0}
.jauge{height:.625rem;min-width:5rem;border:1px solid #e5e5e5;border-radius:.5rem;
 background:#f5f5f5;overflow:hidden;margin:.25rem 0 .5rem}
.jauge div{height:100%}
.jauge .bon{background:#27a658}.jauge .moyen{background:#929292}
.avertissements{list-style:none;padding:0;margin:0}
.avertissements li{color:#b34000;font-size:.875rem}
.avertissements li::before{content:"⚠ "}
.groupe-titre{text-transform:uppercase;font-size:.875rem;font-weight:700;color:#3a3a3a;
 margin:1.5rem 0 .5rem}
.ressource{border:1px solid #e5e5e5;padding:1rem;margin:0 0 -1px;break-inside:avoid}
.ressource h3{font-size:1rem;font-weight:700;color:#161616;margin:0;overflow-wrap:anywhere}
.ressource .meta{font-size:.75rem;color:#666;margin:.25rem 0 .5rem}
.ressource .meta span+span::before{content:" — "}
.ressource dl{display:grid;grid-template-columns:1fr;gap:0 1.5rem;margin:.5rem 0 0}
@media (min-width:576px){.ressource dl{grid-template-columns:max-content 1fr}}
.ressource dt,.ressource dd{font-size:.75rem;margin:0 0 .25rem}
.somme{overflow-wrap:anywhere}
.apercu img{max-width:100%;max-height:24rem;border:1px solid #e5e5e5}
.criteres{list-style:none;padding:0;margin:0}
.criteres li{font-size:.875rem;margin:0 0 .5rem}
.criteres .oui::before{content:"✓ ";color:#18753c;font-weight:700}
.criteres .non{color:#b34000}.criteres .non::before{content:"⚠ "}
.criteres .raison{display:block;font-size:.75rem;color:#666;padding-left:1.25rem}
.informations{border-top:1px solid #e5e5e5}
.informations h3{text-transform:uppercase;font-size:.875rem;font-weight:700;margin:1.5rem 0 1rem}
.informations dl{display:grid;grid-template-columns:1fr;gap:0 1.5rem}
@media (min-width:768px){.informations dl{grid-template-columns:repeat(3,1fr)}}
.informations dd{color:#666}
.index li{margin:.5rem 0}
.onglets{display:flex;flex-wrap:wrap;gap:0;margin:0 0 1.5rem;padding:0;list-style:none;
 border-bottom:1px solid #e5e5e5}
.onglets a{display:block;padding:.5rem 1rem;font-weight:700;font-size:.875rem;color:#000091;
 text-decoration:none;background:#dae6fd;margin-right:2px}
.onglets sup{line-height:0}
.onglets a:hover{background:#fff;box-shadow:inset 0 2px 0 #000091}
@media print{
 .bandeau{background:none;border:1px solid #0063cb}
 .colonnes{flex-direction:row;gap:1.5rem}.lateral{width:35%}
 .markdown table{display:table;overflow:visible}
 .markdown pre{white-space:pre-wrap}
 a{color:inherit}
 .onglets{display:none}
 h2,h3,.groupe-titre{break-after:avoid}
 .jauge{-webkit-print-color-adjust:exact;print-color-adjust:exact}
}
"""


def plural(labels: tuple[str, str, str], count: int) -> str:
    """cdata's three-part plural: none, one, several."""
    text = labels[0] if count == 0 else labels[1] if count == 1 else labels[2]
    return text.replace("{n}", str(count))


def french_number(value: float) -> str:
    """One decimal, a comma, and U+202F between thousands, as Intl's fr-FR."""
    whole, _, decimal = f"{value:,.1f}".partition(".")
    return whole.replace(",", "\u202f") + "," + decimal


def french_size(size: int) -> str:
    """A file size as data.gouv.fr writes it: base 1024, `512,0 o`, `1,5 Ko`, `12,3 Mo`."""
    value = float(size)
    for unit in ("", "K", "M", "G", "T", "P", "E"):
        if abs(value) < 1024.0:
            return f"{french_number(value)} {unit}o"
        value /= 1024.0
    return f"{french_number(value)} Zo"


def french_percent(score: float) -> str:
    return f"{round(score * 100)}\u00a0%"


def plain_text(markdown: str) -> str:
    """The description without its markup, roughly as cdata strips it for cards."""
    # cdata's stripping drops tables whole.
    html = re.sub(r"<table>.*?</table>", "", render_markdown(markdown), flags=re.S)
    text = unescape(nh3.clean(html, tags=set()))
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return "\n".join(line for line in lines if line).strip()


def short_description(dataset: dict) -> tuple[str, bool]:
    """What cards and search engines show, and whether it is the author's own text."""
    own = (dataset.get("description_short") or "").strip()
    if own:
        return own, True
    text = plain_text(dataset.get("description") or "")
    if len(text) > SHORT_LIMIT:
        text = text[: SHORT_LIMIT - 1] + "…"
    return text, False


def licence_html(licence) -> str:
    licence = licence.get("id") if isinstance(licence, dict) else licence
    if not licence:
        return "Licence non renseignée"
    title = LICENSES.get(licence)
    if title is None:
        return f'<span class="licence">{escape(licence)}</span> (inconnue de data.gouv.fr)'
    return f'<span class="licence" title="{escape(licence)}">{escape(title)}</span>'


def zones_text(spatial: dict) -> str:
    names = []
    for zone in spatial.get("zones") or []:
        if isinstance(zone, dict):
            names.append(zone.get("name") or zone.get("id"))
        else:
            names.append(f"{ZONE_NAMES[zone]} ({zone})" if zone in ZONE_NAMES else zone)
    if len(names) > 1:
        return ", ".join(names[:-1]) + " et " + names[-1]
    return names[0] if names else "Aucune zone"


def granularity_text(spatial: dict) -> str:
    granularity = spatial.get("granularity")
    if isinstance(granularity, dict):
        return granularity.get("name") or granularity.get("id") or ""
    return GRANULARITY_NAMES.get(granularity, granularity or "")


def sidebar(view: DatasetView) -> str:
    dataset, quality = view.dataset, view.quality
    fill = "bon" if quality.score >= QUALITY_GOOD else "moyen"
    verdict = "Bon" if quality.score >= QUALITY_GOOD else "À améliorer"
    percent = french_percent(quality.score)
    warnings = "".join(f"<li>{escape(c.label)}</li>" for c in quality.failed)
    return f"""<aside class="lateral"><dl>
<dt>Licence</dt><dd id="licence">{licence_html(dataset.get("license"))}</dd>
<dt>Fréquence</dt><dd id="frequence">{escape(frequency_label(dataset.get("frequency")))}</dd>
<dt>Qualité des métadonnées:</dt>
<dd><div class="jauge" role="meter" aria-valuemin="0" aria-valuemax="1"
 aria-valuenow="{quality.score:.3f}" aria-label="{verdict} ({percent})">
<div class="{fill}" style="width:{quality.score * 100:.1f}%"></div></div>
<span class="note">{verdict} ({percent}) · détail plus bas</span>
<ul class="avertissements">{warnings}</ul></dd>
</dl></aside>"""


def resource_html(resource: dict, resources: list[dict]) -> str:
    marker = (resource.get("extras") or {}).get(RESOURCE_MARKER) or resource.get("id") or ""
    title = resource.get("title") or "Fichier sans nom"
    fmt = (resource.get("format") or "").strip().lower()
    size = resource.get("filesize")
    schema = schema_title(resource, resources)
    meta = []
    if schema:
        meta.append(f'<span>Schéma: <span class="tag">{escape(schema)}</span></span>')
    if fmt:
        meta.append(
            f"<span>Format {escape(fmt)}"
            + (f" ({french_size(size)})" if size is not None else "")
            + "</span>"
        )
    checksum = resource.get("checksum") or {}
    rows = []
    if size is not None:
        rows.append(("Taille", f"{french_size(size)} ({size:,} octets)".replace(",", "\u202f")))
    if checksum.get("value"):
        rows.append(
            (
                escape(checksum.get("type") or "sha1"),
                f'<code class="somme">{checksum["value"]}</code>',
            )
        )
    rows.append(("Type", escape(TYPE_LABELS.get(resource.get("type"), resource.get("type") or ""))))
    if resource.get("mime"):
        rows.append(("Type MIME", escape(resource["mime"])))
    if schema:
        rows.append(("Schéma", escape(schema)))
    details = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows)
    description = resource.get("description") or ""
    body = f'<div class="markdown">{render_markdown(description, headings=True)}</div>'
    preview = ""
    if is_image(resource) and resource.get("url"):
        preview = (
            f'<div class="apercu"><img src="{escape(resource["url"])}" alt="{escape(title)}"></div>'
        )
    return f"""<article class="ressource" data-marker="{escape(marker)}">
<h3>{escape(title)}</h3>
<p class="meta">{"".join(meta)}</p>
{body if description else ""}{preview}
<dl>{details}</dl>
</article>"""


def resources_html(view: DatasetView) -> str:
    parts = [f'<h2 id="fichiers">Fichiers <sup>({len(view.resources)})</sup></h2>']
    for kind, labels in GROUPS:
        members = [r for r in view.resources if (r.get("type") or "main") == kind]
        if not members:
            continue
        parts.append(f'<section class="groupe" id="groupe-{kind}">')
        parts.append(f'<div class="groupe-titre">{plural(labels, len(members))}</div>')
        parts.extend(resource_html(r, view.resources) for r in members)
        parts.append("</section>")
    return "\n".join(parts)


def quality_html(view: DatasetView) -> str:
    items = []
    for criterion in view.quality.criteria:
        state = "oui" if criterion.met else "non"
        items.append(
            f'<li class="{state}" data-critere="{criterion.key}">{escape(criterion.label)}'
            f'<span class="raison">{escape(criterion.reason)}</span></li>'
        )
    return f"""<section id="qualite"><h2>Qualité des métadonnées :</h2>
<ul class="criteres">{"".join(items)}</ul>
<p class="note">Score : {french_percent(view.quality.score)}, calculé comme data.gouv.fr
(un point par critère rempli, sur 9).</p></section>"""


def informations_html(view: DatasetView) -> str:
    dataset = view.dataset
    tags = "".join(f'<li class="tag">{escape(t)}</li>' for t in dataset.get("tags") or [])
    coverage = dataset.get("temporal_coverage")
    spatial = dataset.get("spatial")
    temporality = [
        f"<dt>Fréquence</dt><dd>{escape(frequency_label(dataset.get('frequency')))}</dd>"
    ]
    temporality.append(
        '<dt>Couverture temporelle</dt><dd id="couverture-temporelle">'
        + (escape(temporal_text(coverage)) if coverage else "Non renseignée")
        + "</dd>"
    )
    parts = [
        '<section class="informations"><h3>Informations</h3><dl>',
        f'<div><dt>Mots-clés</dt><dd><ul class="tags" id="mots-cles">{tags}</ul></dd></div>',
        f"<div><dt>Licence</dt><dd>{licence_html(dataset.get('license'))}</dd></div>",
        "</dl></section>",
        '<section class="informations"><h3>Temporalité</h3><dl>',
        "".join(f"<div>{t}</div>" for t in temporality),
        "</dl></section>",
    ]
    if spatial:
        parts += [
            '<section class="informations"><h3>Couverture spatiale</h3><dl>',
            f'<div><dt>Zones</dt><dd id="zones">{escape(zones_text(spatial))}</dd></div>',
            "<div><dt>Granularité de la couverture territoriale</dt>"
            f"<dd>{escape(granularity_text(spatial))}</dd></div>",
            "</dl></section>",
        ]
    return '<section id="informations"><h2>Informations</h2>' + "".join(parts) + "</section>"


def render_page(view: DatasetView) -> str:
    """The dataset's page, whole: one string of HTML."""
    dataset = view.dataset
    title = dataset.get("title") or view.name
    short, own = short_description(dataset)
    short_note = (
        "Description courte (description_short) : data.gouv.fr ne l'affiche pas sur cette page, "
        "mais sur les cartes des listes et pour les moteurs de recherche."
        if own
        else "Pas de description courte (description_short) : data.gouv.fr montrera sur les "
        f"cartes et aux moteurs de recherche le début de la description ({SHORT_LIMIT} "
        "caractères au plus), ci-dessus."
    )
    source = (
        "ce que <code>ddet-data publish</code> enverrait ; rien n'est publié"
        if view.source == "local"
        else f"ce que contient {escape(view.source)}"
    )
    badge = '<div class="badge">Brouillon</div>' if dataset.get("private") else ""
    return f"""<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Jeu de données - {escape(title)} | data.gouv.fr (aperçu)</title>
<meta name="description" content="{escape(short)}">
<style>{CSS}</style>
</head>
<body>
<div class="bandeau" role="note">Aperçu local de la page data.gouv.fr de ce jeu de données,
d'après {source}.</div>
<main class="conteneur">
<nav class="fil" aria-label="Fil d'Ariane">Accueil › Jeux de données › {escape(title)}</nav>
<div class="colonnes">
<article class="principal">
{badge}<h1 id="titre">{escape(title)}</h1>
<ul class="onglets" aria-label="Sections">
<li><a href="#fichiers">Fichiers <sup>({len(view.resources)})</sup></a></li>
<li><a href="#qualite">Qualité des métadonnées</a></li>
<li><a href="#informations">Informations</a></li>
</ul>
<div class="etiquette">Description courte</div>
<p id="description-courte" class="markdown">{escape(short)}</p>
<p class="note">{short_note}</p>
<div class="etiquette">Description</div>
<div class="markdown" id="description">
{render_markdown(dataset.get("description") or "")}
</div>
</article>
{sidebar(view)}
</div>
{resources_html(view)}
{quality_html(view)}
{informations_html(view)}
</main>
</body>
</html>
"""


def render_index(views: list[DatasetView]) -> str:
    """A page listing the datasets, each a link to its page."""
    items = "".join(
        f'<li><a href="{escape(v.name)}/index.html">{escape(v.dataset.get("title") or v.name)}'
        f'</a> <span class="note">{len(v.resources)} fichiers · qualité '
        f"{french_percent(v.quality.score)}</span></li>"
        for v in views
    )
    return f"""<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Jeux de données | data.gouv.fr (aperçu)</title><style>{CSS}</style></head>
<body><div class="bandeau" role="note">Aperçu local des pages data.gouv.fr.</div>
<main class="conteneur"><h1>Jeux de données</h1><ul class="index">{items}</ul></main>
</body></html>
"""
