from django.urls import path

from . import views

app_name = "claims"
urlpatterns = [
    path("initiatives/<slug:slug>/gerer/", views.claim, name="claim"),
    path("initiatives/<slug:slug>/gerer/envoyee/", views.claim_sent, name="claim_sent"),
    path("gerer/", views.home, name="home"),
    path("gerer/connexion/", views.signin, name="signin"),
    path("gerer/connexion/envoyee/", views.signin_sent, name="signin_sent"),
    path("gerer/deconnexion/", views.signout, name="signout"),
    path("gerer/lien/<str:token>/", views.link, name="link"),
    path("gerer/fiche/<slug:slug>/", views.edit, name="edit"),
    path("gerer/fiche/<slug:slug>/exact/", views.exact, name="exact"),
    path("gerer/fiche/<slug:slug>/quitter/", views.leave, name="leave"),
]
