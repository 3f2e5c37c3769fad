"""A structure keeps its own record: who claimed it, who manages it, the links they were sent.

A manager has no account and no password: an address confirmed by a signed, expiring,
single-use link (`links.py`). Managers' addresses are never shown publicly (not in pages,
the API or the exports); leaving deletes the manager's row.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ManagerClaim(models.Model):
    """ "Vous gérez cette structure ?": a request to manage one record."""

    class Status(models.TextChoices):
        UNCONFIRMED = "unconfirmed", _("Adresse non confirmée")
        PENDING = "pending", _("À traiter")
        GRANTED = "granted", _("Acceptée")
        REFUSED = "refused", _("Refusée")

    initiative = models.ForeignKey(
        "initiatives.Initiative",
        on_delete=models.CASCADE,
        related_name="manager_claims",
        verbose_name=_("initiative"),
    )
    name = models.CharField(_("nom"), max_length=200)
    email = models.EmailField(_("courriel"))
    role = models.CharField(_("fonction dans la structure"), max_length=200)
    status = models.CharField(
        _("état"),
        max_length=12,
        choices=Status.choices,
        default=Status.UNCONFIRMED,
        db_index=True,
    )
    by_domain = models.BooleanField(
        _("accordée d'office (domaine du site)"), default=False, editable=False
    )
    created_at = models.DateTimeField(_("demandée le"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("adresse confirmée le"), null=True, blank=True)
    decided_at = models.DateTimeField(_("traitée le"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("traitée par"),
    )

    class Meta:
        verbose_name = _("demande de gestion")
        verbose_name_plural = _("demandes de gestion")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.initiative} · {self.name}"


class RecordManager(models.Model):
    """A person who manages a record for its structure (several per record)."""

    initiative = models.ForeignKey(
        "initiatives.Initiative",
        on_delete=models.CASCADE,
        related_name="managers",
        verbose_name=_("initiative"),
    )
    email = models.EmailField(_("courriel"))
    name = models.CharField(_("nom"), max_length=200)
    role = models.CharField(_("fonction dans la structure"), max_length=200, blank=True)
    granted_at = models.DateTimeField(_("gestion accordée le"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("adresse confirmée le"), null=True, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accordée par"),
        help_text=_("Vide : accordée d'office, l'adresse étant du domaine du site."),
    )
    last_signed_in_at = models.DateTimeField(_("dernière connexion"), null=True, blank=True)

    class Meta:
        verbose_name = _("gestionnaire de fiche")
        verbose_name_plural = _("gestionnaires de fiche")
        ordering = ["initiative__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["initiative", "email"], name="one_manager_per_address"),
        ]

    def __str__(self) -> str:
        return f"{self.initiative} · {self.name}"


class ManagerLink(models.Model):
    """The single-use nonce of one signed link (the signature and its age are `links.py`'s)."""

    class Purpose(models.TextChoices):
        CLAIM = "claim", _("Confirmer une demande")
        SIGNIN = "signin", _("Se connecter")
        EXACT = "exact", _("Toujours exact")

    nonce = models.CharField(max_length=43, unique=True)
    purpose = models.CharField(max_length=8, choices=Purpose.choices)
    email = models.EmailField()
    claim = models.ForeignKey(ManagerClaim, on_delete=models.CASCADE, null=True, related_name="+")
    manager = models.ForeignKey(
        RecordManager, on_delete=models.CASCADE, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.purpose} · {self.created_at:%Y-%m-%d}"


class ManagerReminder(models.Model):
    """ "Votre fiche est-elle à jour ?" sent for one record in one period: never twice."""

    initiative = models.ForeignKey(
        "initiatives.Initiative", on_delete=models.CASCADE, related_name="manager_reminders"
    )
    period = models.CharField(max_length=7)  # first month of the period, "2027-01"
    sent_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "period"], name="manager_reminder_once_per_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.initiative_id} · {self.period}"
