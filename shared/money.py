"""Money is integer euro cents on the wire and in storage; Decimal euros for people."""

from decimal import ROUND_DOWN, Decimal
from typing import Annotated

from pydantic import Field

from shared.text import MAX_CENTS

EuroCents = Annotated[
    int, Field(strict=True, ge=0, le=MAX_CENTS, description="amount in euro cents")
]

_CENT = Decimal("0.01")


def euros_to_cents(euros: Decimal | int | str) -> int:
    """Convert euros to cents, refusing fractions of a cent (and floats)."""
    if isinstance(euros, float):  # pragma: no cover - guarded by the type checker too
        raise TypeError("money must not be a float")
    amount = Decimal(euros)
    if amount != amount.quantize(_CENT):
        raise ValueError(f"{amount} euros has fractions of a cent")
    return int(amount * 100)


def cents_to_euros(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(_CENT)


def apply_rate(cents: int, rate: Decimal) -> int:
    """cents x rate, rounded down to the cent (grant amounts never round up)."""
    return int((Decimal(cents) * rate).to_integral_value(rounding=ROUND_DOWN))


def format_eur(cents: int) -> str:
    """German notation: 1.234.567,89 €."""
    whole, frac = divmod(cents, 100)
    return f"{whole:,}".replace(",", ".") + f",{frac:02d} €"
