"""English descriptions of the data·inclusion v1 fields (the package documents them in French).

Field names and values stay as the schema defines them (French); only the prose is ours.
"""

_COMMON = {
    "source": "Identifier of the original producer of the data.",
    "date_maj": "Date of the last change of the record at the data producer.",
    "telephone_format": "A single phone number, preferably in E.164 format.",
    "horaires_format": (
        "In [OpenStreetMap opening_hours](https://wiki.openstreetmap.org/wiki/Key:opening_hours)"
        " format."
    ),
}

SERVICE = {
    "source": _COMMON["source"],
    "structure_id": "Unique identifier of the structure the service belongs to.",
    "id": "Unique identifier of the service: the producer's identifier combined with the "
    "service's own identifier (given by the producer).",
    "nom": "Name of the service, 3 to 150 characters, ideally not ending with a full stop.",
    "description": "Description of the service (ideally 200 to 2,000 characters, short "
    "sentences, plain language).",
    "lien_source": "Link to the service on the producer's website.",
    "date_maj": _COMMON["date_maj"],
    "type": "Kind of service.",
    "thematiques": "Topics the service addresses.",
    "frais": "Whether access to the service is free or paid; any fees are detailed in "
    "`frais_precisions`.",
    "frais_precisions": "Details of any fees to access the service.",
    "publics": "Audiences the service is for. A person is eligible if they belong to at least "
    "one of them; a service open to everyone has only `tous-publics`. Details go in "
    "`publics_precisions`.",
    "publics_precisions": "Details about the audiences of the service.",
    "conditions_acces": "Conditions of access (prerequisites, documents to show).",
    "telephone": "Phone number for more information about the service (and to use it when "
    "`modes_mobilisation` contains `telephoner`). " + _COMMON["telephone_format"],
    "courriel": "E-mail address for more information about the service (and to use it when "
    "`modes_mobilisation` contains `envoyer-un-email`), in RFC 5322 format.",
    "zone_eligibilite": "Area where the service is available: codes of the INSEE Official "
    "Geographic Code (commune, département, EPCI or country). essmap gives the SIREN of the "
    "intercommunalities served (the département's code when all of its intercommunalities "
    "are); absent when the initiative covers no intercommunality.",
    "lien_mobilisation": "Link to request or use the service.",
    "modes_mobilisation": "Ways to request or use the service.",
    "mobilisable_par": "Who may request the service: users, professionals or both.",
    "mobilisation_precisions": "Details about the ways to request the service.",
    "volume_horaire_hebdomadaire": "Hours of service per week; empty when not relevant or unknown.",
    "nombre_semaines": "Number of weeks the service lasts (at least 1); empty when not "
    "relevant or unknown.",
    "horaires_accueil": "Opening hours of the service (the structure's apply when empty). "
    + _COMMON["horaires_format"],
}

STRUCTURE = {
    "source": _COMMON["source"],
    "id": "Unique identifier of the structure: the producer's identifier combined with the "
    "structure's own identifier (given by the producer).",
    "nom": "Name of the structure, 3 to 150 characters, not ending with a full stop.",
    "date_maj": _COMMON["date_maj"],
    "description": "Description of the structure.",
    "lien_source": "Link to the structure on the producer's website.",
    "siret": "A SIRET number of the structure (the establishment's own, else its head office's).",
    "telephone": "Phone number for more information about the structure. "
    + _COMMON["telephone_format"],
    "courriel": "E-mail address for more information about the structure, in RFC 5322 format.",
    "horaires_accueil": "Opening hours of the structure (a service may have its own). "
    + _COMMON["horaires_format"],
    "accessibilite_lieu": "Link to the structure's page on Acceslibre, which rates its "
    "accessibility.",
    "reseaux_porteurs": "Networks, organisations or administrations behind the structure.",
}
