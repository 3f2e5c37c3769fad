"""English translation: a complete catalog, compiled, and actually used by the pages."""

import gettext
import re
from html import unescape
from pathlib import Path

import pytest
from django.conf import settings

from essmap.typography import typeset
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


def _english(url: str) -> str:
    return "/en" + url


def test_pages_render_in_english_under_the_en_prefix(client, data):
    for url, (english, french) in _pages(data).items():
        html = _html(client.get(_english(url)))
        assert '<html lang="en">' in html, url
        for text in english + COMMON_EN:
            assert text in html, (url, text)
        for text in french + COMMON_FR:
            assert typeset(text) not in html, (url, text)


def test_pages_render_in_french_by_default_with_french_typography(client, data):
    for url, (_english, french) in _pages(data).items():
        html = _html(client.get(url))
        assert '<html lang="fr">' in html, url
        for text in french + COMMON_FR:
            assert typeset(text) in html, (url, text)
        for text in COMMON_EN:
            assert text not in html, (url, text)


def test_the_url_alone_sets_the_language_of_a_page(client, data):
    """A shared link opens in its language, whatever the visitor's header or cookie says."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = _html(client.get("/", headers={"accept-language": "en-US,en;q=0.9"}))
    assert '<html lang="fr">' in html
    html = _html(client.get("/en/", headers={"accept-language": "fr"}))
    assert '<html lang="en">' in html
    assert "Social and solidarity economy initiatives" in html


def test_the_api_negotiates_its_language_with_accept_language(client, db):
    response = client.get("/api/v1/", headers={"accept-language": "en"})
    assert response["Content-Language"] == "en"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/api/v1/", headers={"accept-language": "fr"})
    assert response["Content-Language"] == "fr"
    assert client.get("/api/v1/")["Content-Language"] == "fr"


def test_admin_and_api_stay_unprefixed(client, db):
    assert client.get("/en/api/v1/").status_code == 404
    assert client.get("/en/admin/").status_code == 404
    assert client.get("/api/v1/").status_code == 200


def test_home_page_has_the_language_switcher_and_hreflang_links(client, db):
    html = _html(client.get("/?theme=x"))
    switcher = re.search(r'<p class="language-switcher">(.*?)</p>', html, re.S)
    assert switcher, "language switcher missing"
    assert 'href="/en/?theme=x" hreflang="en" lang="en">English version</a>' in switcher[1]
    assert '<link rel="alternate" hreflang="fr" href="http://testserver/">' in html
    assert '<link rel="alternate" hreflang="en" href="http://testserver/en/">' in html
    assert '<link rel="alternate" hreflang="x-default" href="http://testserver/">' in html
    assert '<link rel="canonical" href="http://testserver/">' in html


def test_language_switcher_links_to_the_same_page_in_the_other_language(client, db):
    html = _html(client.get("/en/sources/"))
    assert "Sources, licenses and contributing" in html
    assert 'href="/sources/" hreflang="fr" lang="fr">Version française</a>' in html
    assert '<link rel="canonical" href="http://testserver/en/sources/">' in html
    assert typeset("Sources, licences et contribution") in _html(client.get("/sources/"))


FR_PO = Path(settings.BASE_DIR) / "locale" / "fr" / "LC_MESSAGES" / "django.po"


def test_french_catalog_is_generated_from_the_english_one_and_compiled():
    from essmap.management.commands.typeset_catalog import french_catalog, read_entries

    assert FR_PO.read_text(encoding="utf-8") == french_catalog(read_entries(PO)), (
        "run `make messages`"
    )
    with FR_PO.with_suffix(".mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    assert compiled.gettext("Source :") == "Source\u00a0:"
    assert compiled.ngettext("%(n)s fiche", "%(n)s fiches", 0) == "%(n)s fiche"
    assert "Plural-Forms: nplurals=2; plural=(n > 1);" in FR_PO.read_text(encoding="utf-8")


def test_french_plural_rule_is_in_force(client, db):
    from django.utils import translation
    from django.utils.translation import ngettext

    with translation.override("fr"):
        got = [ngettext("%(n)s fiche", "%(n)s fiches", n) % {"n": n} for n in (0, 1, 2)]
    assert got == ["0 fiche", "1 fiche", "2 fiches"]
    with translation.override("en"):
        got = [ngettext("%(n)s fiche", "%(n)s fiches", n) % {"n": n} for n in (0, 1)]
    assert got == ["0 listings", "1 listing"]
    factories.source(title="Source sans fiche")
    html = _html(client.get("/sources/"))
    assert "0 fiche," in html and "0 chiffre" in html and "0 fiches" not in html


def test_english_pages_use_english_numbers_and_units(client, db):
    source = factories.source(title="Article")
    factories.key_figure(
        label="Foyers accompagnés",
        label_en="Households supported",
        value=1200,
        qualifier="more_than",
        unit="foyers",
        unit_en="households",
        period="sur deux ans",
        period_en="over two years",
        source=source,
    )
    factories.key_figure(label="Croissance", value=6, unit="%", measure="change", source=source)
    html = _html(client.get("/en/territoire/"))
    assert "more than\u00a01,200\u00a0households" in html
    assert "Households supported" in html and "over two years" in html
    assert "+6%" in html
    html = _html(client.get("/territoire/"))
    assert "plus de\u00a01\u202f200\u00a0foyers" in html and "+6\u00a0%" in html


# One inclusive-writing convention in UI strings (README, "Typography and inclusive writing").
_OTHER_CONVENTIONS = re.compile(r"[^\W\d_]\((?:e|rice|euse)\)s?|[^\W\d_]\.e\.s?\b|[^\W\d_]-e-s\b")
_MASCULINE_ONLY = re.compile(
    r"\b(?:salariés|modérateurs|éditeurs|utilisateurs|contributeurs|adhérents|usagers)\b"
)
_QUOTED_AS_WRITTEN = ("les contributeurs d'OpenStreetMap",)  # an attribution text


def test_ui_strings_follow_the_middle_dot_convention(catalog):
    texts = [text for e in catalog for text in (e["msgid"], e.get("msgid_plural", ""))]
    other = [t for t in texts if _OTHER_CONVENTIONS.search(t)]
    masculine = [
        t
        for t in texts
        if _MASCULINE_ONLY.search(t) and not any(q in t for q in _QUOTED_AS_WRITTEN)
    ]
    assert other == []
    assert masculine == []
    assert any("salarié·es" in t for t in texts)  # the convention is in use
    assert _MASCULINE_ONLY.search("Seuls les modérateurs") and _OTHER_CONVENTIONS.search(
        "salarié(e)s"
    )  # the scan can fail


def test_the_catalog_does_not_hide_djangos_own_french(catalog):
    """An English msgid of ours (from a template that reuses Django's wording) would be
    "translated" to itself in the generated French catalog and hide Django's French:
    'Home' for 'Accueil' in the admin breadcrumbs. (django/conf's catalog is left out: the
    language names of settings.LANGUAGES, 'Français' and 'English', are endonyms on purpose.)"""
    import django

    django_fr = gettext.NullTranslations()
    for app in ("contrib/admin", "contrib/auth"):
        mo = Path(django.__file__).parent / app / "locale" / "fr" / "LC_MESSAGES" / "django.mo"
        with mo.open("rb") as fp:
            django_fr.add_fallback(gettext.GNUTranslations(fp))
    hidden = [e["msgid"] for e in catalog if django_fr.gettext(e["msgid"]) != e["msgid"]]
    assert hidden == []
    assert django_fr.gettext("Home") == "Accueil"  # the check reads Django's catalogs
