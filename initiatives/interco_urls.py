"""The interco pages (namespace `intercos`, as their URL names have always been)."""

from django.urls import path

from . import interco_views as views

app_name = "intercos"
urlpatterns = [
    path("intercos/", views.interco_list, name="list"),
    path("intercos/<slug:slug>/", views.interco_detail, name="detail"),
]
