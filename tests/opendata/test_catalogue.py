"""The DCAT catalogue (/donnees/catalogue.jsonld) read as RDF, the way a portal harvests it."""

import io

import pytest
from django.core.management import call_command
from rdflib import RDF, Graph, Literal, Namespace, URIRef

from initiatives.opendata import files
from tests import factories

pytestmark = pytest.mark.django_db

IANA = "http://www.iana.org/assignments/media-types/"
FRA = URIRef("http://publications.europa.eu/resource/authority/language/FRA")
LICENCE = URIRef("https://www.etalab.gouv.fr/licence-ouverte-open-licence/")
DATAINCLUSION = URIRef("https://github.com/gip-inclusion/data-inclusion-schema")
# Open namespaces (rdflib's closed ones warn when pytest's plugins probe module attributes).
DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
BASE = "https://essmap.example.org"  # settings.SITE_URL (tests/opendata/conftest.py)


def _build():
    call_command("export_opendata", force=True, stdout=io.StringIO())
    return files.read_manifest()


def _graph(client) -> Graph:
    response = client.get("/donnees/catalogue.jsonld")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/ld+json")
    return Graph().parse(data=response.content.decode(), format="json-ld")


def _one(graph: Graph, subject, predicate):
    values = list(graph.objects(subject, predicate))
    assert len(values) == 1, (subject, predicate, values)
    return values[0]


def _distributions(graph: Graph) -> dict[str, URIRef]:
    """Each distribution by its download URL (the API by its access URL)."""
    found = {}
    for dist in graph.subjects(RDF.type, DCAT.Distribution):
        url = graph.value(dist, DCAT.downloadURL) or graph.value(dist, DCAT.accessURL)
        found[str(url)] = dist
    return found


@pytest.fixture
def built(db):
    factories.initiative(name="Cataloguée")
    return _build()


def test_the_catalogue_parses_as_json_ld_with_a_catalog_and_a_dataset(client, built):
    graph = _graph(client)
    [catalog] = graph.subjects(RDF.type, DCAT.Catalog)
    [dataset] = graph.subjects(RDF.type, DCAT.Dataset)
    assert _one(graph, catalog, DCAT.dataset) == dataset
    assert str(dataset) == BASE + "/donnees/"
    for prop in (DCTERMS.title, DCTERMS.description):
        assert isinstance(_one(graph, dataset, prop), Literal)
    publisher = _one(graph, dataset, DCTERMS.publisher)
    assert (publisher, RDF.type, FOAF.Organization) in graph
    assert str(_one(graph, publisher, FOAF.name)) == "essmap"
    assert _one(graph, dataset, DCTERMS.license) == LICENCE
    assert _one(graph, dataset, DCTERMS.language) == FRA
    assert _one(graph, catalog, DCTERMS.language) == FRA
    spatial = set(graph.objects(dataset, DCTERMS.spatial))
    assert spatial == {
        URIRef("http://id.insee.fr/geo/departement/26"),
        URIRef("http://id.insee.fr/geo/departement/07"),
    }
    periodicity = _one(graph, dataset, DCTERMS.accrualPeriodicity)
    assert isinstance(periodicity, URIRef)


def test_every_file_is_a_distribution_with_what_a_portal_harvests(client, built):
    graph = _graph(client)
    [dataset] = graph.subjects(RDF.type, DCAT.Dataset)
    dists = _distributions(graph)
    assert set(graph.objects(dataset, DCAT.distribution)) == set(dists.values())
    for name, entry in built["files"].items():
        url = f"{BASE}/donnees/fichiers/{name}"
        dist = dists[url]
        assert _one(graph, dist, DCAT.downloadURL) == URIRef(url)
        assert _one(graph, dist, DCAT.accessURL) == URIRef(url)
        media_type = _one(graph, dist, DCAT.mediaType)
        assert media_type == URIRef(IANA + entry["media_type"]), name
        assert str(dist) == f"{BASE}/donnees/#distribution-{name}"
        assert isinstance(_one(graph, dist, DCTERMS.title), Literal)
        assert _one(graph, dist, DCTERMS.license) == LICENCE
        assert int(_one(graph, dist, DCAT.byteSize)) == entry["size"]
        checksum = _one(graph, dist, SPDX.checksum)
        assert str(_one(graph, checksum, SPDX.checksumValue)) == entry["sha256"]
    assert dists[f"{BASE}/donnees/fichiers/initiatives.csv"] is not None
    csv_media = _one(graph, dists[f"{BASE}/donnees/fichiers/initiatives.csv"], DCAT.mediaType)
    assert csv_media == URIRef("http://www.iana.org/assignments/media-types/text/csv")


def test_dates_are_typed_on_the_dataset_and_every_distribution(client, built):
    graph = _graph(client)
    [dataset] = graph.subjects(RDF.type, DCAT.Dataset)
    for subject in [dataset, *_distributions(graph).values()]:
        for prop in (DCTERMS.issued, DCTERMS.modified):
            value = _one(graph, subject, prop)
            assert isinstance(value, Literal) and value.datatype == XSD.dateTime, (subject, prop)
            assert value.toPython().year >= 2000


def test_conforms_to_the_schemas_of_the_files(client, built):
    graph = _graph(client)
    dists = _distributions(graph)
    table_schema = URIRef(f"{BASE}/donnees/schema/initiatives.json")
    for name in ("initiatives.csv", "initiatives-tableur.csv"):
        assert _one(graph, dists[f"{BASE}/donnees/fichiers/{name}"], DCTERMS.conformsTo) == (
            table_schema
        )
    for name in ("data-inclusion-structures.json", "data-inclusion-services.json"):
        dist = dists[f"{BASE}/donnees/fichiers/{name}"]
        assert _one(graph, dist, DCTERMS.conformsTo) == DATAINCLUSION
    geojson = dists[f"{BASE}/donnees/fichiers/initiatives.geojson"]
    assert _one(graph, geojson, DCTERMS.conformsTo) == URIRef(
        "https://www.rfc-editor.org/rfc/rfc7946"
    )
    # The key figures have no published schema: no claim of one.
    figures = dists[f"{BASE}/donnees/fichiers/chiffres-cles.csv"]
    assert list(graph.objects(figures, DCTERMS.conformsTo)) == []


def test_the_api_is_a_distribution_with_its_data_service(client, built):
    graph = _graph(client)
    api = _distributions(graph)[f"{BASE}/api/v1/docs/"]
    service = _one(graph, api, DCAT.accessService)
    assert (service, RDF.type, DCAT.DataService) in graph
    assert _one(graph, service, DCAT.endpointURL) == URIRef(f"{BASE}/api/v1/")
    assert _one(graph, api, DCAT.mediaType) == URIRef(IANA + "application/json")


def test_a_rebuild_keeps_the_issue_date_and_moves_modified_only_on_change(client, built):
    first = built["files"]["initiatives.csv"]
    again = _build()["files"]["initiatives.csv"]
    assert (again["issued"], again["modified"]) == (first["issued"], first["modified"])
    factories.initiative(name="Nouvelle fiche")
    changed = _build()
    csv = changed["files"]["initiatives.csv"]
    assert csv["issued"] == first["issued"] and csv["modified"] > first["modified"]
    assert changed["issued_at"] == built["issued_at"]
    graph = _graph(client)
    [dataset] = graph.subjects(RDF.type, DCAT.Dataset)
    assert str(_one(graph, dataset, DCTERMS.modified)) == max(
        f["modified"] for f in changed["files"].values()
    )
    assert str(_one(graph, dataset, DCTERMS.issued)) == built["issued_at"]


def test_before_the_first_build_no_file_and_no_date_is_claimed(client, db):
    graph = _graph(client)
    [dataset] = graph.subjects(RDF.type, DCAT.Dataset)
    assert list(graph.objects(dataset, DCTERMS.modified)) == []
    assert set(_distributions(graph)) == {f"{BASE}/api/v1/docs/"}
