"""The commune's département kept on the initiative row, indexed with the status and the sort
key: the filtered list (département, published, by name) reads one index (issue 22).

The write services keep it (services.refresh_departement); this migration fills it for the
rows already there, in one UPDATE, before building the index.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def backfill(apps, schema_editor):
    Initiative = apps.get_model("initiatives", "Initiative")
    Commune = apps.get_model("intercos", "Commune")
    of_commune = Commune.objects.filter(pk=OuterRef("commune_id")).values("departement_id")
    Initiative.objects.filter(commune__isnull=False).update(departement_id=Subquery(of_commune[:1]))


class Migration(migrations.Migration):
    dependencies = [
        ("initiatives", "0008_claims_audience_access"),
        ("intercos", "0003_data_predecessor_kind"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalinitiative",
            name="departement",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="intercos.departement",
                verbose_name="département",
            ),
        ),
        migrations.AddField(
            model_name="initiative",
            name="departement",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="intercos.departement",
                verbose_name="département",
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="initiative",
            index=models.Index(
                fields=["departement", "status", "search_name"], name="initiative_dept_sort"
            ),
        ),
    ]
