"""French elision and contraction of generated phrases (essmap.typography.elide)."""

import pytest

from essmap.typography import elide, elide_in

CASES = [
    ("de", "Annonay", "d’Annonay"),
    ("de", "Valence", "de Valence"),
    ("de", "Étoile-sur-Rhône", "d’Étoile-sur-Rhône"),
    ("de", "Eyrieux", "d’Eyrieux"),
    ("de", "Issoire", "d’Issoire"),
    ("de", "Aubenas", "d’Aubenas"),
    ("de", "Œuilly", "d’Œuilly"),
    ("de", "Yssingeaux", "d’Yssingeaux"),
    ("de", "Yenne", "de Yenne"),
    ("de", "Hauterives", "de Hauterives"),
    ("de", "Hyères", "d’Hyères"),
    ("la", "Ardèche", "l’Ardèche"),
    ("la", "Drôme", "la Drôme"),
    ("le", "Hérault", "l’Hérault"),
    ("de", "Le Teil", "du Teil"),
    ("à", "Le Pouzin", "au Pouzin"),
    ("de", "Les Vans", "des Vans"),
    ("à", "Les Vans", "aux Vans"),
    ("de", "La Voulte-sur-Rhône", "de La Voulte-sur-Rhône"),
    ("de", "L'Île-d'Abeau", "de L'Île-d'Abeau"),
    ("de", "Lens-Lestang", "de Lens-Lestang"),
    ("à", "Annonay", "à Annonay"),
    ("Près de", "Annonay", "Près d’Annonay"),
    ("De", "Le Cheylard", "Du Cheylard"),
    ("de", "", "de"),
]


@pytest.mark.parametrize(("word", "name", "expected"), CASES)
def test_elide_joins_words_as_french_writes_them(word, name, expected):
    if word == "Près de":
        assert "Près " + elide("de", name) == expected
    else:
        assert elide(word, name) == expected


PHRASES = [
    ("Près de Annonay (20 km)", "Annonay", "Près d’Annonay (20 km)"),
    ("Les plus proches de Le Teil, au-delà", "Le Teil", "Les plus proches du Teil, au-delà"),
    ("Carte de Les Vans", "Les Vans", "Carte des Vans"),
    ("De Étoile-sur-Rhône à Valence", "Étoile-sur-Rhône", "D’Étoile-sur-Rhône à Valence"),
    ("Near Annonay (20 km)", "Annonay", "Near Annonay (20 km)"),
    ("Près de Valence (20 km)", "Valence", "Près de Valence (20 km)"),
    ("Code de Annonay2", "Annonay", "Code de Annonay2"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "name", "expected"), PHRASES)
def test_elide_in_joins_the_words_before_a_name_in_a_phrase(text, name, expected):
    assert elide_in(text, name) == expected


def test_templates_elide_a_phrase_built_by_blocktranslate():
    from django.template import engines

    template = engines["django"].from_string(
        "{% load i18n essmap_tags %}"
        "{% blocktranslate asvar label with name=name %}Carte de {{ name }}{% endblocktranslate %}"
        "{{ label|elided:name }}"
    )
    assert template.render({"name": "Arche Agglo"}) == "Carte d’Arche Agglo"
    assert template.render({"name": "Les Vans <b>"}) == "Carte des Vans &lt;b&gt;"
    assert template.render({"name": "Valence Romans Agglo"}) == "Carte de Valence Romans Agglo"
