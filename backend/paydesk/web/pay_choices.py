"""What the payer chose on the pay page, read from the form and shown again after every answer.

Kept: the payment-method choice, "keep this card", the coupon the total was
priced with, and the card's name and expiry (``card_form.Kept``). The card
number and security code are never kept. Applying a coupon is its own step:
the page carries the code the shown total was priced with (``applied_coupon``),
and a Pay whose coupon field says something else applies that first and
charges nothing, so a payer is only ever charged the total the button showed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from starlette.datastructures import FormData

from paydesk.coupons.service import code_key
from paydesk.web.card_form import Kept

NEW_CARD = "new"
_MAX_COUPON = 64
_MAX_CHOICE = 40


@dataclass(frozen=True)
class Choices:
    """The form's answers, as the page shows them again."""

    card: Kept = field(default_factory=Kept)
    # A card on file's id, NEW_CARD, or "" for the page's default (the first card on file).
    payment_method: str = ""
    keep_card: bool = False
    # The code the shown total is priced with ("" for none), and the code in the field.
    applied_coupon: str = ""
    typed_coupon: str = ""

    def checked(self, card_ids: list[str]) -> str:
        """The radio shown checked: what the payer chose, else the first card on file."""
        if self.payment_method == NEW_CARD or self.payment_method in card_ids:
            return self.payment_method
        return card_ids[0] if card_ids else NEW_CARD

    @property
    def coupon_pending(self) -> bool:
        """The coupon field says something other than what the total was priced with."""
        return code_key(self.typed_coupon) != code_key(self.applied_coupon)

    def with_coupon(self, code: str) -> Choices:
        """The same answers with ``code`` applied (and shown in the field); "" for none."""
        return Choices(self.card, self.payment_method, self.keep_card, code, code)


def _text(form: FormData, name: str, limit: int) -> str:
    value = form.get(name)
    return value.strip()[:limit] if isinstance(value, str) else ""


def read(form: FormData, card: Kept, *, allow_coupon: bool) -> Choices:
    """The payer's answers; coupon fields are ignored on a request that takes no coupon."""
    return Choices(
        card=card,
        payment_method=_text(form, "payment_method", _MAX_CHOICE),
        keep_card=form.get("keep_card") == "yes",
        applied_coupon=_text(form, "applied_coupon", _MAX_COUPON) if allow_coupon else "",
        typed_coupon=_text(form, "coupon_code", _MAX_COUPON) if allow_coupon else "",
    )
