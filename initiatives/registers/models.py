"""The report of each register import, kept for staff (visible in the admin)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RegisterImportRun(models.Model):
    """One run of `import_register` (or of the admin's import): what it did, row by row."""

    source = models.CharField(_("registre"), max_length=20)
    files = models.TextField(_("fichiers"), blank=True)
    source_date = models.DateField(_("date du fichier"), null=True, blank=True)
    departements = models.CharField(_("départements"), max_length=100, blank=True)
    dry_run = models.BooleanField(_("simulation"), default=False)
    publish = models.BooleanField(_("publier"), default=False)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("par"),
    )
    started_at = models.DateTimeField(_("commencé le"), auto_now_add=True)
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)
    created = models.PositiveIntegerField(_("créées"), default=0)
    updated = models.PositiveIntegerField(_("mises à jour"), default=0)
    unchanged = models.PositiveIntegerField(_("inchangées"), default=0)
    archived = models.PositiveIntegerField(_("archivées"), default=0)
    skipped = models.PositiveIntegerField(_("lignes ignorées"), default=0)
    duplicates = models.PositiveIntegerField(_("doublons possibles"), default=0)
    # Row by row: [{"row": 3, "action": "skipped", "source_id": "…", "reason": "…"}, …]
    details = models.JSONField(_("détail"), default=list, blank=True)
    error = models.TextField(_("erreur"), blank=True)

    class Meta:
        app_label = "initiatives"
        verbose_name = _("import de registre")
        verbose_name_plural = _("imports de registres")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.source} {self.started_at:%Y-%m-%d %H:%M}"
