"""The one typography helper: numbers, units, signs and punctuation, in French and English."""

import json
import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import translation

from essmap.typography import (
    MINUS,
    NBSP,
    NNBSP,
    apostrophes,
    format_money,
    format_number,
    format_quantity,
    punctuation,
    typeset,
)
from tests import factories


@pytest.mark.parametrize(
    ("value", "fr", "en"),
    [
        (1200, f"1{NNBSP}200", "1,200"),
        ("45233", f"45{NNBSP}233", "45,233"),
        ("2800.00", f"2{NNBSP}800", "2,800"),
        ("5.6", "5,6", "5.6"),
        ("11.50", "11,5", "11.5"),
        (1234567.25, f"1{NNBSP}234{NNBSP}567,25", "1,234,567.25"),
        (0, "0", "0"),
        ("-28", f"{MINUS}28", f"{MINUS}28"),
        (999, "999", "999"),
    ],
)
def test_numbers_in_both_languages(value, fr, en):
    assert format_number(value, language="fr") == fr
    assert format_number(value, language="en") == en


def test_growth_carries_its_sign():
    assert format_number(6, sign=True, language="fr") == "+6"
    assert format_number("-28", sign=True, language="fr") == f"{MINUS}28"
    assert format_number(0, sign=True, language="fr") == "0"
    assert format_quantity(6, "%", sign=True, language="fr") == f"+6{NBSP}%"
    assert format_quantity(6, "%", sign=True, language="en") == "+6%"


def test_units_and_qualifiers_never_break_from_their_number():
    assert format_quantity(60, "%", language="fr") == f"60{NBSP}%"
    assert format_quantity(410, "€", language="fr") == f"410{NBSP}€"
    assert format_quantity(1200, "foyers", qualifier="plus de", language="fr") == (
        f"plus de{NBSP}1{NNBSP}200{NBSP}foyers"
    )
    assert format_quantity(1200, "households", qualifier="more than", language="en") == (
        f"more than{NBSP}1,200{NBSP}households"
    )
    assert format_quantity(11, "%", qualifier="about", language="en") == f"about{NBSP}11%"


def test_the_active_language_is_the_default():
    with translation.override("en"):
        assert format_number(1200) == "1,200"
    with translation.override("fr"):
        assert format_number(1200) == f"1{NNBSP}200"


def test_french_punctuation():
    assert typeset("Source : INSEE ; voir ici ! Pourquoi ?") == (
        f"Source{NBSP}: INSEE{NNBSP}; voir ici{NNBSP}! Pourquoi{NNBSP}?"
    )
    assert typeset("Vraiment?") == f"Vraiment{NNBSP}?"
    assert typeset("« faire ensemble »") == f"«{NBSP}faire ensemble{NBSP}»"
    assert typeset("«Moov’RAA»") == f"«{NBSP}Moov’RAA{NBSP}»"
    assert typeset("plus de 1 200 foyers, 60 %, 410 €") == (
        f"plus de 1{NNBSP}200 foyers, 60{NBSP}%, 410{NBSP}€"
    )


def test_punctuation_leaves_urls_times_and_placeholders_alone():
    text = "Voir https://example.org/?q=1&x=2 à 9:00, %(name)s:%(n)d"
    assert typeset(text) == text
    assert typeset("Tom &amp; Jerry") == "Tom &amp; Jerry"


def test_curly_apostrophes_between_letters_only():
    assert apostrophes("l'ESS d'aujourd'hui") == "l’ESS d’aujourd’hui"
    assert apostrophes("class='x' 'quoted'") == "class='x' 'quoted'"
    assert typeset("L'économie") == "L’économie"


def test_typeset_is_idempotent():
    text = "Source : « l'ESS » ; 1 200 foyers ?"
    assert typeset(typeset(text)) == typeset(text)


def test_template_filters_use_the_helper():
    template = Template("{% load essmap_tags %}{{ n|number }} {{ g|number:'sign' }} {{ t|typo }}")
    with translation.override("fr"):
        html = template.render(Context({"n": 45233, "g": 6, "t": "l'ESS : oui"}))
    assert html == f"45{NNBSP}233 +6 l’ESS{NBSP}: oui"
    with translation.override("en"):
        assert template.render(Context({"n": 45233, "g": 6, "t": ""})).startswith("45,233 +6")


def test_template_tags_follow_the_page_language():
    template = Template(
        "{% load essmap_tags %}{{ m|money }}|{% punct ':' %}|<p{% lang_fr %}>|<p{% lang_fr en %}>"
        "|{{ t|typo }}|{{ t|typo:en }}|{% fr_text t %}"
    )
    context = Context({"m": -1200, "t": "Pourquoi ?", "en": "Why ?"})
    with translation.override("fr"):
        assert template.render(context) == (
            f"{MINUS}1{NNBSP}200{NBSP}€|{NBSP}:|<p>|<p>"
            f"|Pourquoi{NNBSP}?|Pourquoi{NNBSP}?|Pourquoi{NNBSP}?"
        )
    with translation.override("en"):
        assert template.render(context) == (
            f'{MINUS}€1,200|:|<p lang="fr">|<p>'
            f'|Pourquoi{NNBSP}?|Pourquoi?|<span lang="fr">Pourquoi{NNBSP}?</span>'
        )


def test_punctuation_and_money_in_both_languages():
    assert punctuation(":", language="fr") == f"{NBSP}:"
    assert punctuation("?", language="fr") == f"{NNBSP}?"
    assert punctuation(":", language="en") == ":"
    assert format_money(410, language="fr") == f"410{NBSP}€"
    assert format_money(410, language="en") == "€410"
    assert format_money(-1200, language="en") == f"{MINUS}€1,200"
    assert format_quantity(2, "M€", language="en") == "€2M"
    assert format_quantity(-28, "%", sign=True, language="fr") == f"{MINUS}28{NBSP}%"


def test_typeset_writes_minus_signs_but_leaves_ranges_and_phones():
    assert typeset("Emplois : -28 % (2016-2021)") == f"Emplois{NBSP}: {MINUS}28{NBSP}% (2016-2021)"
    assert typeset("tél. 04-75-00, ESS-2024") == "tél. 04-75-00, ESS-2024"
    assert typeset("Jobs : -28% ?", "en") == f"Jobs: {MINUS}28%?"
    assert typeset("Really? Yes: it's here!", "en") == "Really? Yes: it’s here!"


# --- rendered pages, feeds and scripts -------------------------------------------------------


class _Texts(HTMLParser):
    """Runs of visible text (and of user-facing attributes), each with its language."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
            "track", "wbr"}  # fmt: skip
    SKIP = {"script", "style", "textarea", "code", "pre"}  # code, not prose
    ATTRS = {"title", "aria-label", "alt", "placeholder"}

    def __init__(self, page_lang: str):
        super().__init__(convert_charrefs=True)
        self.stack = [("html", page_lang)]
        self.runs: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        lang = attrs.get("lang") or self.stack[-1][1]
        for name in self.ATTRS & attrs.keys():
            self.runs.append((lang, attrs[name] or ""))
        if tag == "meta" and attrs.get("name", attrs.get("property", "")).endswith("description"):
            self.runs.append((lang, attrs.get("content") or ""))
        if tag not in self.VOID:
            self.stack.append((tag, lang))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        if any(tag in self.SKIP for tag, _lang in self.stack):
            return
        lang = self.stack[-1][1]
        if self.runs and self.runs[-1][0] == lang and not self.runs[-1][1].endswith("\x00"):
            self.runs[-1] = (lang, self.runs[-1][1] + data)
        else:
            self.runs.append((lang, data))


_FRENCH_FAULTS = {
    "plain space before : ; ! ?": re.compile(r"\S [:;!?](?=\s|$)"),
    "no space before ; ! ?": re.compile(r"[^\W\d_][;!?](?=\s|$)"),
    "no space before :": re.compile(r"[^\W\d_]:(?=\s|$)"),
    "plain space inside « »": re.compile(r"« | »"),
    "straight apostrophe": re.compile(r"[^\W\d_]'[^\W\d_]"),
}
_ENGLISH_FAULTS = {
    "space before : ; ! ?": re.compile(r"\S[ \u00a0\u202f][:;!?](?=\s|$)"),
    "euro after the amount": re.compile(r"\d[ \u00a0\u202f]?€"),
    "space before %": re.compile(r"\d[ \u00a0\u202f]%"),
}
_BOTH_FAULTS = {"hyphen for a minus": re.compile(r"(?<![\w\-])-\d[\d\s,.\u202f]*\s?%")}


def typography_faults(html: str, page_lang: str) -> list[tuple[str, str]]:
    """(fault, excerpt) for each typography mistake of a page, by the language of each text:
    French runs (the page, or lang="fr" elements) need no-break spaces; English runs none."""
    parser = _Texts(page_lang)
    parser.feed(html)
    faults = []
    for lang, text in parser.runs:
        rules = {**(_FRENCH_FAULTS if lang == "fr" else _ENGLISH_FAULTS), **_BOTH_FAULTS}
        for fault, pattern in rules.items():
            faults += [(fault, text[max(0, m.start() - 30) : m.end() + 10]) for m in
                       pattern.finditer(text)]  # fmt: skip
    return faults


def test_the_audit_finds_each_kind_of_fault():
    page = '<p>Erreur : {} <span lang="fr">Prix : 3 €</span> -28 %</p>'
    assert {f for f, _ in typography_faults(page.format("l'ESS ?"), "fr")} == {
        "plain space before : ; ! ?",
        "straight apostrophe",
        "hyphen for a minus",
    }
    assert {f for f, _ in typography_faults(page.format("420 €"), "en")} == {
        "space before : ; ! ?",
        "euro after the amount",
        "hyphen for a minus",
        "space before %",
        "plain space before : ; ! ?",  # French, in the lang="fr" element
    }
    assert typography_faults(f'<p lang="fr">Prix{NBSP}: 3{NBSP}€ {MINUS}28{NBSP}%</p>', "en") == []


@pytest.fixture
def pages(db, settings, tmp_path):
    """A record whose texts use every French sign, with no English version, on every page."""
    dep = factories.departement("26", "Drôme")
    cc = factories.interco(
        name="CA Valence Romans Agglo", slug="valence-romans", population=45233, departements=[dep]
    )
    town = factories.commune(name="Crest", departement=dep, interco=cc)
    food = factories.theme("alimentation", "Alimentation", name_en="Food")
    mobility = factories.theme("mobilite", "Mobilité douce")  # no English name
    source = factories.source(
        title="Panorama de l'ESS : édition 2024",
        note="Chiffres de 2023 ; voir « annexe » !",
        url="https://example.org/panorama",
        cited_in=factories.source(title="La force des alliances locales : l'ESS en Drôme"),
    )
    initiative = factories.initiative(
        name="Épicerie « Le Panier »",
        summary="Épicerie solidaire : produits locaux ; prix justes !",
        description="Pourquoi ? Parce que l'alimentation est un droit : -28 % de gaspillage.",
        article_note="L'article dit : « essentiel ».",
        commune=town,
        source=source,
        themes=[food, mobility],
        employees=1200,
    )
    factories.partnership(
        initiative=initiative,
        partner_interco=cc,
        role="supporter",
        description="Soutien : local émis en 2021 ?",
        source=source,
    )
    figures = [
        ("Évolution des emplois", "Change in jobs", -28, "%", "change"),
        ("Budget moyen d'un foyer", "Average household budget", 410, "€", "count"),
        ("Emplois dans l'ESS", "", 12000, "emplois", "count"),
    ]
    for label, label_en, value, unit, measure in figures:
        factories.key_figure(
            label=label, label_en=label_en, value=value, unit=unit, measure=measure, source=source
        )
    settings.OPENDATA_DIR = str(tmp_path)
    manifest = {"generated_at": "2026-12-01T10:00:00+00:00", "fingerprint": "x", "files": {
        "initiatives.csv": {"title": "t", "media_type": "text/csv", "size": 2048000,
                            "sha256": "0" * 64, "rows": 12345}}}  # fmt: skip
    (tmp_path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return {
        "/": "Épicerie",
        "/?q=epicerie": "Épicerie",
        "/?q=epicerie&theme=alimentation&theme=mobilite&near=Crest&legal_form=association": (
            'class="chip"'
        ),
        f"/initiatives/{initiative.slug}/": "Pourquoi",
        f"/embed/?interco={cc.siren}&mode=list": "Épicerie",
        "/intercos/": "45",
        f"/intercos/{cc.slug}/": "Soutien",
        "/territoire/": "28",
        "/sources/": "Panorama",
        "/donnees/": "12",
        "/proposer/": "",
        f"/initiatives/{initiative.slug}/signaler/": "",
        "/alertes/": "",
    }


@pytest.mark.parametrize("language", ["fr", "en"])
def test_public_pages_have_no_typography_fault(client, pages, language):
    prefix = "/en" if language == "en" else ""
    for url, expected in pages.items():
        response = client.get(prefix + url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert expected in unescape(html), url
        faults = typography_faults(html, language)
        assert faults == [], (language, url, faults)


def test_numbers_are_grouped_and_signed_in_each_language(client, pages):
    french = {
        "/intercos/": ["45\u202f233"],
        "/donnees/": ["12\u202f345"],
        "/territoire/": [f"{MINUS}28{NBSP}%", f"410{NBSP}€", "12\u202f000"],
    }
    english = {
        "/intercos/": ["45,233"],
        "/donnees/": ["12,345"],
        "/territoire/": [f"{MINUS}28%", "€410", "12,000"],
    }
    for prefix, expected in (("", french), ("/en", english)):
        for url, texts in expected.items():
            html = unescape(client.get(prefix + url).content.decode())
            for text in texts:
                assert text in html, (prefix + url, text)


def _lang_of(html: str, text: str) -> str:
    """The language of the innermost element holding `text`."""
    parser = _Texts("?")
    parser.feed("<body" + html.split("<body", 1)[1])  # not the <head>'s meta description
    found = [lang for lang, run in parser.runs if text in run]
    assert found, text
    return found[0]


def test_french_record_texts_are_marked_lang_fr_on_english_pages(client, pages):
    url = next(u for u in pages if u.startswith("/initiatives/") and u.count("/") == 3)
    english = client.get("/en" + url).content.decode()
    french_texts = ("Épicerie solidaire", "Pourquoi", "essentiel", "Mobilité douce", "Soutien")
    for text in (*french_texts, "CA Valence Romans Agglo"):
        assert _lang_of(english, text) == "fr", text
    for text in ("Food", "Contact details", "cited in"):
        assert _lang_of(english, text) == "?", text  # the page's language (English)
    assert _lang_of(english, "La force des alliances locales") == "fr"  # the citing text
    listing = client.get("/en/?q=epicerie").content.decode()
    assert _lang_of(listing, "prix justes") == "fr"
    figures = client.get("/en/territoire/").content.decode()
    assert _lang_of(figures, "Emplois dans") == "fr"  # no English label
    assert _lang_of(figures, "Change in jobs") == "?"
    french = client.get(url).content.decode()
    assert 'lang="fr"' not in french.split("<body", 1)[1]  # the page is French already


def test_the_feed_typesets_records_and_marks_them_french_in_english(client, pages):
    french = ElementTree.fromstring(client.get("/flux/initiatives.atom").content)  # noqa: S314
    atom = "{http://www.w3.org/2005/Atom}"
    entry = french.find(f"{atom}entry")
    assert entry.find(f"{atom}title").text == f"Épicerie «{NBSP}Le Panier{NBSP}»"
    assert f"solidaire{NBSP}: produits locaux{NNBSP}; prix justes{NNBSP}!" in (
        entry.find(f"{atom}summary").text
    )
    xml_lang = "{http://www.w3.org/XML/1998/namespace}lang"
    assert entry.get(xml_lang) is None
    assert (
        french.find(f"{atom}title").text
        == f"Initiatives de l’ESS{NBSP}: nouveautés de votre recherche"
    )
    english = ElementTree.fromstring(client.get("/en/flux/initiatives.atom").content)  # noqa: S314
    assert english.find(f"{atom}entry").get(xml_lang) == "fr"
    assert " :" not in english.find(f"{atom}title").text
    assert f"{NBSP}:" not in english.find(f"{atom}title").text


def test_an_invalid_feed_search_answers_in_the_languages_typography(client, db):
    french = client.get("/flux/initiatives.atom", {"updated_since": "x"})
    assert french.status_code == 400
    assert f"Recherche invalide{NBSP}: updated_since{NBSP}:" in french.content.decode()
    english = client.get("/en/flux/initiatives.atom", {"updated_since": "x"})
    assert english.status_code == 400
    assert ": updated_since: " in english.content.decode()


def test_the_french_admin_says_accueil(client, db):
    client.force_login(factories.user(superuser=True))
    for url in ("/admin/initiatives/theme/", "/admin/initiatives/initiative/import/"):
        html = client.get(url).content.decode()
        assert ">Accueil</a>" in html, url
        assert ">Home</a>" not in html, url


# String literals of the scripts (comments skipped); ${…} expressions are code, not text.
_CODE = r"\$\{(?:[^{}`]|`[^`]*`)*\}"  # ${…} of a template literal, with a nested one
_JS_TOKENS = re.compile(
    rf"//[^\n]*|/\*.*?\*/|\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'"
    rf"|`(?:[^`\\$]|\\.|\$(?!\{{)|{_CODE})*`",
    re.S,
)
_FRENCH_WORD = re.compile(r"[éèàùçêâîôû]|\b(?:les?|la|des|une?|du|de|votre|ici|pour)\b")


def _js_strings(source: str) -> list[str]:
    strings = []
    for token in _JS_TOKENS.findall(source):
        if token.startswith("/"):
            continue
        body = re.sub(_CODE, "x", token[1:-1])  # a value goes there
        strings.append(re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m[1], 16)), body))
    return strings


def test_scripts_have_no_badly_typeset_strings():
    scripts = sorted((Path(settings.BASE_DIR) / "static").glob("*/js/*.js"))
    scripts += sorted((Path(settings.BASE_DIR) / "static").glob("*/*.js"))
    assert len(scripts) >= 5
    faults = []
    for path in scripts:
        for text in _js_strings(path.read_text(encoding="utf-8")):
            french = bool(_FRENCH_WORD.search(text))
            rules = _FRENCH_FAULTS if french else _ENGLISH_FAULTS
            faults += [(path.name, fault, text) for fault, p in rules.items() if p.search(text)]
    assert faults == []


def test_the_script_scan_reads_literals_not_code():
    source = 'const a = x ? "Erreur : ici" : `Place: ${y ? `a` : "b"} ok`; // l\'ESS : note'
    assert _js_strings(source) == ["Erreur : ici", "Place: x ok"]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_form_errors_are_typeset(client, pages, language):
    """Error titles and the error lists ('Field : message') in each language."""
    prefix = "/en" if language == "en" else ""
    responses = [
        client.post(prefix + "/proposer/", {"name": ""}),
        client.post(prefix + "/alertes/", {"email": "not-an-address"}),
        client.get(prefix + "/", {"radius": "-5", "lat": "x"}),
    ]
    for response in responses:
        html = response.content.decode()
        assert 'href="#id_' in html  # the list of errors is there
        faults = typography_faults(html, language)
        assert faults == [], (language, response.request["PATH_INFO"], faults)
