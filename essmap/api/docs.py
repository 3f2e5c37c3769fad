"""Descriptions of the API's fields and parameters: the published contract (docs/api.md).

Field names are stable; a change is recorded in CHANGELOG.md.
"""

FIELDS = {
    # initiatives
    "slug": "Identifiant stable et lisible de l'initiative (utilisé dans les adresses).",
    "name": "Nom de l'initiative.",
    "summary": "Résumé en une phrase (300 caractères au plus).",
    "description": "Description longue (texte brut).",
    "kind": "Type : `structure` (structure de l'ESS), `project` (projet), `service`.",
    "legal_form": "Forme juridique (association, scop, scic, cooperative, mutuelle, "
    "fondation, esus, public_interco, other).",
    "themes": "Thèmes de l'initiative, dans l'ordre d'affichage.",
    "commune": "Commune où l'initiative est située, ou `null`.",
    "interco": "Intercommunalité de la commune, ou `null`.",
    "coverage": "Intercommunalités couvertes par l'action de l'initiative.",
    "address": "Adresse postale (sans la commune).",
    "postcode": "Code postal de l'adresse.",
    "latitude": "Latitude WGS 84 en degrés décimaux, ou `null` si l'initiative n'est pas placée.",
    "longitude": "Longitude WGS 84 en degrés décimaux, ou `null`.",
    "distance_km": "Distance en kilomètres au point `lat`/`lon` demandé ; `null` sans point.",
    "approximate_point": "`true` quand le point est le centre de la commune (position "
    "approximative, pas une adresse).",
    "match": "Avec une recherche « près de » : `point` (son point est dans le rayon) ou "
    "`territory` (elle couvre l'intercommunalité du lieu ou une intercommunalité dans le "
    "rayon) ; sinon `null`.",
    "reason": "Avec une recherche « près de » : pourquoi elle est là, en clair (« à 3,2 km », "
    "« couvre votre intercommunalité (…) ») ; sinon `null`.",
    "website": "Site web.",
    "email": "Courriel de contact public.",
    "phone": "Téléphone de contact public.",
    "opening_hours": "Horaires d'ouverture, syntaxe `opening_hours` d'OpenStreetMap.",
    "siret": "SIRET (14 chiffres) de la structure, ou chaîne vide.",
    "rna": "Numéro RNA d'association (W + 9 caractères), ou chaîne vide.",
    "founded_year": "Année de création.",
    "employees": "Nombre de salarié·es.",
    "verified_at": "Date de la dernière vérification des informations.",
    "verified_by": "Qui a vérifié les informations.",
    "carried_by": "Structure qui porte ce projet ou ce service, si elle est publiée.",
    "carried_by_interco": "Intercommunalité qui porte ce projet ou ce service.",
    "source": "Source principale des informations.",
    "article_note": "Ce que dit la source quand elle diffère du référentiel officiel.",
    "partnerships": "Partenaires de l'initiative (intercos ou autres initiatives publiées).",
    "partner_of": "Partenariats où cette initiative est le partenaire d'une autre.",
    "figures": "Chiffres clés sourcés sur l'initiative.",
    "created_at": "Date de création de la fiche (ISO 8601).",
    "updated_at": "Date de dernière modification de la fiche (ISO 8601).",
    "url": "Adresse de la fiche sur le site public.",
    "api_url": "Adresse de la fiche dans l'API.",
    "status": "Statut de publication : `draft`, `pending`, `published`, `archived`. "
    "Seules les initiatives `published` sont publiques. Les éditeur·rices passent de "
    "`draft` à `pending` ; publier ou archiver est réservé aux modérateur·rices du "
    "territoire, comme dans l'administration.",
    "rejection_reason": "Motif du refus, exigé pour refuser une proposition en attente "
    "(passage de `pending` à `archived`) ; envoyé à la personne qui l'a proposée.",
    # themes
    "theme_slug": "Identifiant du thème, à passer au filtre `theme`.",
    "theme_name": "Nom du thème en français.",
    "name_en": "Nom du thème en anglais (vide si non traduit).",
    "label": "Nom du thème dans la langue de la requête (`Accept-Language`).",
    "icon": "Nom de l'icône du thème.",
    "colour": "Couleur du thème (#rrggbb).",
    "position": "Ordre d'affichage.",
    "initiative_count": "Nombre d'initiatives publiées.",
    # territories
    "insee": "Code officiel géographique (INSEE) de la commune.",
    "commune_name": "Nom de la commune.",
    "postcodes": "Codes postaux de la commune.",
    "departement": "Code du département (`26`, `07`…).",
    "population": "Population municipale (ou totale pour une interco).",
    "centre_lat": "Latitude du centre (WGS 84).",
    "centre_lon": "Longitude du centre (WGS 84).",
    "siren": "SIREN de l'intercommunalité (9 chiffres).",
    "interco_name": "Nom officiel de l'intercommunalité.",
    "interco_slug": "Identifiant lisible de l'intercommunalité (adresses du site).",
    "interco_kind": "Nature juridique : CC, CA, CU ou METRO.",
    "departements": "Codes des départements touchés.",
    "seat": "Code INSEE de la commune siège.",
    "communes": "Communes membres.",
    "contour": "Contour GeoJSON (Polygon ou MultiPolygon, coordonnées [lon, lat]).",
    "interco_figures": "Chiffres clés sourcés sur l'intercommunalité.",
    # sources and figures
    "source_id": "Identifiant de la source.",
    "title": "Titre de la source.",
    "publisher": "Éditeur ou auteur.",
    "date": "Date de publication.",
    "year": "Année des données.",
    "source_url": "Adresse web de la source.",
    "cited_in": "Identifiant de la source qui cite celle-ci, ou `null`.",
    "note": "Note libre.",
    "figure_id": "Identifiant du chiffre clé.",
    "figure_label": "Intitulé du chiffre.",
    "value": "Valeur numérique.",
    "qualifier": "Précision : vide (exactement), `more_than` (plus de), `about` (environ).",
    "unit": "Unité (€, emplois, foyers, %…).",
    "period": "Période couverte (texte libre, par exemple « 2022-2023 »).",
    "scope": "Ce sur quoi porte le chiffre : `initiative`, `interco`, `departement` "
    "ou `territory` (tout le territoire couvert).",
    "figure_initiative": "Initiative concernée (portée `initiative`), sinon `null`.",
    "figure_interco": "Intercommunalité concernée (portée `interco`), sinon `null`.",
    "figure_departement": "Département concerné (portée `departement`), sinon `null`.",
    # partnerships
    "partnership_id": "Identifiant du partenariat.",
    "partnership_kind": "Nature : funding, pooling, logistics, support, procurement, network.",
    "partnership_initiative": "Initiative qui déclare le partenariat.",
    "partner_type": "`interco` ou `initiative` : lequel des deux champs partenaires est rempli.",
    "partner_interco": "Intercommunalité partenaire, ou `null`.",
    "partner_initiative": "Initiative partenaire (publiée), ou `null`.",
    "start_year": "Année de début.",
    "end_year": "Année de fin (`null` si en cours).",
    "partnership_description": "Description du partenariat.",
}


def doc(name: str) -> dict:
    return {"help_text": FIELDS[name]}


def described(*names: str, **renamed: str) -> dict:
    """extra_kwargs for a ModelSerializer: {field: {"help_text": ...}}."""
    extra = {name: doc(name) for name in names}
    extra.update({field: doc(key) for field, key in renamed.items()})
    return extra
