"""Descriptions of the open data: the Table Schema of the CSV and the DCAT catalogue entry."""

from django.urls import reverse

from initiatives.models import REGISTER_CHOICES, Initiative

LICENCE_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
LICENCE_NAME = "Licence Ouverte / Open Licence version 2.0"
SIRET, RNA = r"^[0-9]{14}$", r"^W[0-9A-Z][0-9]{8}$"
INSEE, SIREN, POSTCODE = r"^([0-9]{2}|2A|2B)[0-9]{3}$", r"^[0-9]{9}$", r"^[0-9]{5}$"
SIREN_LIST = r"^[0-9]{9}( \| [0-9]{9})*$"
THEME_LIST = r"^[a-z0-9-]+( \| [a-z0-9-]+)*$"


def _field(name, type_, description, *, fmt=None, **constraints) -> dict:
    field = {"name": name, "type": type_, "description": description}
    if fmt:
        field["format"] = fmt
    if constraints:
        field["constraints"] = constraints
    return field


def table_schema() -> dict:
    """Table Schema (frictionless) of `initiatives.csv`, the machine CSV (comma, UTF-8)."""
    fields = [
        _field("slug", "string", "Identifiant stable de l'initiative.", required=True, unique=True,
               pattern=r"^[-a-zA-Z0-9_]+$"),
        _field("nom", "string", "Nom de l'initiative.", required=True, maxLength=200),
        _field("resume", "string", "Résumé en une phrase.", maxLength=300),
        _field("type", "string", "Structure, projet ou service.", required=True,
               enum=list(Initiative.Kind.values)),
        _field("forme_juridique", "string", "Forme juridique.", required=True,
               enum=list(Initiative.LegalForm.values)),
        _field("themes", "string", "Thèmes (slugs) séparés par « | ».", pattern=THEME_LIST),
        _field("commune_insee", "string", "Code INSEE de la commune.", pattern=INSEE),
        _field("commune", "string", "Nom de la commune."),
        _field("code_postal", "string", "Code postal.", pattern=POSTCODE),
        _field("interco_siren", "string", "SIREN de l'intercommunalité de la commune.",
               pattern=SIREN),
        _field("interco", "string", "Nom de l'intercommunalité de la commune."),
        _field("adresse", "string", "Adresse postale."),
        _field("latitude", "number", "Latitude WGS 84 (vide : pas de point).",
               minimum=-90, maximum=90),
        _field("longitude", "number", "Longitude WGS 84 (vide : pas de point).",
               minimum=-180, maximum=180),
        _field("site_web", "string", "Site web.", fmt="uri"),
        _field("courriel", "string", "Courriel de contact.", fmt="email"),
        _field("telephone", "string", "Téléphone."),
        _field("horaires", "string", "Horaires, syntaxe opening_hours d'OpenStreetMap."),
        _field("siret", "string", "Numéro SIRET.", pattern=SIRET),
        _field("rna", "string", "Numéro RNA (associations).", pattern=RNA),
        _field("annee_creation", "integer", "Année de création.", minimum=1800, maximum=2100),
        _field("salaries", "integer", "Nombre de salarié·es.", minimum=0),
        _field("verifiee_le", "date", "Date de la dernière vérification (vide : jamais)."),
        _field("mise_a_jour", "datetime", "Dernière modification de la fiche (ISO 8601).",
               required=True),
        _field("url", "string", "Page de l'initiative sur essmap.", fmt="uri", required=True),
        _field("origine", "string", "Saisie par l'intercommunalité ou registre national.",
               required=True, enum=list(Initiative.Origin.values)),
        _field("registre", "string", "Registre national d'origine (vide : aucun).",
               enum=["", *(code for code, _label in REGISTER_CHOICES)]),
        _field("registre_id", "string", "Identifiant dans ce registre (SIRET, FINESS…)."),
        _field("finess", "string", "Numéro FINESS de l'établissement.", pattern=r"^[0-9AB]{9}$"),
        _field("registre_date", "date", "Date du fichier du registre."),
        _field("registre_vu_le", "date", "Dernière date où la fiche figurait au registre."),
        _field("couverture_siren", "string",
               "SIREN des intercommunalités desservies, séparés par « | ».", pattern=SIREN_LIST),
    ]  # fmt: skip
    return {
        "$schema": "https://specs.frictionlessdata.io/schemas/table-schema.json",
        "name": "essmap-initiatives",
        "title": "Initiatives de l'économie sociale et solidaire (essmap)",
        "description": "Fichier complet des initiatives publiées, une ligne par initiative.",
        "licenses": [{"name": "etalab-2.0", "title": LICENCE_NAME, "path": LICENCE_URL}],
        "fields": fields,
        "primaryKey": ["slug"],
        "missingValues": [""],
    }


IANA_MEDIA_TYPES = "http://www.iana.org/assignments/media-types/"
EU_LANGUAGE = "http://publications.europa.eu/resource/authority/language/"
EU_FREQUENCY = "http://publications.europa.eu/resource/authority/frequency/"
# INSEE's Code Officiel Géographique IRIs by code, as data.gouv.fr's geographic zones give them.
INSEE_DEPARTEMENT = "http://id.insee.fr/geo/departement/"
DEPARTEMENTS = (("26", "Drôme"), ("07", "Ardèche"))
DATAINCLUSION_SCHEMA = "https://github.com/gip-inclusion/data-inclusion-schema"
GEOJSON_RFC = "https://www.rfc-editor.org/rfc/rfc7946"
CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "spdx": "http://spdx.org/rdf/terms#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


def _datetime(value: str) -> dict:
    return {"@value": value, "@type": "xsd:dateTime"}


def _standard(iri: str, title: str) -> dict:
    return {"@id": iri, "@type": "dct:Standard", "dct:title": title}


def _conforms_to(name: str, base_url: str) -> dict | None:
    """The specification a file follows, when there is one (none for chiffres-cles.csv)."""
    if name in ("initiatives.csv", "initiatives-tableur.csv"):
        # Both CSVs have the same columns (the Table Schema); only the dialect differs.
        url = base_url + reverse("opendata:table_schema")
        return _standard(url, "Table Schema de initiatives.csv")
    if name.startswith("data-inclusion-"):
        return _standard(DATAINCLUSION_SCHEMA, "Schéma data·inclusion v1")
    if name.endswith(".geojson"):
        return _standard(GEOJSON_RFC, "GeoJSON (RFC 7946)")
    return None


def _licence() -> dict:
    return {"@id": LICENCE_URL, "@type": "dct:LicenseDocument", "dct:title": LICENCE_NAME}


def _file_distribution(name: str, entry: dict, *, base_url: str, manifest: dict) -> dict:
    url = base_url + reverse("opendata:file", args=[name])
    generated = manifest["generated_at"]
    distribution = {
        # The distribution is not the file itself: its own IRI, on the dataset's page.
        "@id": f"{base_url}{reverse('opendata:page')}#distribution-{name}",
        "@type": "dcat:Distribution",
        "dct:title": entry["title"],
        "dcat:downloadURL": {"@id": url},
        "dcat:accessURL": {"@id": url},
        "dcat:mediaType": {"@id": IANA_MEDIA_TYPES + entry["media_type"]},
        "dcat:byteSize": {"@value": str(entry["size"]), "@type": "xsd:nonNegativeInteger"},
        "spdx:checksum": {
            "@type": "spdx:Checksum",
            "spdx:algorithm": {"@id": "spdx:checksumAlgorithm_sha256"},
            "spdx:checksumValue": {"@value": entry["sha256"], "@type": "xsd:hexBinary"},
        },
        "dct:license": _licence(),
        # Manifests written before these dates existed: the files date from their generation.
        "dct:issued": _datetime(entry.get("issued") or generated),
        "dct:modified": _datetime(entry.get("modified") or generated),
    }
    conforms = _conforms_to(name, base_url)
    if conforms:
        distribution["dct:conformsTo"] = conforms
    return distribution


def dcat_catalogue(*, base_url: str, manifest: dict | None) -> dict:
    """A DCAT catalogue (JSON-LD) holding the dataset and its files, ready for a data portal.

    Media types, language, licence and places are IRIs (IANA, EU vocabularies, INSEE), the
    way DCAT-AP and the national portal harvest them. `dct:issued` / `dct:modified` come from
    the files' manifest (files.opendata_build): the dataset's are the first publication and
    the files' latest change; before the first build there are no files and no dates.
    """
    page = base_url + reverse("opendata:page")
    distributions = [
        _file_distribution(name, entry, base_url=base_url, manifest=manifest)
        for name, entry in ((manifest or {}).get("files") or {}).items()
    ]
    file_dates = [d["dct:modified"]["@value"] for d in distributions]
    issued = (manifest or {}).get("issued_at") or (manifest or {}).get("generated_at")
    modified = max(file_dates) if file_dates else None
    api = {
        "@id": f"{page}#distribution-api",
        "@type": "dcat:Distribution",
        "dct:title": "API JSON, GeoJSON et CSV (documentation OpenAPI)",
        "dcat:accessURL": {"@id": base_url + "/api/v1/docs/"},
        "dcat:mediaType": {"@id": IANA_MEDIA_TYPES + "application/json"},
        "dct:license": _licence(),
        "dct:conformsTo": _standard(base_url + "/api/v1/schema/", "Schéma OpenAPI 3 de l'API"),
        "dcat:accessService": {
            "@type": "dcat:DataService",
            "dct:title": "API essmap",
            "dcat:endpointURL": {"@id": base_url + "/api/v1/"},
            "dcat:endpointDescription": {"@id": base_url + "/api/v1/schema/"},
        },
    }
    if issued and modified:
        # The API serves the same data, live: dated like the dataset.
        api["dct:issued"], api["dct:modified"] = _datetime(issued), _datetime(modified)
    distributions.append(api)
    publisher = {"@id": base_url + "/", "@type": "foaf:Organization", "foaf:name": "essmap"}
    dataset = {
        "@id": page,
        "@type": "dcat:Dataset",
        "dct:title": "Initiatives de l'économie sociale et solidaire en Drôme et Ardèche",
        "dct:description": (
            "Annuaire des initiatives de l'ESS (associations, coopératives, mutuelles, "
            "fondations, entreprises solidaires), leurs thèmes, leur territoire et les chiffres "
            "clés sourcés des territoires. Chaque fiche garde sa source."
        ),
        "dct:license": _licence(),
        "dct:publisher": publisher,
        "dct:spatial": [
            {"@id": INSEE_DEPARTEMENT + code, "@type": "dct:Location", "skos:prefLabel": name}
            for code, name in DEPARTEMENTS
        ],
        "dcat:keyword": ["économie sociale et solidaire", "ESS", "intercommunalité", "annuaire"],
        "dcat:landingPage": {"@id": page},
        "dct:language": {"@id": EU_LANGUAGE + "FRA"},
        "dct:accrualPeriodicity": {"@id": EU_FREQUENCY + "CONT"},
        "dcat:distribution": distributions,
    }
    if issued and modified:
        dataset["dct:issued"], dataset["dct:modified"] = _datetime(issued), _datetime(modified)
    return {
        "@context": CONTEXT,
        "@id": base_url + reverse("opendata:catalogue"),
        "@type": "dcat:Catalog",
        "dct:title": "Données ouvertes d'essmap",
        "dct:description": "Catalogue des données ouvertes de l'annuaire essmap.",
        "dct:publisher": publisher,
        "dct:language": {"@id": EU_LANGUAGE + "FRA"},
        "dct:license": _licence(),
        "foaf:homepage": {"@id": page},
        "dcat:dataset": [dataset],
    }
