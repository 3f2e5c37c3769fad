"""The one typography helper: numbers, units, signs and punctuation, in French and English."""

import pytest
from django.template import Context, Template
from django.utils import translation

from essmap.typography import (
    MINUS,
    NBSP,
    NNBSP,
    apostrophes,
    format_number,
    format_quantity,
    typeset,
)


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
