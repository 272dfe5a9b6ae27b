"""One way to write an amount of money: ``£1,234.50``, from ``Decimal``, never from a float."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

PENNY = Decimal("0.01")


def format_money(value) -> str:
    """``Decimal("1234.5")`` → ``£1,234.50``; negative amounts as ``-£12.00``; None → ``£0.00``."""
    if value is None or value == "":
        value = Decimal(0)
    if isinstance(value, float):
        raise TypeError("Money is a Decimal, never a float.")
    try:
        amount = Decimal(value).quantize(PENNY, rounding=ROUND_HALF_UP)
    except (InvalidOperation, TypeError, ValueError):
        return ""
    sign = "-" if amount < 0 else ""
    return f"{sign}£{abs(amount):,.2f}"
