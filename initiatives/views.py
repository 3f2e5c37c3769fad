from django.core.paginator import Paginator
from django.shortcuts import render

from .selectors import initiative_filter

PAGE_SIZE = 20


def directory(request):
    filterset = initiative_filter(data=request.GET or None, request=request)
    if filterset.is_valid():
        results = filterset.qs
    else:
        results = filterset.queryset.none()
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "initiatives/directory.html",
        {"filterset": filterset, "form": filterset.form, "page": page},
    )
