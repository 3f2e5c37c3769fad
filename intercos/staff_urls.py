"""Staff accounts choose their password here (the link e-mailed by `staff_member_add`)."""

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy


class PasswordSetDoneView(auth_views.PasswordResetCompleteView):
    """'Password set': links to the admin login (Django's default is settings.LOGIN_URL)."""

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "login_url": reverse_lazy("admin:login")}


urlpatterns = [
    path(
        "mot-de-passe/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            success_url=reverse_lazy("staff_password_done")
        ),
        name="staff_password_set",
    ),
    path("mot-de-passe/fait/", PasswordSetDoneView.as_view(), name="staff_password_done"),
]
