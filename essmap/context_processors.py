from django.conf import settings

from .site_basics import head_links


def site(request):
    return {
        "SITE_NAME": "essmap",
        "MAP_TILES_ATTRIBUTION": settings.MAP_TILES_ATTRIBUTION,
        **head_links(request),
    }
