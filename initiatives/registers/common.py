"""What every reader needs: layouts checked by column name, codes restored, SIRET checked,
communes found (read-only), NAF codes turned into themes from the committed table."""

import csv
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from django.utils.translation import gettext as _

from intercos.models import Commune
from intercos.places import _one_edit_apart, place_key

from ..validators import siret_is_valid

NAF_TABLE = Path(__file__).parent / "data" / "naf_themes.csv"
_SPACES = re.compile(r"\s+")


class LayoutError(ValueError):
    """The file is not in the register's layout (the message names the missing columns)."""


def clean(text: str | None) -> str:
    """Leading, trailing and repeated spaces removed ("920   RTE X" -> "920 RTE X")."""
    return _SPACES.sub(" ", text or "").strip()


def zero_padded(code: str, width: int) -> str:
    """A code that lost its leading zeros in a spreadsheet: "7122" -> "07122"; "" stays ""."""
    code = clean(code)
    return code.zfill(width) if code.isdigit() else code.upper()


def departement_code(code: str) -> str:
    """ "7", "07", "007" -> "07"; "26", "026" -> "26"; "2A" stays "2A"."""
    code = clean(code).upper()
    if code.isdigit():
        return str(int(code)).zfill(2)
    return code.lstrip("0")


def siret_problem(siret: str) -> str:
    """Why a SIRET is refused ("" when it is valid or absent)."""
    if not siret:
        return ""
    if not siret_is_valid(siret):
        return _("SIRET invalide (14 chiffres et clé de contrôle) : « %(siret)s »") % {
            "siret": siret
        }
    return ""


def sniff_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM) when the start of the file decodes as such, else cp1252."""
    head = path.open("rb").read(1 << 16)
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a character cut at the end of the sample
            return "cp1252"
    return "utf-8-sig"


def csv_rows(path: Path, *, delimiter: str, required: tuple[str, ...], source: str) -> Iterator:
    """(line number, row as a dict) of a CSV file read by column name, streamed; extra
    columns are accepted, missing ones raise LayoutError naming them."""
    with path.open(encoding=sniff_encoding(path), newline="") as handle:
        reader = csv.DictReader(handle, delimiter=delimiter)
        header = [name.strip() for name in reader.fieldnames or []]
        missing = [name for name in required if name not in header]
        if missing:
            raise LayoutError(
                _(
                    "%(file)s n'est pas au format « %(source)s » : colonnes manquantes : "
                    "%(columns)s."
                )
                % {"file": path.name, "source": source, "columns": ", ".join(missing)}
            )
        reader.fieldnames = header
        yield from enumerate(reader, start=2)


def commune_by_insee(insee: str) -> Commune | None:
    return Commune.objects.filter(insee=insee).only("insee", "name", "postcodes").first()


def commune_by_postcode_and_name(postcode: str, name: str) -> tuple[Commune | None, str]:
    """The one commune of this postcode with this name, abbreviated or upper-case ("ST
    AGREVE", "TAIN L HERMITAGE") or one letter off; (None, reason) when there is none or
    several: a row is never placed by guessing."""
    key = place_key(name)
    pool = list(Commune.objects.matching(postcode).only("insee", "name", "postcodes"))
    pool = [c for c in pool if postcode in c.postcodes.split()]
    for same in (
        [c for c in pool if place_key(c.name) == key],
        [c for c in pool if _one_edit_apart(place_key(c.name), key)],
    ):
        if len(same) == 1:
            return same[0], ""
        if len(same) > 1:
            break
    reason = _("commune introuvable : « %(name)s » (code postal %(postcode)s)") % {
        "name": name,
        "postcode": postcode,
    }
    return None, reason


@cache
def naf_themes() -> dict[str, str]:
    """NAF code without its dot ("8810C") -> theme slug, from data/naf_themes.csv."""
    with NAF_TABLE.open(encoding="utf-8", newline="") as handle:
        return {row["naf"].replace(".", "").upper(): row["theme"] for row in csv.DictReader(handle)}


def theme_of(naf: str) -> str:
    """The theme slug of a NAF code ("" when the table has none for it)."""
    return naf_themes().get(clean(naf).replace(".", "").upper(), "")
