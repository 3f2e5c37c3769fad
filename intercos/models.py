"""Administrative territories: départements, intercommunalités, communes.

Keyed by official codes (INSEE for communes and départements, SIREN for
intercommunalités) and loaded by `manage.py import_territories`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from essmap.paths import slug_path

from .managers import CommuneQuerySet, IntercoQuerySet

DEPARTEMENT_CODE_RE = r"^([0-9]{2}|2A|2B|9[78][0-9])$"
INSEE_RE = r"^([0-9]{2}|2A|2B)[0-9]{3}$"
SIREN_RE = r"^[0-9]{9}$"


def _point_constraints(prefix: str) -> list[models.CheckConstraint]:
    return [
        models.CheckConstraint(
            condition=Q(centre_lat__isnull=True, centre_lon__isnull=True)
            | Q(
                centre_lat__isnull=False,
                centre_lon__isnull=False,
                centre_lat__gte=-90,
                centre_lat__lte=90,
                centre_lon__gte=-180,
                centre_lon__lte=180,
            ),
            name=f"{prefix}_centre_valid",
        )
    ]


class Placed(models.Model):
    """A territory's centre (from the geographic API) and simplified GeoJSON contour."""

    centre_lat = models.FloatField(_("latitude du centre"), null=True, blank=True)
    centre_lon = models.FloatField(_("longitude du centre"), null=True, blank=True)
    contour = models.JSONField(_("contour (GeoJSON)"), null=True, blank=True)

    class Meta:
        abstract = True


class Departement(Placed):
    code = models.CharField(_("code"), max_length=3, primary_key=True)
    name = models.CharField(_("nom"), max_length=100)
    region_code = models.CharField(_("code région"), max_length=3, blank=True)

    class Meta:
        verbose_name = _("département")
        verbose_name_plural = _("départements")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=DEPARTEMENT_CODE_RE), name="departement_code_format"
            ),
            *_point_constraints("departement"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Interco(Placed):
    """An intercommunalité à fiscalité propre (EPCI), keyed by its SIREN."""

    class Kind(models.TextChoices):
        CC = "CC", _("Communauté de communes")
        CA = "CA", _("Communauté d'agglomération")
        CU = "CU", _("Communauté urbaine")
        METRO = "METRO", _("Métropole")

    siren = models.CharField(_("SIREN"), max_length=9, primary_key=True)
    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    kind = models.CharField(_("nature juridique"), max_length=5, choices=Kind.choices)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    departements = models.ManyToManyField(
        Departement, related_name="intercos", verbose_name=_("départements")
    )
    seat = models.ForeignKey(
        "Commune",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("commune siège"),
    )
    website = models.URLField(_("site web"), blank=True)
    updated_at = models.DateTimeField(_("mis à jour le"), auto_now=True)

    objects = IntercoQuerySet.as_manager()

    class Meta:
        verbose_name = _("intercommunalité")
        verbose_name_plural = _("intercommunalités")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(siren__regex=SIREN_RE), name="interco_siren_format"),
            *_point_constraints("interco"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        """The interco's public page (served by the directory: initiatives/interco_urls.py)."""
        return slug_path("intercos:detail", "slug", self.slug)


class IntercoPredecessor(models.Model):
    """A former name or a body merged into the interco (older texts still use them)."""

    class Kind(models.TextChoices):
        # The interco itself bore this name: "(anciennement …)".
        RENAMED = "renamed", _("ancien nom de l’interco")
        # Another body whose territory the interco now includes: "(intègre l’ex-…)".
        MERGED = "merged", _("ancienne interco intégrée")

    interco = models.ForeignKey(
        Interco, on_delete=models.CASCADE, related_name="predecessors", verbose_name=_("interco")
    )
    name = models.CharField(_("ancien nom"), max_length=200)
    kind = models.CharField(_("nature"), max_length=10, choices=Kind, default=Kind.RENAMED)
    siren = models.CharField(_("SIREN"), max_length=9, blank=True)
    until_year = models.PositiveSmallIntegerField(_("jusqu'en"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("ancien nom ou prédécesseur")
        verbose_name_plural = _("anciens noms et prédécesseurs")
        ordering = ["interco", "name"]
        constraints = [
            models.UniqueConstraint(fields=["interco", "name"], name="predecessor_unique_name"),
            models.CheckConstraint(
                condition=Q(siren="") | Q(siren__regex=SIREN_RE), name="predecessor_siren_format"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        """How links to the interco mention it: a merged body is not a former name."""
        if self.kind == self.Kind.MERGED:
            return gettext("intègre l’ex-%(name)s") % {"name": self.name}
        return gettext("anciennement %(name)s") % {"name": self.name}


class Commune(Placed):
    insee = models.CharField(_("code INSEE"), max_length=5, primary_key=True)
    name = models.CharField(_("nom"), max_length=200)
    # Unaccented, lower-case name for accent-insensitive autocomplete on any database.
    search_name = models.CharField(max_length=200, db_index=True, editable=False)
    # Space-separated postcodes ("07240 07241"): searchable with a plain LIKE.
    postcodes = models.CharField(_("codes postaux"), max_length=200, blank=True, db_index=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    departement = models.ForeignKey(
        Departement,
        on_delete=models.PROTECT,
        related_name="communes",
        verbose_name=_("département"),
    )
    interco = models.ForeignKey(
        Interco,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="communes",
        verbose_name=_("intercommunalité"),
    )

    objects = CommuneQuerySet.as_manager()

    class Meta:
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        ordering = ["name"]
        # "Near": communes whose centre lies in the search circle's box (their intercos'
        # initiatives serve the place).
        indexes = [models.Index(fields=["centre_lat", "centre_lon"], name="commune_centre")]
        constraints = [
            models.CheckConstraint(condition=Q(insee__regex=INSEE_RE), name="commune_insee_format"),
            *_point_constraints("commune"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.departement_id})"

    @property
    def postcode_list(self) -> list[str]:
        return self.postcodes.split()


class IntercoMembership(models.Model):
    """A staff account's attachment to an interco: what it may see and edit."""

    class Role(models.TextChoices):
        EDITOR = "editor", _("Éditeur·rice")
        MODERATOR = "moderator", _("Modérateur·rice")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="interco_memberships",
        verbose_name=_("utilisateur·rice"),
    )
    interco = models.ForeignKey(
        Interco, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("interco")
    )
    role = models.CharField(_("rôle"), max_length=10, choices=Role.choices, default=Role.EDITOR)

    class Meta:
        verbose_name = _("rattachement à une interco")
        verbose_name_plural = _("rattachements aux intercos")
        constraints = [
            models.UniqueConstraint(fields=["user", "interco"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.interco}"
