"""`manage.py check`: staff accounts that cannot do their job (moderators never told)."""

from django.core.checks import Warning, register
from django.db import DatabaseError


@register()
def moderators_have_email(app_configs=None, **kwargs):
    """intercos.W001: an active moderator without an e-mail address receives nothing.

    Reads the database when it can; no database (or no tables yet) is not a problem here.
    """
    from .selectors import moderators_without_email

    try:
        missing = list(moderators_without_email())
    except DatabaseError:
        return []
    return [
        Warning(
            f"Moderator {m.user.get_username()!r} of {m.interco} has no e-mail address: "
            "they are not told of suggestions to review nor of edits to published records.",
            hint="Add their address in the admin (Users) or with manage.py add_staff.",
            obj=m.user,
            id="intercos.W001",
        )
        for m in missing
    ]
