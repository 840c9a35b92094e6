from django import template

from core.money import euros as format_euros

register = template.Library()


@register.filter
def euros(amount, decimals=0):
    """{{ call.max_amount|euros }}, {{ eoi.budget_requested|euros:2 }}"""
    if amount in (None, ""):
        return "—"
    return format_euros(amount, int(decimals))
