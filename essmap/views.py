"""Site pages that belong to no app: the territory's figures, sources and about."""

from itertools import groupby

from django.shortcuts import render

from initiatives.selectors import departement_figures, sources_public_list, territory_figures


def _charts(figures) -> list[dict]:
    """Figures sharing a unit (two or more) drawn together; a lone figure needs no chart."""
    by_unit = sorted(figures, key=lambda f: (f.unit, f.position, f.pk))
    charts = []
    for unit, group in groupby(by_unit, key=lambda f: f.unit):
        group = list(group)
        if len(group) >= 2:
            charts.append({"unit": unit, "rows": [(f.label, f.value) for f in group]})
    return charts


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
