"""Inputs for gateways, cards on file and card links."""

from __future__ import annotations

from datetime import datetime

import strawberry

from paydesk.payment_methods.service import CardFields


@strawberry.input(
    description="A card as the cardholder typed it. Checked, sent to the gateway, never stored."
)
class CardInput:
    number: str = strawberry.field(description="12 to 19 digits; spaces and dashes are ignored.")
    exp_month: int = strawberry.field(description="1 to 12.")
    exp_year: int = strawberry.field(description="Four digits; two are read as 20YY.")
    cvc: str | None = strawberry.field(default=None, description="3 digits, 4 for American Express.")
    name_on_card: str | None = strawberry.field(default=None, description="The cardholder's name.")

    def fields(self) -> CardFields:
        return CardFields(self.number, self.exp_month, self.exp_year, self.cvc, self.name_on_card)


@strawberry.input(description="Exactly one of card and gatewayToken.")
class TokenizeCardInput:
    customer_id: strawberry.ID = strawberry.field(description="The customer, prefix cus_.")
    card: CardInput | None = strawberry.field(default=None, description="A card to put on file.")
    gateway_token: str | None = strawberry.field(
        default=None,
        description="A token the gateway issued, e.g. a Stripe PaymentMethod id from Stripe's card fields.",
    )
    gateway_id: strawberry.ID | None = strawberry.field(
        default=None, description="Defaults to the account's default gateway."
    )
    make_default: bool | None = strawberry.field(
        default=True, description="Make it the customer's default card (the first card always is)."
    )


@strawberry.input(description="A card to charge by default from now on.")
class SetDefaultPaymentMethodInput:
    payment_method_id: strawberry.ID = strawberry.field(description="The card, prefix pm_.")


@strawberry.input(description="Changes to a card on file for its future charges; omitted fields stay.")
class UpdatePaymentMethodInput:
    payment_method_id: strawberry.ID = strawberry.field(description="The card, prefix pm_.")
    exp_month: int | None = strawberry.field(default=None, description="New expiry month, 1 to 12.")
    exp_year: int | None = strawberry.field(default=None, description="New expiry year.")
    billing_address_id: strawberry.ID | None = strawberry.field(
        default=None, description="One of the customer's addresses, prefix addr_."
    )
    name_on_card: str | None = strawberry.field(default=None, description="The cardholder's name.")


@strawberry.input(description="A card to take off file.")
class RemovePaymentMethodInput:
    payment_method_id: strawberry.ID = strawberry.field(description="The card, prefix pm_.")


@strawberry.input(description="A link where the customer puts a card on file.")
class CreateCardTokenizationLinkInput:
    customer_id: strawberry.ID = strawberry.field(description="The customer, prefix cus_.")
    expires_at: datetime | None = strawberry.field(default=None, description="Omitted: seven days from now.")
    send_email: bool | None = strawberry.field(default=False, description="Email the link to the customer.")
    takes_over_open_orders: bool | None = strawberry.field(
        default=False, description="The new card also becomes the card of the customer's open orders."
    )


@strawberry.input(description="A card link to withdraw.")
class RevokeCardTokenizationLinkInput:
    card_tokenization_link_id: strawberry.ID = strawberry.field(description="The link, prefix clink_.")


@strawberry.input(
    description="The secrets of a gateway; only those of its kind are used, and none is ever returned."
)
class GatewayCredentialsInput:
    secret_key: str | None = strawberry.field(
        default=None, description="Stripe: the secret or restricted key."
    )
    webhook_secret: str | None = strawberry.field(
        default=None,
        description=(
            "Stripe: the signing secret (whsec_...) of the webhook endpoint made in Stripe for "
            "Gateway.webhookUrl; refunds and disputes made in Stripe then show here. Never returned."
        ),
    )
    latency_ms: int | None = strawberry.field(
        default=None, description="Sandbox: milliseconds to wait before each answer (fault tests)."
    )
    fault: str | None = strawberry.field(
        default=None, description="Sandbox: timeout_before, timeout_after or server_error (fault tests)."
    )


@strawberry.input(description="A payment gateway for the account.")
class AddGatewayInput:
    kind: str = strawberry.field(description="sandbox or stripe.")
    name: str = strawberry.field(description="A name staff recognise.")
    credentials: GatewayCredentialsInput | None = strawberry.field(
        default=None, description="Its secrets; encrypted at rest."
    )
    make_default: bool | None = strawberry.field(
        default=False, description="Use it when a request names no gateway."
    )


@strawberry.input(description="The gateway to use when a request names none.")
class SetDefaultGatewayInput:
    gateway_id: strawberry.ID = strawberry.field(description="The gateway, prefix gw_.")
