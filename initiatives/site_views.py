"""The site pages that show initiatives data: the territory's figures, sources and about
(moved from essmap: the shared core imports no feature app)."""

from itertools import groupby

from django.shortcuts import render
from django.utils.translation import gettext as _

from essmap.typography import page_language, typeset

from .models import KeyFigure
from .selectors import departement_figures, sources_public_list, territory_figures
from .templatetags.essmap_tags import figure_value


def _charts(figures) -> list[dict]:
    """Figures that measure the same thing in the same unit (two or more) drawn together:
    shares with shares, changes with changes, counts of the same unit. A lone figure needs no
    chart."""

    def key(f):
        return (f.measure, f.display_unit)

    charts = []
    for (measure, unit), group in groupby(sorted(figures, key=key), key=key):
        group = sorted(group, key=lambda f: (f.position, f.pk))
        if len(group) < 2:
            continue
        charts.append(
            {
                "title": _chart_title(measure, unit),
                "rows": [(_row_label(f), f.value, figure_value(f)) for f in group],
            }
        )
    return charts


def _chart_title(measure: str, unit: str) -> str:
    if measure == KeyFigure.Measure.SHARE:
        return _("Parts (%(unit)s)") % {"unit": unit}
    if measure == KeyFigure.Measure.CHANGE:
        return _("Évolutions (%(unit)s)") % {"unit": unit}
    return _("Comparaison (%(unit)s)") % {"unit": unit}


def _row_label(figure) -> str:
    when = figure.when
    english = figure.label_en and page_language() == "en"  # else the French label is shown
    label = f"{figure.display_label} ({when})" if when else figure.display_label
    return typeset(label, "en" if english else "fr")


def territory(request):
    figures = list(territory_figures())
    return render(
        request,
        "essmap/territory.html",
        {
            "figures": figures,
            "charts": _charts(figures),
            "departement_figures": list(departement_figures()),
        },
    )


def sources(request):
    return render(request, "essmap/sources.html", {"sources": sources_public_list()})
