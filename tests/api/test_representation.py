"""One representation: the API, the CSV, the GeoJSON, the map and the JSON-LD of one initiative
agree on every field they share (initiatives/representation.py), and addresses come from
get_absolute_url."""

import csv
import io
import json
import re
from datetime import datetime

import pytest
from django.urls import reverse, set_script_prefix

from initiatives.models import Initiative

from .test_formats import body_of

pytestmark = pytest.mark.django_db

SLUG = "energie-solidaire"


@pytest.fixture
def outputs(api, client, world):
    Initiative.objects.filter(slug=SLUG).update(
        website="https://energie-solidaire.example.org/",
        email="contact@energie-solidaire.example.org",
        phone="04 75 00 00 00",
        siret="21070102600019",
        address="1 place de la Mairie",
        founded_year=2019,
        employees=3,
    )
    api_item = api.get(f"/api/v1/initiatives/{SLUG}/").json()
    csv_text = body_of(api.get("/api/v1/initiatives/", {"format": "csv"})).decode("utf-8-sig")
    csv_rows = {r["slug"]: r for r in csv.DictReader(io.StringIO(csv_text), delimiter=";")}
    geojson = json.loads(body_of(api.get("/api/v1/initiatives/", {"format": "geojson"})))
    feature = next(f for f in geojson["features"] if f["id"] == SLUG)
    page = client.get(f"/initiatives/{SLUG}/").content.decode()
    ld = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)
    )
    markers = api.get("/api/v1/map/", {"bbox": "4.8,44.9,4.95,45.0", "zoom": 14}).json()
    marker = next(f for f in markers["features"] if f["properties"]["name"] == api_item["name"])
    return api_item, csv_rows[SLUG], feature, ld, marker


def test_every_format_agrees_on_the_shared_fields(outputs):
    api_item, row, feature, ld, marker = outputs
    props = feature["properties"]
    page_url = "http://testserver" + Initiative.objects.get(slug=SLUG).get_absolute_url()

    assert api_item["name"] == row["nom"] == props["name"] == ld["name"]
    assert marker["properties"]["name"] == api_item["name"]
    assert api_item["url"] == row["url"] == props["url"] == ld["url"] == page_url
    assert "http://testserver" + marker["properties"]["url"] == page_url
    assert api_item["summary"] == row["resume"] == props["summary"] == ld["description"]
    assert api_item["kind"] == row["type"] == props["kind"]
    assert api_item["legal_form"] == row["forme_juridique"] == props["legal_form"]
    themes = [t["slug"] for t in api_item["themes"]]
    assert themes == row["themes"].split(" | ") == props["themes"] == ["energie", "insertion"]
    assert (
        api_item["commune"]["name"]
        == row["commune"]
        == props["commune"]
        == ld["address"]["addressLocality"]
        == marker["properties"]["commune"]
    )
    assert api_item["commune"]["insee"] == row["commune_insee"] == props["commune_insee"]
    assert api_item["interco"]["siren"] == row["interco_siren"] == props["interco_siren"]
    assert api_item["interco"]["name"] == row["interco"] == props["interco"]
    # The recorded postcode is empty: the API and GeoJSON say so, the CSV and JSON-LD give
    # the commune's (the same rule, representation.postal_code).
    assert api_item["postcode"] == props["postcode"] == ""
    assert row["code_postal"] == ld["address"]["postalCode"] == api_item["commune"]["postcodes"][0]
    assert api_item["address"] == row["adresse"] == props["address"]
    assert ld["address"]["streetAddress"] == api_item["address"]
    point = [api_item["longitude"], api_item["latitude"]]
    assert feature["geometry"]["coordinates"] == point == marker["geometry"]["coordinates"]
    assert [float(row["longitude"]), float(row["latitude"])] == point
    assert [ld["geo"]["longitude"], ld["geo"]["latitude"]] == point
    assert api_item["website"] == row["site_web"] == props["website"] == ld["sameAs"][0]
    assert api_item["email"] == row["courriel"] == props["email"] == ld["email"]
    assert api_item["phone"] == row["telephone"] == props["phone"] == ld["telephone"]
    assert api_item["siret"] == row["siret"] == ld["taxID"]
    assert str(api_item["founded_year"]) == row["annee_creation"] == ld["foundingDate"]
    assert str(api_item["employees"]) == row["salaries"]
    assert ld["numberOfEmployees"]["value"] == api_item["employees"]
    updated = {datetime.fromisoformat(v) for v in (api_item["updated_at"], row["mise_a_jour"])}
    assert updated == {datetime.fromisoformat(props["updated_at"])}


def test_absolute_urls_come_from_the_url_conf(world):
    es = world.es
    assert es.get_absolute_url() == reverse("initiatives:detail", kwargs={"slug": es.slug})
    assert Initiative.path_for("x-y") == "/initiatives/x-y/"
    crussol = world.crussol
    assert crussol.get_absolute_url() == reverse("intercos:detail", kwargs={"slug": crussol.slug})


def test_addresses_follow_the_script_prefix(world):
    set_script_prefix("/annuaire/")
    try:
        assert world.es.get_absolute_url() == "/annuaire/initiatives/energie-solidaire/"
        assert world.crussol.get_absolute_url() == "/annuaire/intercos/cc-rhone-crussol/"
    finally:
        set_script_prefix("/")
    assert world.es.get_absolute_url() == "/initiatives/energie-solidaire/"
