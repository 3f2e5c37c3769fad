"""Add a staff member: `manage.py add_staff --email … --interco SIREN --role editor|moderator`.

Everything needed to sign in, in one go (intercos.services.staff_member_add): the account
(username = the address, no usable password until its owner chooses one), staff status, the
membership(s) with the role, and a link to choose the password, e-mailed and printed once
(the operator may pass it on when e-mail is not set up). Idempotent: a second run with the
same arguments changes nothing and sends nothing (`--send-link` sends a new link).
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from intercos.models import Interco, IntercoMembership
from intercos.services import staff_member_add


class Command(BaseCommand):
    help = gettext_lazy(
        "Ajoute un membre de l'équipe d'une ou plusieurs intercos (compte, statut équipe, "
        "rattachement, lien pour choisir le mot de passe). Sans effet si c'est déjà fait."
    )

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True, help=_("adresse e-mail (et identifiant)"))
        parser.add_argument(
            "--interco",
            action="append",
            required=True,
            metavar="SIREN",
            help=_("SIREN de l'interco ; répétez l'option pour plusieurs intercos"),
        )
        parser.add_argument(
            "--role",
            required=True,
            choices=IntercoMembership.Role.values,
            help=_("editor (éditeur·rice) ou moderator (modérateur·rice)"),
        )
        parser.add_argument("--name", default="", help=_("prénom et nom"))
        parser.add_argument(
            "--send-link",
            action="store_true",
            help=_("envoyer un nouveau lien pour choisir le mot de passe à un compte existant"),
        )

    def handle(self, *args, **options):
        email = options["email"].strip()
        try:
            validate_email(email)
        except ValidationError:
            message = _("Adresse e-mail invalide : %(email)s") % {"email": email}
            raise CommandError(message) from None
        sirens = list(dict.fromkeys(s.strip() for s in options["interco"]))
        found = Interco.objects.in_bulk(sirens)
        unknown = [s for s in sirens if s not in found]
        if unknown:
            raise CommandError(
                _("Interco inconnue (SIREN) : %(sirens)s. Les territoires sont-ils importés ?")
                % {"sirens": ", ".join(unknown)}
            )
        try:
            result = staff_member_add(
                by=None,
                email=email,
                intercos=[found[s] for s in sirens],
                role=options["role"],
                name=options["name"],
                send_link=options["send_link"],
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        user = result.user
        if result.changes:
            self.stdout.write(
                _("%(user)s : %(changes)s.")
                % {"user": user.get_username(), "changes": ", ".join(result.changes)}
            )
        else:
            self.stdout.write(
                _("%(user)s est déjà membre de l'équipe ainsi : rien n'a changé.")
                % {"user": user.get_username()}
            )
        if result.link:
            self.stdout.write(
                _("Lien pour choisir le mot de passe (envoyé à %(email)s, sert une fois) :")
                % {"email": user.email}
            )
            self.stdout.write(result.link)
        elif not user.has_usable_password():
            self.stdout.write(
                _(
                    "Ce compte n'a pas encore de mot de passe : relancez avec --send-link "
                    "pour envoyer un nouveau lien."
                )
            )
