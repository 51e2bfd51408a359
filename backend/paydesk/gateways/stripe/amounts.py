"""Money in Stripe's units, and the currencies Stripe presents.

Stripe wants an integer ``amount`` in what it calls the currency's smallest
unit, but its idea of that unit is not always ISO 4217's
(https://docs.stripe.com/currencies):

- zero-decimal currencies (JPY, KRW, ...) take whole units. MGA has two
  decimals in ISO 4217 but none at Stripe, so only whole ariary can be sent.
- three-decimal currencies (BHD, JOD, KWD, OMR, TND) take thousandths, but
  the last digit must be 0 for Stripe's card partners: 5.124 KWD cannot be
  sent at all.
- ISK has no decimals in ISO 4217 but two at Stripe, "for backwards
  compatibility": 5 ISK is sent as 500, and Stripe refuses anything not
  divisible by 100.
- HUF and TWD are zero-decimal for Stripe payouts only; charges and refunds
  take two decimals, as in ISO 4217.

An amount Stripe cannot represent is refused with ``AmountError``, never
rounded: a rounded charge is a different charge from the one the customer
agreed to.
"""

from __future__ import annotations

from paydesk.money import Money, exponent, is_currency

_ZERO_DECIMAL_CODES = "BIF CLP DJF GNF JPY KMF KRW MGA PYG RWF UGX VND VUV XAF XOF XPF"
ZERO_DECIMAL = frozenset(_ZERO_DECIMAL_CODES.split())
THREE_DECIMAL = frozenset({"BHD", "JOD", "KWD", "OMR", "TND"})
# Stripe's amounts in these must be a multiple of this many of its units.
STEP = {**dict.fromkeys(THREE_DECIMAL, 10), "ISK": 100}

# Stripe's presentment currencies for cards, from https://docs.stripe.com/currencies.
# Codes withdrawn from ISO 4217 (STD; ANG and BGN in newer tables) fall out in ``stripe_currencies``.
_PRESENTMENT_CODES = """
    USD AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BWP BYN
    BZD CAD CDF CHF CLP CNY COP CRC CVE CZK DJF DKK DOP DZD EGP ETB EUR FJD FKP GBP GEL GIP GMD GNF
    GTQ GYD HKD HNL HTG HUF IDR ILS INR ISK JMD JOD JPY KES KGS KHR KMF KRW KWD KYD KZT LAK LBP LKR
    LRD LSL MAD MDL MGA MKD MMK MNT MOP MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN
    PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SEK SGD SHP SLE SOS SRD STD SZL THB TJS TND
    TOP TRY TTD TWD TZS UAH UGX UYU UZS VND VUV WST XAF XCD XOF XPF YER ZAR ZMW
"""
PRESENTMENT = frozenset(_PRESENTMENT_CODES.split())


class AmountError(ValueError):
    """An amount or currency Stripe cannot take; the message is for staff."""


def stripe_currencies() -> list[str]:
    """Stripe's presentment currencies that paydesk can hold as money, sorted."""
    return sorted(code for code in PRESENTMENT if is_currency(code))


def stripe_exponent(currency: str) -> int:
    if currency in ZERO_DECIMAL:
        return 0
    if currency in THREE_DECIMAL:
        return 3
    return 2


def to_stripe_amount(money: Money) -> int:
    """The ``amount`` Stripe expects for ``money``; AmountError when Stripe cannot take it exactly."""
    if money.currency not in PRESENTMENT or not is_currency(money.currency):
        raise AmountError(f"Stripe does not accept {money.currency}.")
    shift = stripe_exponent(money.currency) - exponent(money.currency)
    factor: int = 10 ** abs(shift)
    if shift >= 0:
        units = money.minor_units * factor
    elif money.minor_units % factor:
        raise AmountError(
            f"Stripe takes only whole units of {money.currency}; {money.amount} cannot be sent."
        )
    else:
        units = money.minor_units // factor
    step = STEP.get(money.currency, 1)
    if units % step:
        raise AmountError(f"Stripe cannot take {money.amount} {money.currency}: {_step_rule(money.currency)}")
    return units


def _step_rule(currency: str) -> str:
    if currency == "ISK":
        return "it takes whole krónur only."
    return "its card partners take amounts whose last decimal is 0."


def from_stripe_amount(units: int, currency: str) -> int:
    """Minor units of ``currency`` (ISO 4217) for an ``amount`` Stripe reports in its own units."""
    code = currency.upper()
    shift: int = stripe_exponent(code) - exponent(code)
    factor: int = 10 ** abs(shift)
    return units // factor if shift >= 0 else units * factor
