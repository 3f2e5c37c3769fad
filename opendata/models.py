"""E-mail alerts on a directory search: no account, double opt-in, deletable.

An address is stored only to send the alerts its owner asked for: unsubscribing deletes the
subscription (and its delivery log) at once; an unconfirmed one is deleted after a week.
"""

import secrets

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
