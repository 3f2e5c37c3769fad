"""English translation: a complete catalog, compiled, and actually used by the pages."""

import gettext
import re
from html import unescape
from pathlib import Path

import pytest
from django.conf import settings

from initiatives.models import Initiative
from tests import factories

PO = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")

# %(name)s, %(lat).5f, %s, %d … and {name}: what must survive translation unchanged.
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[-+ #0-9.]*[a-z]|%[-+ #0-9.]*[sdif]|\{[a-z_]*\}")


def _unquote(line: str) -> str:
    body = line[line.index('"') + 1 : line.rindex('"')]
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m[1], m[1]), body)


def _po_entries(path: Path) -> list[dict]:
    """Entries of a .po file: flags, msgid, msgid_plural, msgstr (index -> text). No obsolete."""
    entries, entry, key = [], None, None
    for raw in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if not line or line.startswith("#~"):
            if entry and "msgid" in entry:
                entries.append(entry)
            entry, key = None, None
            continue
        entry = entry if entry is not None else {"flags": set(), "msgstr": {}}
        if line.startswith("#,"):
            entry["flags"].update(f.strip() for f in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            if key[0] == "msgstr":
                entry["msgstr"][key[1]] += _unquote(line)
            else:
                entry[key[0]] += _unquote(line)
        else:
            keyword = line.split(None, 1)[0]
            match = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
            if keyword == "msgstr" or match:
                key = ("msgstr", int(match[1]) if match else 0)
                entry["msgstr"][key[1]] = _unquote(line)
            else:
                key = (keyword, None)
                entry[keyword] = _unquote(line)
    return entries


@pytest.fixture(scope="module")
def catalog() -> list[dict]:
    entries = _po_entries(PO)
    assert entries[0]["msgid"] == ""  # the header
    return entries[1:]


def test_catalog_is_big_enough_to_be_the_real_one(catalog):
    assert len(catalog) > 300
    assert any(e["msgid"] == "Proposer une initiative" for e in catalog)


def test_catalog_has_no_untranslated_or_fuzzy_entry(catalog):
    untranslated = [
        e["msgid"]
        for e in catalog
        if not e["msgstr"]
        or not all(e["msgstr"].values())
        or ("msgid_plural" in e and sorted(e["msgstr"]) != [0, 1])
    ]
    fuzzy = [e["msgid"] for e in catalog if "fuzzy" in e["flags"]]
    assert untranslated == []
    assert fuzzy == []
    assert "fuzzy" not in _po_entries(PO)[0]["flags"]  # the header (plural forms) is used too


def test_translations_keep_every_placeholder(catalog):
    broken = []
    for e in catalog:
        sources = [e["msgid"], e.get("msgid_plural", e["msgid"])]
        for index, text in e["msgstr"].items():
            expected = sorted(PLACEHOLDER.findall(sources[min(index, 1)]))
            if sorted(PLACEHOLDER.findall(text)) != expected:
                broken.append((e["msgid"], text))
    assert broken == []


def test_translations_keep_the_html_tags(catalog):
    tag = re.compile(r"</?[a-z][^>]*>")
    broken = [
        e["msgid"]
        for e in catalog
        for text in e["msgstr"].values()
        if sorted(tag.findall(e["msgid"])) != sorted(tag.findall(text))
    ]
    assert broken == []


def test_compiled_catalog_matches_the_po_file(catalog):
    with MO.open("rb") as fp:
        compiled = gettext.GNUTranslations(fp)
    stale = []
    for e in catalog:
        if "msgid_plural" in e:
            pairs = [
                (compiled.ngettext(e["msgid"], e["msgid_plural"], 1), e["msgstr"][0]),
                (compiled.ngettext(e["msgid"], e["msgid_plural"], 2), e["msgstr"][1]),
            ]
        else:
            pairs = [(compiled.gettext(e["msgid"]), e["msgstr"][0])]
        stale += [(e["msgid"], got) for got, want in pairs if got != want]
    assert stale == [], "run: manage.py compilemessages -l en"


# --- pages ----------------------------------------------------------------------------------


@pytest.fixture
def data(db):
    dep = factories.departement("26", "Drôme")
    cc = factories.interco(name="CC du Val de Drôme", slug="val-de-drome", departements=[dep])
    town = factories.commune(name="Crest", departement=dep, interco=cc)
    theme = factories.theme("alimentation", "Alimentation", name_en="Food")
    source = factories.source(title="La force des alliances locales", url="https://example.org/a")
    initiative = factories.initiative(
        name="Épicerie solidaire du Val",
        commune=town,
        legal_form=Initiative.LegalForm.ASSOCIATION,
        kind=Initiative.Kind.STRUCTURE,
        phone="04 75 00 00 00",
        founded_year=2012,
        source=source,
        themes=[theme],
    )
    factories.key_figure(label="Emplois dans l'ESS", value=12000, unit="emplois", source=source)
    factories.key_figure(label="Associations", value=3000, departement=dep, source=source)
    return {"interco": cc, "initiative": initiative}


def _pages(data) -> dict[str, tuple[list[str], list[str]]]:
    """url -> (English strings, their French originals), all specific to that page."""
    return {
        "/": (
            [
                "Social and solidarity economy initiatives",
                "Search filters",
                "Clear filters",
                "1 initiative",
                "Food",
            ],
            [
                "Initiatives de l'économie sociale et solidaire",
                "Filtres de recherche",
                "Effacer les filtres",
                "Alimentation",
            ],
        ),
        f"/initiatives/{data['initiative'].slug}/": (
            [
                "Contact details",
                "SSE organization",
                "Phone",
                "Founded",
                "Area covered",
                "Source of this listing:",
                "Food",
            ],
            [
                "Coordonnées",
                "Structure de l'ESS",
                "Téléphone",
                "Création",
                "Territoire couvert",
                "Source de la fiche :",
                "Alimentation",
            ],
        ),
        "/intercos/": (
            ["Intercommunalities and number of initiatives", "Population", "Type"],
            ["Intercommunalités et nombre d'initiatives", "Nature"],
        ),
        f"/intercos/{data['interco'].slug}/": (
            ["See these initiatives in the directory and on the map", "Embed the map on your"],
            ["Voir ces initiatives dans l'annuaire et sur la carte", "Intégrer la carte"],
        ),
        "/territoire/": (
            ["The territory in figures", "Source:", "By département"],
            ["Le territoire en chiffres", "Source :", "Par département"],
        ),
        "/sources/": (
            [
                "Sources, licenses and contributing",
                "Data sources",
                "API documentation",
                "1 listing",
            ],
            [
                "Sources, licences et contribution",
                "Sources des données",
                "Documentation de l'API",
                "1 fiche",
            ],
        ),
        "/proposer/": (
            [
                "Suggest an initiative",
                "Name of the initiative",
                "Your email",
                "Send the suggestion",
                "Fields marked with an asterisk (*) are required.",
            ],
            [
                "Proposer une initiative",
                "Nom de l'initiative",
                "Votre courriel",
                "Envoyer la proposition",
            ],
        ),
    }


COMMON_EN = ["Skip to content", "Main navigation", "Directory", "Version française"]
COMMON_FR = ["Aller au contenu", "Navigation principale", "Annuaire", "English version"]


def _html(response) -> str:
    assert response.status_code == 200
    return unescape(response.content.decode())


def test_pages_render_in_english_with_the_language_cookie(client, data):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for url, (english, french) in _pages(data).items():
        html = _html(client.get(url))
        assert '<html lang="en">' in html, url
        for text in english + COMMON_EN:
            assert text in html, (url, text)
        for text in french + COMMON_FR:
            assert text not in html, (url, text)


def test_pages_render_in_french_by_default(client, data):
    for url, (_english, french) in _pages(data).items():
        html = _html(client.get(url))
        assert '<html lang="fr">' in html, url
        for text in french + COMMON_FR:
            assert text in html, (url, text)
        for text in COMMON_EN:
            assert text not in html, (url, text)


def test_accept_language_header_selects_english(client, data):
    html = _html(client.get("/", headers={"accept-language": "en-US,en;q=0.9"}))
    assert '<html lang="en">' in html
    assert "Social and solidarity economy initiatives" in html
    # A language we do not have falls back to French.
    html = _html(client.get("/", headers={"accept-language": "de"}))
    assert '<html lang="fr">' in html


def test_home_page_has_the_language_switcher(client, db):
    html = _html(client.get("/?theme=x"))
    form = re.search(r'<form class="language-switcher"[^>]*>(.*?)</form>', html, re.S)
    assert form, "language switcher form missing"
    assert 'action="/i18n/setlang/"' in form[0]
    assert 'method="post"' in form[0]
    assert 'name="csrfmiddlewaretoken"' in form[1]
    assert 'name="next" value="/?theme=x"' in form[1]
    assert 'name="language" value="en"' in form[1]


def test_language_switcher_switches_to_english_and_back(client, db):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/sources/"})
    assert response.status_code == 302
    assert response["Location"] == "/sources/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert "Sources, licenses and contributing" in _html(client.get("/sources/"))
    client.post("/i18n/setlang/", {"language": "fr", "next": "/sources/"})
    assert "Sources, licences et contribution" in _html(client.get("/sources/"))
