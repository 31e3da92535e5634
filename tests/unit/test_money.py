from decimal import Decimal

import pytest
from pydantic import BaseModel, ValidationError

from shared.money import EuroCents, apply_rate, cents_to_euros, euros_to_cents, format_eur


def test_euros_and_cents_convert_exactly() -> None:
    assert euros_to_cents(Decimal("96000000")) == 9_600_000_000
    assert euros_to_cents("0.07") == 7
    assert cents_to_euros(12345) == Decimal("123.45")


def test_fractions_of_a_cent_are_refused() -> None:
    with pytest.raises(ValueError, match="fractions of a cent"):
        euros_to_cents("1.005")


def test_grant_amounts_round_down_to_the_cent() -> None:
    assert apply_rate(100_001, Decimal("0.6")) == 60_000  # 600.006 euros -> 600.00
    assert apply_rate(25_000_00, Decimal("0.4")) == 10_000_00


def test_money_on_the_wire_is_never_a_float() -> None:
    class Amount(BaseModel):
        cents: EuroCents

    with pytest.raises(ValidationError):
        Amount.model_validate({"cents": 10.5})
    with pytest.raises(ValidationError):
        Amount.model_validate({"cents": -1})
    assert Amount.model_validate_json('{"cents": 1050}').cents == 1050


def test_german_notation() -> None:
    assert format_eur(123456789) == "1.234.567,89 €"
