from django.urls import path

from . import views

app_name = "intercos"
urlpatterns = [
    path("intercos/", views.interco_list, name="list"),
    path("intercos/<slug:slug>/", views.interco_detail, name="detail"),
]
