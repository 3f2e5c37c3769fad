from django.urls import path

from . import views

app_name = "initiatives"
urlpatterns = [
    path("", views.directory, name="directory"),
    path("embed/", views.embed, name="embed"),
    path("initiatives/<slug:slug>/", views.detail, name="detail"),
]
