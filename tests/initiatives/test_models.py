import pytest
from django.core.exceptions import ValidationError

from initiatives.models import Initiative, KeyFigure, Partnership, Theme
from tests import factories
from tests.helpers import assert_db_refuses

pytestmark = pytest.mark.django_db


def _raw(**kw):
    kw.setdefault("name", "X")
    kw.setdefault("slug", kw["name"].lower().replace(" ", "-"))
    return Initiative.objects.create(**kw)


def test_slug_is_unique():
    _raw(name="A", slug="same")
    assert_db_refuses(lambda: _raw(name="B", slug="same"))


def test_same_name_in_same_commune_is_refused_case_insensitively():
    c = factories.commune()
    _raw(name="Ressourcerie", slug="r1", commune=c)
    assert_db_refuses(lambda: _raw(name="RESSOURCERIE", slug="r2", commune=c))
    _raw(name="Ressourcerie", slug="r3", commune=factories.commune())


@pytest.mark.parametrize("siret", ["1234567890123", "1234567890123X", "123456789012345"])
def test_siret_format_constraint(siret):
    assert_db_refuses(lambda: _raw(siret=siret))


@pytest.mark.parametrize("rna", ["W07300123", "X073001234", "w073001234"])
def test_rna_format_constraint(rna):
    assert_db_refuses(lambda: _raw(rna=rna))


@pytest.mark.parametrize(
    ("lat", "lon"), [(90.5, 4.8), (-90.5, 4.8), (44.9, 180.5), (44.9, -180.5), (44.9, None)]
)
def test_point_must_be_in_range_and_complete(lat, lon):
    assert_db_refuses(lambda: _raw(latitude=lat, longitude=lon))


def test_founded_year_range():
    assert_db_refuses(lambda: _raw(founded_year=1200))


def test_theme_colour_and_slug():
    Theme.objects.create(slug="energie", name="Énergie", colour="#b34000")
    assert_db_refuses(lambda: Theme.objects.create(slug="energie", name="Autre"))
    assert_db_refuses(lambda: Theme.objects.create(slug="x", name="X", colour="red"))


def test_partnership_has_exactly_one_partner():
    a, b = factories.initiative(name="A"), factories.initiative(name="B")
    ic = factories.interco()
    assert_db_refuses(lambda: Partnership.objects.create(initiative=a, kind="funding"))
    assert_db_refuses(
        lambda: Partnership.objects.create(
            initiative=a, partner_initiative=b, partner_interco=ic, kind="funding"
        )
    )
    assert_db_refuses(
        lambda: Partnership.objects.create(initiative=a, partner_initiative=a, kind="network")
    )
    assert_db_refuses(
        lambda: Partnership.objects.create(
            initiative=a, partner_interco=ic, kind="funding", start_year=2020, end_year=2019
        )
    )
    assert (
        Partnership.objects.create(initiative=a, partner_initiative=b, kind="funding").partner == b
    )


def test_key_figure_has_at_most_one_scope():
    src = factories.source()
    ic, i = factories.interco(), factories.initiative()
    assert_db_refuses(
        lambda: KeyFigure.objects.create(label="x", value=1, source=src, interco=ic, initiative=i)
    )
    territory = KeyFigure.objects.create(label="x", value=1, source=src)
    assert territory.scope is None
    assert KeyFigure.objects.create(label="y", value=1, source=src, interco=ic).scope == ic


def test_service_validates_siret_check_digit_and_formats():
    with pytest.raises(ValidationError) as exc:
        factories.initiative(
            name="Bad", siret="12345678901234", phone="123", opening_hours="whenever"
        )
    assert {"siret", "phone", "opening_hours"} <= set(exc.value.message_dict)
    ok = factories.initiative(
        name="Good",
        siret="73282932000074",
        rna="W073001234",
        phone="04 75 00 00 00",
        opening_hours="Mo-Fr 09:00-12:00,14:00-18:00; Sa 09:00-12:00",
    )
    assert ok.pk and ok.search_name == "good"


def test_service_keeps_search_keys_and_unique_slugs():
    a = factories.initiative(name="Énergie Solidaire", summary="Précarité")
    b = factories.initiative(name="Énergie Solidaire", commune=factories.commune())
    assert a.slug == "energie-solidaire" and b.slug == "energie-solidaire-2"
    assert a.search_text == "energie solidaire precarite"


def test_create_survives_a_concurrent_insert_of_the_same_slug(monkeypatch):
    from initiatives import services

    taken = factories.initiative(name="Ressourcerie")
    original_clean = Initiative.full_clean

    def race(calls=[]):  # noqa: B006 - counts calls across one scenario
        """The first validation runs before the other insert lands, so it misses the slug."""
        calls.clear()

        def full_clean(self, *args, **kwargs):
            calls.append(1)
            if len(calls) == 1:
                kwargs["exclude"] = ["slug"]
            return original_clean(self, *args, **kwargs)

        monkeypatch.setattr(Initiative, "full_clean", full_clean)

    race()
    with pytest.raises(ValidationError) as exc:  # a slug the caller chose: a clear error
        factories.initiative(name="Ressourcerie bis", slug=taken.slug)
    assert "slug" in exc.value.message_dict
    race()
    slugs = iter([taken.slug, "ressourcerie-2"])
    monkeypatch.setattr(services, "unique_slug", lambda name, **kw: next(slugs))
    created = factories.initiative(name="Ressourcerie", commune=factories.commune())
    assert created.slug == "ressourcerie-2"
    assert Initiative.objects.filter(name="Ressourcerie").count() == 2
