"""Reading territorial reference data into plain records, validated before any write.

Two formats are understood:
- the npm package `@etalab/decoupage-administratif` (a `.tgz` from `npm pack`, or its
  `package/data` folder): communes.json, epci.json, departements.json;
- the official geographic API's format (geo.api.gouv.fr answers saved as files, as in
  `../shared/data/territoires`): communes.json, epcis.json, departements.json.
"""

import io
import json
import re
import tarfile
from dataclasses import dataclass, field
from pathlib import Path

INSEE_RE = re.compile(r"^([0-9]{2}|2A|2B)[0-9]{3}$")
SIREN_RE = re.compile(r"^[0-9]{9}$")
DEP_RE = re.compile(r"^([0-9]{2}|2A|2B|9[78][0-9])$")
POSTCODE_RE = re.compile(r"^[0-9]{5}$")
KINDS = {"CC": "CC", "CA": "CA", "CU": "CU", "METRO": "METRO", "MET69": "METRO"}
NPM_FILES = ("communes.json", "epci.json", "departements.json")
GEO_FILES = ("communes.json", "epcis.json", "departements.json")


class ReferenceError(ValueError):
    """The input is not usable; the message says which file and record."""


@dataclass
class CommuneRecord:
    insee: str
    name: str
    departement: str
    postcodes: list[str]
    population: int | None
    interco: str | None = None


@dataclass
class IntercoRecord:
    siren: str
    name: str
    kind: str
    population: int | None
    members: list[str] = field(default_factory=list)


@dataclass
class Reference:
    departements: dict[str, str | None]  # code -> name (None: not in the source's list)
    intercos: dict[str, IntercoRecord]
    communes: dict[str, CommuneRecord]
    regions: dict[str, str] = field(default_factory=dict)  # département code -> région code


# --- reading files ----------------------------------------------------------------------


def _read_json(raw: bytes, name: str):
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ReferenceError(f"{name}: JSON illisible ({exc})") from exc


def read_files(path: Path) -> tuple[str, dict[str, object]]:
    """Return (format, {file name: parsed JSON}) for a tarball or a folder."""
    path = Path(path)
    if not path.exists():
        raise ReferenceError(f"{path}: introuvable")
    if path.is_file():
        return _read_tarball(path)
    for fmt, names in (("npm", NPM_FILES), ("geo", GEO_FILES)):
        for folder in (path, path / "data", path / "package" / "data"):
            if all((folder / n).is_file() for n in names):
                return fmt, {n: _read_json((folder / n).read_bytes(), n) for n in names}
    raise ReferenceError(
        f"{path}: ni {', '.join(NPM_FILES)} (paquet npm) ni {', '.join(GEO_FILES)} (API géo)"
    )


def _read_tarball(path: Path) -> tuple[str, dict[str, object]]:
    try:
        with tarfile.open(path, "r:*") as tar:
            files = {}
            for member in tar.getmembers():
                name = member.name.rsplit("/", 1)[-1]
                if member.isfile() and member.name.endswith(f"data/{name}") and name in NPM_FILES:
                    extracted = tar.extractfile(member)
                    files[name] = _read_json(io.BufferedReader(extracted).read(), name)
    except tarfile.TarError as exc:
        raise ReferenceError(f"{path}: archive illisible ({exc})") from exc
    missing = [n for n in NPM_FILES if n not in files]
    if missing:
        raise ReferenceError(f"{path}: fichiers absents de l'archive : {', '.join(missing)}")
    return "npm", files


# --- validation helpers -----------------------------------------------------------------


def _list_of_objects(data, name: str) -> list[dict]:
    if not isinstance(data, list) or not all(isinstance(x, dict) for x in data):
        raise ReferenceError(f"{name}: une liste d'objets JSON est attendue")
    return data


def _get(obj: dict, key: str, name: str, pattern: re.Pattern | None = None) -> str:
    value = obj.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ReferenceError(f"{name}: champ « {key} » manquant ou vide dans {_short(obj)}")
    if pattern and not pattern.match(value):
        raise ReferenceError(f"{name}: « {key} » invalide ({value!r}) dans {_short(obj)}")
    return value.strip()


def _population(obj: dict, keys: tuple[str, ...], name: str) -> int | None:
    for key in keys:
        if key in obj and obj[key] is not None:
            value = obj[key]
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ReferenceError(f"{name}: population invalide ({value!r}) dans {_short(obj)}")
            return value
    return None


def _postcodes(obj: dict, name: str) -> list[str]:
    codes = obj.get("codesPostaux") or []
    if not isinstance(codes, list) or not all(
        isinstance(c, str) and POSTCODE_RE.match(c) for c in codes
    ):
        raise ReferenceError(f"{name}: codes postaux invalides dans {_short(obj)}")
    return sorted(set(codes))


def _short(obj: dict) -> str:
    return "{" + ", ".join(f"{k}: {obj[k]!r}" for k in ("code", "nom") if k in obj) + "}"


# --- parsing both formats -----------------------------------------------------------------


def parse(fmt: str, files: dict[str, object]) -> Reference:
    deps_name = "departements.json"
    departements = {
        _get(d, "code", deps_name, DEP_RE): _get(d, "nom", deps_name)
        for d in _list_of_objects(files[deps_name], deps_name)
    }
    regions = {
        d["code"]: str(d.get("region") or d.get("codeRegion") or "")
        for d in files[deps_name]
        if d.get("region") or d.get("codeRegion")
    }
    communes: dict[str, CommuneRecord] = {}
    for c in _list_of_objects(files["communes.json"], "communes.json"):
        if fmt == "npm" and c.get("type", "commune-actuelle") != "commune-actuelle":
            continue
        insee = _get(c, "code", "communes.json", INSEE_RE)
        dep = _get(c, "departement" if fmt == "npm" else "codeDepartement", "communes.json", DEP_RE)
        communes[insee] = CommuneRecord(
            insee=insee,
            name=_get(c, "nom", "communes.json"),
            departement=dep,
            postcodes=_postcodes(c, "communes.json"),
            population=_population(c, ("population",), "communes.json"),
        )
    epci_name = "epci.json" if fmt == "npm" else "epcis.json"
    intercos: dict[str, IntercoRecord] = {}
    for e in _list_of_objects(files[epci_name], epci_name):
        siren = _get(e, "code", epci_name, SIREN_RE)
        kind = KINDS.get(_get(e, "type", epci_name))
        if kind is None:
            raise ReferenceError(f"{epci_name}: type inconnu ({e.get('type')!r}) dans {_short(e)}")
        raw_members = e.get("membres")
        if not isinstance(raw_members, list):
            raise ReferenceError(f"{epci_name}: « membres » manquant dans {_short(e)}")
        members = [m.get("code") if isinstance(m, dict) else m for m in raw_members]
        if not all(isinstance(m, str) and INSEE_RE.match(m) for m in members):
            raise ReferenceError(f"{epci_name}: code INSEE de membre invalide dans {_short(e)}")
        intercos[siren] = IntercoRecord(
            siren=siren,
            name=_get(e, "nom", epci_name),
            kind=kind,
            population=_population(e, ("populationTotale", "population"), epci_name),
            members=members,
        )
    for ic in intercos.values():
        for insee in ic.members:
            if insee in communes:
                communes[insee].interco = ic.siren
    return Reference(
        departements=departements, intercos=intercos, communes=communes, regions=regions
    )


def select(ref: Reference, departement_codes: list[str]) -> Reference:
    """The asked départements' communes, every interco touching them, all their members."""
    wanted = set(departement_codes)
    unknown = wanted - set(ref.departements)
    if unknown:
        raise ReferenceError(f"départements inconnus : {', '.join(sorted(unknown))}")
    intercos = {
        siren: ic
        for siren, ic in ref.intercos.items()
        if any(ref.communes.get(m) and ref.communes[m].departement in wanted for m in ic.members)
    }
    insees = {c.insee for c in ref.communes.values() if c.departement in wanted}
    for ic in intercos.values():
        missing = [m for m in ic.members if m not in ref.communes]
        if missing:
            raise ReferenceError(f"{ic.name}: communes membres absentes : {', '.join(missing[:5])}")
        insees.update(ic.members)
    communes = {insee: ref.communes[insee] for insee in sorted(insees)}
    # A département outside the asked ones may be missing from a partial geo-API extract:
    # it is created with its code as name and never renamed by such a source.
    deps = {c.departement for c in communes.values()}
    return Reference(
        departements={code: ref.departements.get(code) for code in sorted(deps)},
        intercos=intercos,
        communes=communes,
        regions={code: ref.regions[code] for code in deps if code in ref.regions},
    )


def load_reference(path: Path, departement_codes: list[str]) -> Reference:
    fmt, files = read_files(path)
    return select(parse(fmt, files), departement_codes)
