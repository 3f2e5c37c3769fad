"""The directory: initiatives, themes, partnerships, key figures and their sources."""

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from essmap.paths import slug_path
from intercos.models import Commune, Departement, Interco

from .managers import InitiativeQuerySet
from .validators import (
    validate_opening_hours,
    validate_phone,
    validate_rna,
    validate_siret,
)

SIRET_RE = r"^[0-9]{14}$"
# The national registers an initiative may come from (initiatives.registers.sources).
REGISTER_CHOICES = [
    ("sirene", _("répertoire SIRENE (INSEE)")),
    ("finess-esat", _("liste des ESAT (FINESS)")),
    ("siae", _("liste des SIAE (ASP)")),
    ("data-inclusion", _("data·inclusion")),
]
RNA_RE = r"^W[0-9A-Z][0-9]{8}$"
COLOUR_RE = r"^#[0-9a-fA-F]{6}$"


def in_language(french: str, english: str) -> str:
    """The English text on English pages when there is one, else the French text."""
    return english if english and translation.get_language() == "en" else french


class Source(models.Model):
    """Where a fact comes from. `cited_in` links a figure's source to the text that quotes it."""

    title = models.CharField(_("titre"), max_length=300)
    publisher = models.CharField(_("éditeur"), max_length=200, blank=True)
    date = models.DateField(_("date"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("année des données"), null=True, blank=True)
    url = models.URLField(_("adresse web"), blank=True)
    cited_in = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="citations",
        verbose_name=_("cité dans"),
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    @property
    def citation(self) -> str:
        """One clean source line: 'INSEE, 2023, cité dans « La force des alliances locales »'.

        The publisher and the year are added only when the title does not already name them
        ("CRESS AURA, données 2023" is not followed by "CRESS Auvergne-Rhône-Alpes, 2023").
        """
        line, short = self.citation_parts
        if short:
            line += ", " + str(_("cité dans « %(title)s »") % {"title": short})
        return line

    @property
    def citation_parts(self) -> tuple[str, str]:
        """(title, publisher and year; short title of the citing text or ''): the citation's
        French texts, without the translated 'cité dans' (pages mark them lang="fr")."""
        parts = [self.title]
        title = self.title.lower()
        words = [w.strip("()").lower() for w in self.publisher.split() if len(w.strip("()")) > 3]
        if self.publisher and not any(word in title for word in words):
            parts.append(self.publisher)
        if self.year and str(self.year) not in self.title:
            parts.append(str(self.year))
        short = self.cited_in.title.split(" : ")[0] if self.cited_in_id else ""
        return ", ".join(parts), short


class Theme(models.Model):
    slug = models.SlugField(_("slug"), max_length=50, unique=True)
    name = models.CharField(_("nom"), max_length=100)
    name_en = models.CharField(_("nom (anglais)"), max_length=100, blank=True)
    icon = models.CharField(_("icône"), max_length=50, blank=True)
    colour = models.CharField(_("couleur"), max_length=7, default="#000091")
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("thème")
        verbose_name_plural = _("thèmes")
        ordering = ["position", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(colour__regex=COLOUR_RE), name="theme_colour_hex"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return in_language(self.name, self.name_en)


# `verified_by` of a record its own managers confirmed (see initiatives/claims).
STRUCTURE_VERIFIER = "la structure"


class Initiative(models.Model):
    class Kind(models.TextChoices):
        STRUCTURE = "structure", _("Structure de l'ESS")
        PROJECT = "project", _("Projet")
        SERVICE = "service", _("Service")

    class LegalForm(models.TextChoices):
        ASSOCIATION = "association", _("Association")
        SCOP = "scop", _("SCOP")
        SCIC = "scic", _("SCIC")
        COOPERATIVE = "cooperative", _("Autre coopérative")
        MUTUELLE = "mutuelle", _("Mutuelle")
        FONDATION = "fondation", _("Fondation")
        ESUS = "esus", _("Entreprise ESUS")
        PUBLIC_INTERCO = "public_interco", _("Service public d'une interco")
        OTHER = "other", _("Autre")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Brouillon")
        PENDING = "pending", _("En attente de relecture")
        PUBLISHED = "published", _("Publiée")
        ARCHIVED = "archived", _("Archivée")

    class Origin(models.TextChoices):
        INTERCO = "interco", _("Saisie par l'intercommunalité")
        REGISTER = "register", _("Registre national")

    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    summary = models.CharField(_("résumé"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, default=Kind.STRUCTURE)
    legal_form = models.CharField(
        _("forme juridique"), max_length=20, choices=LegalForm.choices, default=LegalForm.OTHER
    )
    themes = models.ManyToManyField(
        Theme, related_name="initiatives", blank=True, verbose_name=_("thèmes")
    )
    carried_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="carried_projects",
        verbose_name=_("portée par (structure)"),
    )
    carried_by_interco = models.ForeignKey(
        Interco,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="carried_initiatives",
        verbose_name=_("portée par (interco)"),
    )
    siret = models.CharField(_("SIRET"), max_length=14, blank=True, validators=[validate_siret])
    rna = models.CharField(_("numéro RNA"), max_length=10, blank=True, validators=[validate_rna])
    address = models.CharField(_("adresse"), max_length=300, blank=True)
    postcode = models.CharField(_("code postal"), max_length=5, blank=True)
    commune = models.ForeignKey(
        Commune,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="initiatives",
        verbose_name=_("commune"),
    )
    # The commune's département, kept on the row by the write services (services.py) so that
    # the filtered list (département, published, by name) reads one index: no join to filter.
    departement = models.ForeignKey(
        Departement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        db_index=False,  # the composite index below leads with it
        verbose_name=_("département"),
    )
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    # The point is the commune's centre, not an address (set by initiatives.location only).
    approximate_point = models.BooleanField(
        _("position approximative (centre de la commune)"), default=False, editable=False
    )
    coverage = models.ManyToManyField(
        Interco,
        related_name="covered_initiatives",
        blank=True,
        verbose_name=_("territoire couvert"),
    )
    website = models.URLField(_("site web"), blank=True)
    email = models.EmailField(_("courriel"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True, validators=[validate_phone])
    opening_hours = models.CharField(
        _("horaires (syntaxe OpenStreetMap)"),
        max_length=255,
        blank=True,
        validators=[validate_opening_hours],
    )
    # Who the structure is for, and how to get in (kept by the structure's managers).
    audience = models.TextField(_("public accueilli"), blank=True)
    access_conditions = models.TextField(_("conditions d'accès"), blank=True)
    founded_year = models.PositiveSmallIntegerField(_("année de création"), null=True, blank=True)
    employees = models.PositiveIntegerField(_("salarié·es"), null=True, blank=True)
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    verified_at = models.DateField(_("informations vérifiées le"), null=True, blank=True)
    verified_by = models.CharField(_("vérifiées par"), max_length=200, blank=True)
    source = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="initiatives",
        verbose_name=_("source"),
    )
    article_note = models.TextField(
        _("note sur la source"),
        blank=True,
        help_text=_("Ce que dit la source quand elle diffère du référentiel officiel."),
    )
    # Provenance (initiatives.registers): which national register the record came from.
    origin = models.CharField(
        _("origine"), max_length=10, choices=Origin.choices, default=Origin.INTERCO, db_index=True
    )
    register_source = models.CharField(
        _("registre"), max_length=20, choices=REGISTER_CHOICES, blank=True, db_index=True
    )
    register_id = models.CharField(_("identifiant dans le registre"), max_length=64, blank=True)
    finess = models.CharField(_("numéro FINESS"), max_length=9, blank=True, db_index=True)
    register_date = models.DateField(_("date du fichier du registre"), null=True, blank=True)
    register_seen_at = models.DateField(_("vue dans le registre le"), null=True, blank=True)
    register_note = models.CharField(_("note du registre"), max_length=300, blank=True)
    # The values the register last wrote, by field: a field whose value differs was edited by
    # staff since, and a re-import leaves it alone (initiatives.registers.services).
    register_values = models.JSONField(default=dict, blank=True, editable=False)
    possible_duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("doublon possible de"),
    )
    # Public suggestions and moderation.
    proposer_name = models.CharField(
        _("nom de la personne qui propose"), max_length=200, blank=True
    )
    proposer_email = models.EmailField(_("courriel de la personne qui propose"), blank=True)
    rejection_reason = models.TextField(_("motif du refus"), blank=True)
    # Unaccented lower-case keys for search on any database (kept by services.py).
    search_name = models.CharField(max_length=200, editable=False, blank=True, default="")
    search_text = models.TextField(editable=False, blank=True, default="")
    is_synthetic = models.BooleanField(default=False, editable=False, db_index=True)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("mise à jour le"), auto_now=True, db_index=True)

    history = HistoricalRecords(m2m_fields=[themes, coverage])
    objects = InitiativeQuerySet.as_manager()

    class Meta:
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["latitude", "longitude"], name="initiative_lat_lon"),
            models.Index(fields=["status", "name"], name="initiative_status_name"),
            models.Index(fields=["status", "search_name"], name="initiative_status_sort"),
            models.Index(
                fields=["departement", "status", "search_name"], name="initiative_dept_sort"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                Lower("name"), "commune", name="initiative_unique_name_per_commune"
            ),
            models.CheckConstraint(
                condition=Q(siret="") | Q(siret__regex=SIRET_RE), name="initiative_siret_format"
            ),
            models.CheckConstraint(
                condition=Q(rna="") | Q(rna__regex=RNA_RE), name="initiative_rna_format"
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(
                    latitude__isnull=False,
                    longitude__isnull=False,
                    latitude__gte=-90,
                    latitude__lte=90,
                    longitude__gte=-180,
                    longitude__lte=180,
                ),
                name="initiative_point_valid",
            ),
            models.CheckConstraint(
                condition=Q(founded_year__isnull=True)
                | Q(founded_year__gte=1800, founded_year__lte=2100),
                name="initiative_founded_year_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return self.path_for(self.slug)

    @staticmethod
    def path_for(slug: str) -> str:
        """The public page of the initiative with this slug, without loading it."""
        return slug_path("initiatives:detail", "slug", slug)

    @property
    def has_point(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def confirmed_by_structure(self) -> bool:
        """Last confirmed by one of its own managers ("Toujours exact" from their page)."""
        return bool(self.verified_at) and self.verified_by == STRUCTURE_VERIFIER


class Partnership(models.Model):
    """An interco or another initiative working with an initiative."""

    class Kind(models.TextChoices):
        FUNDING = "funding", _("Financement")
        POOLING = "pooling", _("Mutualisation de locaux ou d'équipements")
        LOGISTICS = "logistics", _("Logistique")
        SUPPORT = "support", _("Accompagnement / incubation")
        PROCUREMENT = "procurement", _("Achat / commande publique")
        NETWORK = "network", _("Réseau")

    class Role(models.TextChoices):
        """Working together, or one side supporting the other ("soutenue par"). Carrying a
        project ("portée par") is not a partnership: see Initiative.carried_by*."""

        PARTNER = "partner", _("Partenaire")
        SUPPORTER = "supporter", _("Soutien")

    initiative = models.ForeignKey(
        Initiative,
        on_delete=models.CASCADE,
        related_name="partnerships",
        verbose_name=_("initiative"),
    )
    partner_interco = models.ForeignKey(
        Interco,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="partnerships",
        verbose_name=_("interco partenaire"),
    )
    partner_initiative = models.ForeignKey(
        Initiative,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="partner_of",
        verbose_name=_("initiative partenaire"),
    )
    kind = models.CharField(_("nature"), max_length=12, choices=Kind.choices)
    role = models.CharField(
        _("rôle du partenaire"),
        max_length=10,
        choices=Role.choices,
        default=Role.PARTNER,
        help_text=_("« Soutien » : le partenaire soutient l’initiative sans la porter."),
    )
    start_year = models.PositiveSmallIntegerField(_("depuis"), null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(_("jusqu'en"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    source = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="partnerships",
        verbose_name=_("source"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("partenariat")
        verbose_name_plural = _("partenariats")
        ordering = ["initiative", "kind"]
        constraints = [
            models.CheckConstraint(
                condition=Q(partner_interco__isnull=False, partner_initiative__isnull=True)
                | Q(partner_interco__isnull=True, partner_initiative__isnull=False),
                name="partnership_exactly_one_partner",
            ),
            models.CheckConstraint(
                condition=~Q(partner_initiative=models.F("initiative")),
                name="partnership_not_with_itself",
            ),
            models.CheckConstraint(
                condition=Q(start_year__isnull=True)
                | Q(end_year__isnull=True)
                | Q(end_year__gte=models.F("start_year")),
                name="partnership_years_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.initiative} ↔ {self.partner}"

    @property
    def partner(self):
        return self.partner_interco or self.partner_initiative


class KeyFigure(models.Model):
    """A sourced figure about an initiative, an interco, a département or the whole territory."""

    class Qualifier(models.TextChoices):
        EXACT = "", _("exactement")
        MORE_THAN = "more_than", _("plus de")
        ABOUT = "about", _("environ")

    class Measure(models.TextChoices):
        """What the number measures: charts only compare figures of the same measure."""

        COUNT = "count", _("Effectif ou montant")
        SHARE = "share", _("Part")
        CHANGE = "change", _("Évolution")

    label = models.CharField(_("intitulé"), max_length=300)
    label_en = models.CharField(_("intitulé (anglais)"), max_length=300, blank=True)
    measure = models.CharField(
        _("mesure"),
        max_length=6,
        choices=Measure.choices,
        default=Measure.COUNT,
        help_text=_("« Évolution » : le chiffre est affiché avec son signe (+6 %)."),
    )
    value = models.DecimalField(_("valeur"), max_digits=14, decimal_places=2)
    qualifier = models.CharField(
        _("précision"), max_length=10, choices=Qualifier.choices, blank=True, default=""
    )
    unit = models.CharField(_("unité"), max_length=50, blank=True)
    unit_en = models.CharField(_("unité (anglais)"), max_length=50, blank=True)
    year = models.PositiveSmallIntegerField(_("année"), null=True, blank=True)
    period = models.CharField(_("période"), max_length=50, blank=True)
    period_en = models.CharField(_("période (anglais)"), max_length=50, blank=True)
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, related_name="figures", verbose_name=_("source")
    )
    initiative = models.ForeignKey(
        Initiative,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="figures",
        verbose_name=_("initiative"),
    )
    interco = models.ForeignKey(
        Interco,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="figures",
        verbose_name=_("interco"),
    )
    departement = models.ForeignKey(
        Departement,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="figures",
        verbose_name=_("département"),
    )
    note = models.TextField(_("note"), blank=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("chiffre clé")
        verbose_name_plural = _("chiffres clés")
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(initiative__isnull=True, interco__isnull=True)
                    | Q(initiative__isnull=True, departement__isnull=True)
                    | Q(interco__isnull=True, departement__isnull=True)
                ),
                name="keyfigure_at_most_one_scope",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def display_label(self) -> str:
        return in_language(self.label, self.label_en)

    @property
    def display_unit(self) -> str:
        return in_language(self.unit, self.unit_en)

    @property
    def is_change(self) -> bool:
        return self.measure == self.Measure.CHANGE

    @property
    def when(self) -> str:
        """The period the figure covers: '2016-2021', 'sur deux ans', '2023'."""
        return in_language(self.period, self.period_en) or (str(self.year) if self.year else "")

    @property
    def scope(self):
        """The initiative, interco or département the figure is about; None for the territory."""
        return self.initiative or self.interco or self.departement


from .registers.models import RegisterImportRun  # noqa: E402, F401  (the admin's run reports)
