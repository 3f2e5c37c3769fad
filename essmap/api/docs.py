"""Descriptions of the API's fields and parameters: the published contract (docs/api.md).

Field names are stable; a change is recorded in CHANGELOG.md.
"""

FIELDS = {
    # initiatives
    "slug": "Stable, readable identifier of the initiative (used in addresses).",
    "name": "Name of the initiative.",
    "summary": "One-sentence summary (300 characters at most).",
    "description": "Long description (plain text).",
    "kind": "Kind: `structure` (an ESS organisation), `project`, `service`.",
    "legal_form": "Legal form (association, scop, scic, cooperative, mutuelle, fondation, "
    "esus, public_interco, other).",
    "themes": "Themes of the initiative, in display order.",
    "commune": "Commune (municipality) where the initiative is located, or `null`.",
    "interco": "Intercommunalité of the commune, or `null`.",
    "coverage": "Intercommunalités the initiative serves.",
    "address": "Postal address (without the commune).",
    "postcode": "Postcode of the address.",
    "latitude": "WGS 84 latitude in decimal degrees, or `null` when the initiative has no point.",
    "longitude": "WGS 84 longitude in decimal degrees, or `null`.",
    "distance_km": "Distance in kilometres to the requested `lat`/`lon` point; `null` without one.",
    "approximate_point": "`true` when the point is the centre of the commune (an approximate "
    "position, not an address).",
    "match": "With a “near” search: `point` (its point is within the radius) or `territory` "
    "(it serves the place's intercommunalité or one within the radius); else `null`.",
    "reason": "With a “near” search: why it is listed, in plain French (« à 3,2 km », « couvre "
    "votre intercommunalité (…) »); else `null`.",
    "website": "Website.",
    "email": "Public contact e-mail.",
    "phone": "Public contact phone number.",
    "opening_hours": "Opening hours, OpenStreetMap `opening_hours` syntax.",
    "siret": "SIRET (14 digits) of the organisation, or an empty string.",
    "rna": "RNA number of an association (W + 9 characters), or an empty string.",
    "founded_year": "Year the organisation was founded.",
    "employees": "Number of employees (salarié·es).",
    "verified_at": "Date the information was last checked.",
    "verified_by": "Who checked the information.",
    "carried_by": "Organisation that runs (porte) this project or service, if published.",
    "carried_by_interco": "Intercommunalité that runs (porte) this project or service.",
    "source": "Main source of the information.",
    "article_note": "What the source says where it differs from the official reference.",
    "partnerships": "Partners of the initiative (intercos or other published initiatives).",
    "partner_of": "Partnerships in which this initiative is the partner of another one.",
    "figures": "Sourced key figures about the initiative.",
    "created_at": "Date the record was created (ISO 8601).",
    "updated_at": "Date the record was last changed (ISO 8601).",
    "url": "Address of the record on the public site.",
    "api_url": "Address of the record in the API.",
    "origin": "Who recorded it: `interco` (the intercommunalité's staff) or `register` (imported "
    "from a national register, see `register_source`).",
    "register_source": "National register it was imported from: `sirene`, `finess-esat`, "
    "`siae`, `data-inclusion`, or an empty string.",
    "register_id": "Identifier of the record in that register (SIRET, FINESS number, "
    "data·inclusion id), or an empty string.",
    "finess": "FINESS number of the establishment (9 characters), or an empty string.",
    "register_date": "Date of the register's file the record was imported from, or `null`.",
    "register_seen_at": "Date the record was last seen in its register, or `null`.",
    "status": "Publication status: `draft`, `pending`, `published`, `archived`. Only "
    "`published` initiatives are public. Editors move records from `draft` to `pending`; "
    "publishing and archiving are for the territory's moderators, as in the admin.",
    "rejection_reason": "Reason for a refusal, required to refuse a pending suggestion "
    "(`pending` to `archived`); sent to the person who suggested it.",
    # themes
    "theme_slug": "Identifier of the theme, for the `theme` filter.",
    "theme_name": "Name of the theme in French.",
    "name_en": "Name of the theme in English (empty when not translated).",
    "label": "Name of the theme in the request's language (`Accept-Language`).",
    "icon": "Name of the theme's icon.",
    "colour": "Colour of the theme (#rrggbb).",
    "position": "Display order.",
    "initiative_count": "Number of published initiatives.",
    # territories
    "insee": "Official geographic code (INSEE) of the commune.",
    "commune_name": "Name of the commune.",
    "postcodes": "Postcodes of the commune.",
    "departement": "Code of the département (`26`, `07`…).",
    "population": "Municipal population (total population for an interco).",
    "centre_lat": "Latitude of the centre (WGS 84).",
    "centre_lon": "Longitude of the centre (WGS 84).",
    "siren": "SIREN of the intercommunalité (9 digits).",
    "interco_name": "Official name of the intercommunalité.",
    "interco_slug": "Readable identifier of the intercommunalité (site addresses).",
    "interco_kind": "Legal kind: CC, CA, CU or METRO.",
    "departements": "Codes of the départements it covers.",
    "seat": "INSEE code of the seat commune.",
    "communes": "Member communes.",
    "contour": "GeoJSON outline (Polygon or MultiPolygon, [lon, lat] coordinates).",
    "interco_figures": "Sourced key figures about the intercommunalité.",
    # sources and figures
    "source_id": "Identifier of the source.",
    "title": "Title of the source.",
    "publisher": "Publisher or author.",
    "date": "Publication date.",
    "year": "Year of the data.",
    "source_url": "Web address of the source.",
    "cited_in": "Identifier of the source that quotes this one, or `null`.",
    "note": "Free note.",
    "figure_id": "Identifier of the key figure.",
    "figure_label": "Label of the figure (French).",
    "value": "Numeric value.",
    "qualifier": "Qualifier: empty (exact), `more_than` (« plus de »), `about` (« environ »).",
    "unit": "Unit (€, emplois, foyers, %…), in French.",
    "period": "Period covered (free text, e.g. « 2022-2023 »).",
    "label_en": "Label of the figure in English (empty when not translated).",
    "unit_en": "Unit in English (empty when not translated or when the unit is a symbol).",
    "period_en": "Period covered, in English (empty when not translated).",
    "measure": "What the number measures: `count` (a count or an amount), `share` (a part of "
    "a whole) or `change` (a change, shown with its sign). Charts compare like with like.",
    "scope": "What the figure is about: `initiative`, `interco`, `departement` or `territory` "
    "(the whole area covered).",
    "figure_initiative": "Initiative concerned (scope `initiative`), else `null`.",
    "figure_interco": "Intercommunalité concerned (scope `interco`), else `null`.",
    "figure_departement": "Département concerned (scope `departement`), else `null`.",
    # partnerships
    "partnership_id": "Identifier of the partnership.",
    "partnership_kind": "Kind: funding, pooling, logistics, support, procurement, network.",
    "partnership_role": "`partner` (works with the initiative) or `supporter` (supports it, "
    "« soutenue par », without running it; running it is `carried_by`).",
    "partnership_initiative": "Initiative that declares the partnership.",
    "partner_type": "`interco` or `initiative`: which of the two partner fields is filled.",
    "partner_interco": "Partner intercommunalité, or `null`.",
    "partner_initiative": "Partner initiative (published), or `null`.",
    "start_year": "Start year.",
    "end_year": "End year (`null` while ongoing).",
    "partnership_description": "Description of the partnership.",
}


def doc(name: str) -> dict:
    return {"help_text": FIELDS[name]}


def described(*names: str, **renamed: str) -> dict:
    """extra_kwargs for a ModelSerializer: {field: {"help_text": ...}}."""
    extra = {name: doc(name) for name in names}
    extra.update({field: doc(key) for field, key in renamed.items()})
    return extra
