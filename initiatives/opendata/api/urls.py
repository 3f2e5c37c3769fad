from django.urls import path

from . import views

urlpatterns = [
    path("data-inclusion/structures/", views.StructureList.as_view(), name="api-di-structures"),
    path("data-inclusion/services/", views.ServiceList.as_view(), name="api-di-services"),
]
