"""Is an e-mail address the structure's own? The rule that grants a claim at once.

Granted at once when the address's domain has the same *registrable domain* as the
record's website ("contact@monasso.fr" for "https://www.monasso.fr/", or a subdomain of
it), except:
- free-mail providers (anyone can have "@gmail.com" or "@orange.fr");
- site-hosting platforms ("monasso.wordpress.com": the platform's domain is not the
  structure's).

The registrable domain is the last two labels, or three under a second-level suffix
listed here ("monasso.asso.fr"). Anything else goes to the moderators, who decide.
"""

from urllib.parse import urlsplit

SECOND_LEVEL_SUFFIXES = {
    "asso.fr", "com.fr", "gouv.fr", "nom.fr", "tm.fr", "presse.fr", "cci.fr", "notaires.fr",
    "co.uk", "org.uk", "ac.uk", "gov.uk", "com.es", "org.es", "co.it", "com.pt",
}  # fmt: skip
FREE_MAIL = {
    "gmail.com", "googlemail.com", "yahoo.fr", "yahoo.com", "hotmail.fr", "hotmail.com",
    "outlook.fr", "outlook.com", "live.fr", "live.com", "msn.com", "orange.fr", "wanadoo.fr",
    "free.fr", "sfr.fr", "neuf.fr", "laposte.net", "bbox.fr", "aliceadsl.fr", "numericable.fr",
    "icloud.com", "me.com", "aol.com", "aol.fr", "gmx.fr", "gmx.com", "proton.me",
    "protonmail.com", "tutanota.com", "yandex.com", "mail.com", "riseup.net", "zaclys.net",
    "ecomail.fr", "mailo.com",
}  # fmt: skip
HOSTING_PLATFORMS = {
    "wordpress.com", "wixsite.com", "wix.com", "over-blog.com", "over-blog.fr", "e-monsite.com",
    "jimdofree.com", "jimdo.com", "webnode.fr", "webnode.com", "blogspot.com", "github.io",
    "google.com", "facebook.com", "canalblog.com", "helloasso.com", "sitew.com", "weebly.com",
    "squarespace.com", "pagesperso-orange.fr", "assoconnect.com", "linktr.ee", "instagram.com",
}  # fmt: skip


def registrable(host: str) -> str:
    labels = [label for label in host.strip().strip(".").lower().split(".") if label]
    if len(labels) < 2:
        return ""
    if len(labels) >= 3 and ".".join(labels[-2:]) in SECOND_LEVEL_SUFFIXES:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def website_domain(url: str) -> str:
    try:
        host = urlsplit(url or "").hostname or ""
    except ValueError:
        return ""
    return registrable(host)


def email_domain(email: str) -> str:
    return registrable((email or "").rpartition("@")[2])


def same_organisation(email: str, website: str) -> bool:
    """True when the address is the website's own domain (see the module's rule)."""
    mail, site = email_domain(email), website_domain(website)
    if not mail or not site or mail != site:
        return False
    return mail not in FREE_MAIL and site not in HOSTING_PLATFORMS
