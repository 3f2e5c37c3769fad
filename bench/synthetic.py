"""Synthetic initiatives for benchmarks only (`manage.py generate_synthetic`).

Deterministic for a given seed. Points follow the density of real French towns: a weighted
sample around a built-in list of real town centres (population-weighted, with jitter), plus a
rural spread. Each town becomes one synthetic interco and a few synthetic communes whose names
start with SYNTH_PREFIX and whose codes have a real format but a range no real commune uses
(INSEE `<dép>950`–`<dép>999`, SIREN `9999xxxxx`). Initiatives carry `is_synthetic=True`.
Synthetic rows never enter fixtures.
"""

import itertools
import math
import random
from bisect import bisect
from dataclasses import dataclass, field

from django.utils.text import slugify

from essmap.geo import KM_PER_DEGREE_LAT as KM_PER_DEG
from essmap.geo import BBox
from initiatives.models import Initiative
from initiatives.services import refresh_search_keys

from .synthetic_places import Town, towns

SYNTH_PREFIX = "Synth "
SIREN_PREFIX = "9999"
FIRST_COMMUNE_SUFFIX = 950  # real INSEE codes stop below <dép>950 in every département
# Metropolitan France (synthetic points are clamped into it).
FRANCE_BBOX = BBox(west=-5.1, south=41.35, east=9.55, north=51.08)


@dataclass
class SynthCommune:
    insee: str
    name: str
    postcode: str
    dep: str
    lat: float
    lon: float
    population: int
    siren: str  # its interco


@dataclass
class SynthInterco:
    siren: str
    name: str
    kind: str
    town: Town
    population: int
    communes: list[SynthCommune] = field(default_factory=list)


def _interco_name(town: Town) -> tuple[str, str]:
    if town.population >= 400_000:
        return "METRO", f"{SYNTH_PREFIX}Métropole de {town.name}"
    if town.population >= 200_000:
        return "CU", f"{SYNTH_PREFIX}Communauté urbaine de {town.name}"
    if town.population >= 40_000:
        return "CA", f"{SYNTH_PREFIX}Agglomération de {town.name}"
    return "CC", f"{SYNTH_PREFIX}CC du Pays de {town.name}"


def ring(lat: float, lon: float, radius_km: float, points: int, salt: int) -> dict:
    """A GeoJSON polygon around a point, irregular like a simplified commune outline.

    Real simplified contours have ~50 points for a commune and ~200 for an interco (about 1 and
    4 kB of GeoJSON, in ../shared/data/territoires); so do these, so that pages
    and exports that carry contours cost what they would with real data.
    """
    coords = []
    for k in range(points):
        angle = 2 * math.pi * k / points
        r = radius_km * (1 + 0.18 * math.sin(3 * angle + salt) + 0.07 * math.sin(11 * angle + salt))
        coords.append(
            [
                round(lon + r * math.cos(angle) / (KM_PER_DEG * math.cos(math.radians(lat))), 5),
                round(lat + r * math.sin(angle) / KM_PER_DEG, 5),
            ]
        )
    coords.append(coords[0])
    return {"type": "Polygon", "coordinates": [coords]}


def plan_territories() -> list[SynthInterco]:
    """One interco per town and 1 to 12 communes around its centre (fixed, seed-independent)."""
    next_suffix: dict[str, int] = {}
    intercos = []
    for n, town in enumerate(towns(), start=1):
        kind, name = _interco_name(town)
        ic = SynthInterco(f"{SIREN_PREFIX}{n:05d}", name, kind, town, int(town.population * 1.5))
        satellites = min(11, int(math.sqrt(town.population / 6000)))
        ring_km = 2 + 5 * math.sqrt(town.population / 100_000)
        for k in range(satellites + 1):
            suffix = next_suffix.get(town.dep, FIRST_COMMUNE_SUFFIX)
            if suffix > 999:
                break
            next_suffix[town.dep] = suffix + 1
            angle = 2 * math.pi * k / max(satellites, 1)
            dist = 0 if k == 0 else ring_km * (0.6 + 0.4 * (k % 2))
            lat = town.lat + dist * math.sin(angle) / KM_PER_DEG
            lon = town.lon + dist * math.cos(angle) / (KM_PER_DEG * math.cos(math.radians(lat)))
            dep_digits = "20" if town.dep in ("2A", "2B") else town.dep
            ic.communes.append(
                SynthCommune(
                    insee=f"{town.dep}{suffix}",
                    name=f"{SYNTH_PREFIX}{town.name}" + (f" {k + 1}" if k else ""),
                    postcode=f"{dep_digits}{k * 10:03d}",
                    dep=town.dep,
                    lat=round(lat, 5),
                    lon=round(lon, 5),
                    population=town.population if k == 0 else town.population // (4 + k),
                    siren=ic.siren,
                )
            )
        intercos.append(ic)
    return intercos


# --- Vocabulary: lists ordered by frequency, drawn with Zipf weights (1/rank) ----------------
DEFAULT_THEMES = [
    ("alimentation", "Alimentation", "Food", "#2e7d32"),
    ("reemploi", "Réemploi et économie circulaire", "Reuse and circular economy", "#6d4c41"),
    ("energie", "Énergie", "Energy", "#f9a825"),
    ("mobilite", "Mobilité", "Mobility", "#1565c0"),
    ("habitat", "Habitat", "Housing", "#8e24aa"),
    ("insertion", "Insertion par l'activité économique", "Work integration", "#c62828"),
    ("culture", "Culture et loisirs", "Culture and leisure", "#ad1457"),
    ("finance", "Finance solidaire", "Solidarity finance", "#00838f"),
    ("sante-social", "Santé et action sociale", "Health and social care", "#d84315"),
    ("education", "Éducation et jeunesse", "Education and youth", "#283593"),
    ("numerique", "Numérique", "Digital", "#37474f"),
    ("tiers-lieux", "Tiers-lieux", "Third places", "#558b2f"),
]
KINDS_BY_THEME = {
    "alimentation": "Épicerie solidaire|AMAP|Jardin partagé|Cuisine collective|Ferme collective|"
    "Boulangerie coopérative|Marché paysan|Groupement d'achat|Restaurant associatif",
    "reemploi": "Ressourcerie|Recyclerie|Repair café|Boutique solidaire|Atelier de couture|"
    "Matériauthèque|Donnerie",
    "energie": "Centrale villageoise|Coopérative citoyenne d'énergie|Collectif solaire|"
    "Société citoyenne de production d'énergie",
    "mobilite": "Atelier vélo|Garage solidaire|Autopartage|Vélo-école|Transport solidaire",
    "habitat": "Habitat participatif|Foncière solidaire|Auto-réhabilitation accompagnée|"
    "Résidence intergénérationnelle",
    "insertion": "Chantier d'insertion|Entreprise d'insertion|Régie de quartier|"
    "Association intermédiaire|Atelier et chantier d'insertion",
    "culture": "Café associatif|Compagnie|Salle de concert associative|Cinéma associatif|"
    "Librairie coopérative|Festival",
    "finance": "Club d'investisseurs solidaires|Monnaie locale|Caisse solidaire|Cigales",
    "sante-social": "Centre de santé|Crèche parentale|Maison des aînés|Épicerie sociale|"
    "Accueil de jour|Aide à domicile",
    "education": "École associative|Accueil de loisirs|Ludothèque|Maison des jeunes|"
    "Éducation populaire",
    "numerique": "Fab lab|Espace public numérique|Coopérative numérique|Atelier numérique",
    "tiers-lieux": "Tiers-lieu|Espace de coworking|Friche culturelle|Maison des associations",
}
GENERIC_KINDS = "Association|Coopérative|Collectif|Réseau|Maison"
FANCY = (
    "La Fourmilière|Le Grain de sel|La Clé des champs|Les Colibris|La Ruche|L'Escale|"
    "Le Chaudron|La Fabrique|Les Jardins du cœur|L'Arbre à palabres|La Passerelle|Le Relais|"
    "La Bricole|L'Atelier|Les Petits Pois|La Marmite|Le Local|La Courte Échelle|Le Trait d'union|"
    "Les Liens|La Boussole|Le Maillon|La Graine|Terre et Partage|L'Étincelle|Le Bocal|"
    "La Cabane|Le Fil rouge|Les Mains vertes|La Source|L'Envol|Le Phare|La Bourrache|"
    "Le Potager|Le Quai|La Caravane|Les Ateliers partagés|Le Troc|L'Épi|Le Moulin"
).split("|")
PUBLICS = (
    "les habitantes et habitants|les familles|les jeunes|les personnes âgées|"
    "les demandeurs d'emploi|les agriculteurs|les associations|les étudiants|"
    "les personnes en situation de handicap|les commerçants|les enfants|les bénévoles"
).split("|")
VERBS = (
    "accompagne|réunit|propose à|forme|soutient|accueille|aide|mobilise|conseille|informe"
).split("|")
ACTIVITIES = (
    "des ateliers|des permanences|des formations|des chantiers|des rencontres|des animations|"
    "des paniers de légumes|des repas partagés|des prêts d'outils|des visites|des conférences|"
    "des stages|des sorties|des cafés-débats|des réparations"
).split("|")
GOALS = (
    "l'emploi local|le lien social|la transition écologique|l'alimentation durable|"
    "la réduction des déchets|l'accès aux droits|la sobriété énergétique|la mobilité douce|"
    "la vie du quartier|l'économie locale|la solidarité entre générations|l'éducation populaire|"
    "le logement digne|les circuits courts|la culture pour toutes et tous"
).split("|")
WHEN = (
    "toute l'année|chaque semaine|le mercredi après-midi|le samedi matin|du lundi au vendredi|"
    "pendant les vacances scolaires|un week-end par mois|sur rendez-vous"
).split("|")
PARTNERS = (
    "la commune|l'intercommunalité|le département|la région|les associations voisines|"
    "les producteurs locaux|les entreprises du territoire|les écoles|le centre social|"
    "la mission locale"
).split("|")
STREETS = (
    "rue de la République|avenue Jean Jaurès|place du Marché|rue Victor Hugo|"
    "boulevard Gambetta|chemin des Vignes|rue du Moulin|impasse des Lilas|rue de la Gare|"
    "avenue de la Libération|rue Pasteur|place de l'Église|route de la Forêt|rue des Écoles"
).split("|")
SENTENCES = [
    "{name} {verb} {public} autour de {goal}.",
    "Créée en {year}, l'association organise {activity} {when}.",
    "Nous proposons {activity} et {activity2} pour {public}.",
    "Le projet est né de la volonté de {public} de s'engager pour {goal}.",
    "Elle travaille avec {partner} et {partner2}.",
    "Les activités ont lieu {when}, dans nos locaux ou hors les murs.",
    "L'équipe compte {employees} et une trentaine de bénévoles.",
    "Adhésion à prix libre, ouverte à toutes et à tous.",
    "Un lieu convivial où se retrouver, apprendre et partager.",
    "Notre objectif : favoriser {goal} et {goal2} sur le territoire.",
]
LEGAL_FORMS = [
    ("association", 68), ("scop", 6), ("scic", 4), ("cooperative", 5), ("mutuelle", 2),
    ("fondation", 2), ("esus", 7), ("public_interco", 1), ("other", 5),
]  # fmt: skip
STATUSES = [("published", 93), ("pending", 3), ("draft", 2), ("archived", 2)]


def _cum(weights) -> list[float]:
    return list(itertools.accumulate(weights))


class _Zipf:
    """Draws from a list with weights 1/rank, like word frequencies in real text."""

    def __init__(self, items):
        self.items = list(items)
        self.cum = _cum(1 / (r + 1) for r in range(len(self.items)))

    def __call__(self, rng: random.Random):
        return self.items[bisect(self.cum, rng.random() * self.cum[-1])]


_PHONE_ZONES = {
    1: "75 77 78 91 92 93 94 95",
    2: "14 18 22 27 28 29 35 36 37 41 44 45 49 50 53 56 61 72 76 85",
    3: "02 08 10 21 25 39 51 52 54 55 57 58 59 60 62 67 68 70 71 80 88 89 90",
    4: "01 03 04 05 06 07 11 13 15 2A 2B 26 30 34 38 42 43 48 63 66 69 73 74 83 84",
}
PHONE_ZONE = {dep: zone for zone, deps in _PHONE_ZONES.items() for dep in deps.split()}  # else 5
_CONTRACTIONS = (
    (" de le ", " du "),
    (" de les ", " des "),
    (" à le ", " au "),
    (" à les ", " aux "),
)


def french(text: str) -> str:
    """Contract articles after templating: 'autour de les jeunes' -> 'autour des jeunes'."""
    for old, new in _CONTRACTIONS:
        text = text.replace(old, new)
    return text


def _luhn_complete(digits: str) -> str:
    for check in "0123456789":
        candidate = digits + check
        total = 0
        for i, ch in enumerate(reversed(candidate)):
            d = int(ch) * (2 if i % 2 else 1)
            total += d - 9 if d > 9 else d
        if total % 10 == 0:
            return candidate
    raise AssertionError("unreachable")


class InitiativeFactory:
    """Builds unsaved synthetic initiatives, deterministic for a seed."""

    def __init__(self, *, seed: int, intercos: list[SynthInterco], communes: dict, themes: list):
        self.rng = random.Random(seed)
        self.intercos = [ic for ic in intercos if ic.communes]
        self.communes = communes  # insee -> Commune (saved)
        self.themes = themes  # Theme objects
        self.urban_cum = _cum(ic.town.population**0.85 for ic in self.intercos)
        self.pick = {name: _Zipf(v) for name, v in self._vocab().items()}
        self.kinds = {
            t.pk: _Zipf(KINDS_BY_THEME.get(t.slug, GENERIC_KINDS).split("|")) for t in themes
        }
        self.theme_pick = _Zipf(themes)
        self.seen: set[tuple[str, str]] = set()
        self.n = 0

    @staticmethod
    def _vocab():
        return {
            "fancy": FANCY, "public": PUBLICS, "verb": VERBS, "activity": ACTIVITIES,
            "goal": GOALS, "when": WHEN, "partner": PARTNERS, "street": STREETS,
            "sentence": SENTENCES,
        }  # fmt: skip

    def _point(self, ic: SynthInterco, rural: bool) -> tuple[float, float]:
        town = ic.town
        sigma = 12.0 if rural else 1.5 + 4 * math.sqrt(town.population / 100_000)
        rng = self.rng
        lat = town.lat + rng.gauss(0, sigma) / KM_PER_DEG
        lon = town.lon + rng.gauss(0, sigma) / (KM_PER_DEG * math.cos(math.radians(town.lat)))
        lat, lon = FRANCE_BBOX.clamp(lat, lon)
        return round(lat, 6), round(lon, 6)

    def _name(self, theme, town: str) -> str:
        rng, kind = self.rng, self.kinds[theme.pk](self.rng)
        r = rng.random()
        if r < 0.35:
            return f"{kind} de {town}"
        if r < 0.7:
            return f"{kind} {self.pick['fancy'](rng)}"
        if r < 0.85:
            return self.pick["fancy"](rng)
        return f"{kind} {self.pick['fancy'](rng)} de {town}"

    def _description(self, name: str, employees: int) -> str:
        rng, p = self.rng, self.pick
        parts = []
        for _ in range(rng.randint(2, 6)):
            parts.append(
                p["sentence"](rng).format(
                    name=name,
                    verb=p["verb"](rng),
                    public=p["public"](rng),
                    goal=p["goal"](rng),
                    goal2=p["goal"](rng),
                    activity=p["activity"](rng),
                    activity2=p["activity"](rng),
                    when=p["when"](rng),
                    partner=p["partner"](rng),
                    partner2=p["partner"](rng),
                    year=rng.randint(1975, 2024),
                    employees=f"{employees} salariés" if employees > 1 else "une salariée",
                )  # fmt: skip
            )
        return french(" ".join(parts))

    def build(self) -> tuple[Initiative, list[int], str | None]:
        """An unsaved initiative, its theme ids and the SIREN of the interco it covers (or None)."""
        rng = self.rng
        self.n += 1
        rural = rng.random() < 0.25
        if rural:
            ic = self.intercos[rng.randrange(len(self.intercos))]
        else:
            ic = self.intercos[bisect(self.urban_cum, rng.random() * self.urban_cum[-1])]
        lat, lon = self._point(ic, rural)
        sc = min(ic.communes, key=lambda c: (c.lat - lat) ** 2 + (c.lon - lon) ** 2)
        town = sc.name.removeprefix(SYNTH_PREFIX)
        themes = [self.theme_pick(rng) for _ in range(rng.choice((1, 1, 1, 2, 2, 3)))]
        theme_ids = sorted({t.pk for t in themes})
        name = self._name(themes[0], town)
        key, k = (name.lower(), sc.insee), 2
        while key in self.seen:
            key, k = (f"{name} {k}".lower(), sc.insee), k + 1
        self.seen.add(key)
        name = name if k == 2 else f"{name} {k - 1}"
        legal_form = rng.choices(*zip(*LEGAL_FORMS, strict=True))[0]
        employees = int(rng.paretovariate(1.3)) - 1
        slug_base = slugify(name)[:190] or "initiative"
        dep = sc.dep
        phone_zone = PHONE_ZONE.get(dep, 5)
        obj = Initiative(
            name=name,
            slug=f"{slug_base}-s{self.n}",
            summary=french(
                f"{self.pick['verb'](rng).capitalize()} {self.pick['public'](rng)} "
                f"autour de {self.pick['goal'](rng)}."
            ),
            description=self._description(name, employees),
            kind=rng.choices(("structure", "project", "service"), (85, 10, 5))[0],
            legal_form=legal_form,
            siret=(
                _luhn_complete(f"{rng.randrange(10**12, 10**13):013d}")
                if legal_form != "association" or rng.random() < 0.4
                else ""
            ),
            rna=f"W{dep[-1]}{rng.randrange(10**8):08d}" if legal_form == "association" else "",
            address=f"{rng.randint(1, 120)} {self.pick['street'](rng)}",
            postcode=sc.postcode,
            commune=self.communes[sc.insee],
            latitude=lat,
            longitude=lon,
            website=f"https://{slug_base[:50]}.example.org/" if rng.random() < 0.6 else "",
            email=f"contact@{slug_base[:40]}.example.org" if rng.random() < 0.7 else "",
            phone=f"0{phone_zone} {rng.randint(10, 99)} {rng.randint(10, 99)} "
            f"{rng.randint(10, 99)} {rng.randint(10, 99)}",
            opening_hours=rng.choice(
                ("", "", "Mo-Fr 09:00-12:00,14:00-18:00", "We,Sa 10:00-18:00")
            ),
            founded_year=rng.randint(1950, 2025),
            employees=employees,
            status=rng.choices(*zip(*STATUSES, strict=True))[0],
            is_synthetic=True,
        )
        refresh_search_keys(obj)
        return obj, theme_ids, (ic.siren if rng.random() < 0.3 else None)
