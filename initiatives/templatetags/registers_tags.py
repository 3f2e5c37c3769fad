from django import template

from initiatives.registers.sources import provenance_line

register = template.Library()


@register.filter
def provenance(initiative) -> str:
    """Where a register's record comes from, for its page ("" for the interco's own)."""
    return provenance_line(initiative)
