"""What a register wrote on a record, and what staff changed since (reads only)."""

from ..models import Initiative


def register_value(value):
    """A field's value as kept in `Initiative.register_values` (JSON; dates as text)."""
    if value is None:
        return None
    return value if isinstance(value, (str, bool, int, float)) else str(value)


def current_value(initiative: Initiative, name: str):
    """The record's value of a field the register owns, in `register_values`' form."""
    if name == "themes":
        return sorted(initiative.themes.values_list("slug", flat=True))
    if name == "coverage":
        return sorted(initiative.coverage.values_list("siren", flat=True))
    return register_value(getattr(initiative, name, None))


def staff_edited_fields(initiative: Initiative) -> list[str]:
    """Fields the register wrote and staff changed since ("edited since import"); the keys
    of `register_values` are attribute names (`commune_id`), plus `themes` and `coverage`."""
    return [
        name
        for name, value in initiative.register_values.items()
        if current_value(initiative, name) != value
    ]
