from django.conf import settings


def site(request):
    return {"SITE_NAME": "essmap", "MAP_TILES_ATTRIBUTION": settings.MAP_TILES_ATTRIBUTION}
