"""Alerts, error reports and freshness digests.

E-mail alerts on a directory search: no account, double opt-in, deletable.

An address is stored only to send the alerts its owner asked for: unsubscribing deletes the
subscription (and its delivery log) at once; an unconfirmed one is deleted after a week.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def new_token() -> str:
    return secrets.token_urlsafe(32)


class AlertSubscription(models.Model):
    class Frequency(models.TextChoices):
        DAILY = "daily", _("Chaque jour")
        WEEKLY = "weekly", _("Chaque semaine")

    email = models.EmailField(_("courriel"))
    query = models.CharField(_("recherche"), max_length=2000, blank=True)
    frequency = models.CharField(
        _("fréquence"), max_length=6, choices=Frequency.choices, default=Frequency.WEEKLY
    )
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmée le"), null=True, blank=True)
    # When the last confirmation mail was sent: a re-post within the window sends none.
    confirmation_sent_at = models.DateTimeField(
        _("confirmation envoyée le"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("alerte par courriel")
        verbose_name_plural = _("alertes par courriel")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["email", "query", "frequency"], name="alert_unique_search_per_address"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} · {self.query or '*'}"


class RecipientQuota(models.Model):
    """Mails sent to one unconfirmed address on one day, whoever asked (see recipients.py).

    In the database, not the cache, so that the limit holds during a cache outage. The
    address itself is not stored, only a keyed hash of it; old rows are deleted daily.
    """

    recipient = models.CharField(max_length=64)
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["recipient", "day"], name="recipient_quota_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient[:8]}… · {self.day} · {self.count}"


class AlertDelivery(models.Model):
    """One digest sent for one period: the unique key makes the sending command idempotent."""

    subscription = models.ForeignKey(
        AlertSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    period = models.CharField(max_length=20)  # "2026-12-01" (daily) or "2026-W49" (weekly)
    sent_at = models.DateTimeField(null=True, blank=True)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "period"], name="alert_one_delivery_per_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subscription_id} · {self.period}"


class ChangeReport(models.Model):
    """ "Signaler une erreur": a visitor's proposed change to one field of a published record.

    It waits in the territory's moderation queue, shown as a diff against the record; a
    moderator accepts it (the change is written through the write rules) or refuses it.
    """

    class Field(models.TextChoices):
        NAME = "name", _("Nom")
        SUMMARY = "summary", _("Résumé")
        DESCRIPTION = "description", _("Description")
        ADDRESS = "address", _("Adresse")
        POSTCODE = "postcode", _("Code postal")
        WEBSITE = "website", _("Site web")
        EMAIL = "email", _("Courriel")
        PHONE = "phone", _("Téléphone")
        OPENING_HOURS = "opening_hours", _("Horaires")
        OTHER = "other", _("Autre chose (précisez)")

    class Status(models.TextChoices):
        PENDING = "pending", _("À traiter")
        ACCEPTED = "accepted", _("Acceptée")
        REFUSED = "refused", _("Refusée")

    initiative = models.ForeignKey(
        "initiatives.Initiative",
        on_delete=models.CASCADE,
        related_name="change_reports",
        verbose_name=_("initiative"),
    )
    field = models.CharField(_("champ concerné"), max_length=20, choices=Field.choices)
    current_value = models.TextField(_("valeur affichée lors du signalement"), blank=True)
    proposed_value = models.TextField(_("valeur proposée"), blank=True)
    message = models.TextField(_("ce qui ne va pas"))
    email = models.EmailField(_("courriel de la personne qui signale"), blank=True)
    status = models.CharField(
        _("état"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    created_at = models.DateTimeField(_("signalée le"), auto_now_add=True)
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
        verbose_name = _("signalement d'erreur")
        verbose_name_plural = _("signalements d'erreur")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.initiative} · {self.get_field_display()}"


class FreshnessDigestLog(models.Model):
    """One monthly freshness digest sent to one moderator: never twice for the same month."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    period = models.CharField(max_length=7)  # "2026-03"
    sent_at = models.DateTimeField(auto_now_add=True)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "period"], name="freshness_digest_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.period}"
