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


def dcat_catalogue(*, base_url: str, manifest: dict | None) -> dict:
    """A DCAT dataset (JSON-LD) describing the files, ready to register on a data portal."""
    files = (manifest or {}).get("files", {})
    page = base_url + reverse("opendata:page")
    distributions = []
    for name, entry in files.items():
        url = base_url + reverse("opendata:file", args=[name])
        distribution = {
            "@type": "dcat:Distribution",
            "dct:title": entry["title"],
            "dcat:downloadURL": {"@id": url},
            "dcat:accessURL": {"@id": url},
            "dcat:mediaType": entry["media_type"],
            "dcat:byteSize": entry["size"],
            "spdx:checksum": {
                "@type": "spdx:Checksum",
                "spdx:algorithm": "spdx:checksumAlgorithm_sha256",
                "spdx:checksumValue": entry["sha256"],
            },
            "dct:license": {"@id": LICENCE_URL},
        }
        if name == "initiatives.csv":
            distribution["dct:conformsTo"] = {"@id": base_url + reverse("opendata:table_schema")}
        distributions.append(distribution)
    distributions.append(
        {
            "@type": "dcat:Distribution",
            "dct:title": "API JSON, GeoJSON et CSV (documentation OpenAPI)",
            "dcat:accessURL": {"@id": base_url + "/api/v1/docs/"},
            "dcat:accessService": {
                "@type": "dcat:DataService",
                "dcat:endpointURL": {"@id": base_url + "/api/v1/"},
                "dcat:endpointDescription": {"@id": base_url + "/api/v1/schema/"},
            },
        }
    )
    dataset = {
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
            "spdx": "http://spdx.org/rdf/terms#",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
        },
        "@id": page,
        "@type": "dcat:Dataset",
        "dct:title": "Initiatives de l'économie sociale et solidaire en Drôme et Ardèche",
        "dct:description": (
            "Annuaire des initiatives de l'ESS (associations, coopératives, mutuelles, "
            "fondations, entreprises solidaires), leurs thèmes, leur territoire et les chiffres "
            "clés sourcés des territoires. Chaque fiche garde sa source."
        ),
        "dct:license": {"@id": LICENCE_URL},
        "dct:publisher": {"@type": "foaf:Organization", "foaf:name": "essmap"},
        "dct:spatial": "Drôme (26) et Ardèche (07), France",
        "dcat:keyword": ["économie sociale et solidaire", "ESS", "intercommunalité", "annuaire"],
        "dcat:landingPage": {"@id": page},
        "dct:language": "fr",
        "dct:accrualPeriodicity": {"@id": "http://purl.org/cld/freq/continuous"},
        "dcat:distribution": distributions,
    }
    if manifest:
        dataset["dct:modified"] = {"@value": manifest["generated_at"], "@type": "xsd:dateTime"}
    return dataset
