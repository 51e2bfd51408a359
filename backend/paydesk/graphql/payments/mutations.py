"""Gateways, cards on file and card tokenization links."""

from __future__ import annotations

import strawberry

from paydesk.auth.roles import Role
from paydesk.card_links import service as card_links
from paydesk.gateways import service as gateways
from paydesk.graphql.context import Info
from paydesk.graphql.payments.inputs import (
    AddGatewayInput,
    CreateCardTokenizationLinkInput,
    RemovePaymentMethodInput,
    RevokeCardTokenizationLinkInput,
    SetDefaultGatewayInput,
    SetDefaultPaymentMethodInput,
    TokenizeCardInput,
    UpdatePaymentMethodInput,
)
from paydesk.graphql.payments.payloads import (
    CardTokenizationLinkPayload,
    GatewayPayload,
    PaymentMethodPayload,
)
from paydesk.graphql.payments.types import CardTokenizationLink, Gateway, PaymentMethod
from paydesk.graphql.permissions import mutation
from paydesk.payment_methods import service as payment_methods
from paydesk.payment_methods.service import Tokenize


@strawberry.type
class PaymentMutations:
    @mutation(
        role=Role.REP,
        description="Put a card on file: checked, tokenized by the gateway, never stored itself.",
    )
    async def tokenize_card(self, info: Info, input: TokenizeCardInput) -> PaymentMethodPayload:
        ctx = info.context
        request = Tokenize(
            customer_id=input.customer_id,
            card=input.card.fields() if input.card else None,
            gateway_token=input.gateway_token,
            gateway_id=input.gateway_id,
            make_default=input.make_default is not False,
        )
        method = await payment_methods.tokenize_card(
            ctx.db, ctx.gateways, ctx.server_secret, ctx.caller, request
        )
        return PaymentMethodPayload(payment_method=PaymentMethod.from_model(method))

    @mutation(role=Role.REP, description="Make a card the customer's default.")
    async def set_default_payment_method(
        self, info: Info, input: SetDefaultPaymentMethodInput
    ) -> PaymentMethodPayload:
        method = await payment_methods.set_default(
            info.context.db, info.context.caller, input.payment_method_id
        )
        return PaymentMethodPayload(payment_method=PaymentMethod.from_model(method))

    @mutation(
        role=Role.REP, description="Change a card's expiry, billing address or name for future charges."
    )
    async def update_payment_method(
        self, info: Info, input: UpdatePaymentMethodInput
    ) -> PaymentMethodPayload:
        method = await payment_methods.update_payment_method(
            info.context.db,
            info.context.caller,
            input.payment_method_id,
            exp_month=input.exp_month,
            exp_year=input.exp_year,
            billing_address_id=input.billing_address_id,
            name_on_card=input.name_on_card,
        )
        return PaymentMethodPayload(payment_method=PaymentMethod.from_model(method))

    @mutation(
        role=Role.REP, description="Take a card off file; it is kept for history and never charged again."
    )
    async def remove_payment_method(
        self, info: Info, input: RemovePaymentMethodInput
    ) -> PaymentMethodPayload:
        method = await payment_methods.remove_payment_method(
            info.context.db, info.context.caller, input.payment_method_id
        )
        return PaymentMethodPayload(payment_method=PaymentMethod.from_model(method))

    @mutation(role=Role.REP, description="Make a single-use link where the customer puts a card on file.")
    async def create_card_tokenization_link(
        self, info: Info, input: CreateCardTokenizationLinkInput
    ) -> CardTokenizationLinkPayload:
        ctx = info.context
        created = await card_links.create_link(
            ctx.db,
            ctx.caller,
            ctx.server_secret,
            ctx.settings.public_url,
            customer_id=input.customer_id,
            expires_at=input.expires_at,
            takes_over_open_orders=bool(input.takes_over_open_orders),
            send_email=bool(input.send_email),
        )
        return CardTokenizationLinkPayload(
            card_tokenization_link=CardTokenizationLink.from_model(created.link)
        )

    @mutation(role=Role.REP, description="Withdraw a card link so it accepts nothing.")
    async def revoke_card_tokenization_link(
        self, info: Info, input: RevokeCardTokenizationLinkInput
    ) -> CardTokenizationLinkPayload:
        link = await card_links.revoke_link(
            info.context.db, info.context.caller, input.card_tokenization_link_id
        )
        return CardTokenizationLinkPayload(card_tokenization_link=CardTokenizationLink.from_model(link))

    @mutation(
        role=Role.ADMIN,
        description="Add a payment gateway; its credentials are encrypted and never shown again.",
    )
    async def add_gateway(self, info: Info, input: AddGatewayInput) -> GatewayPayload:
        ctx = info.context
        creds = input.credentials
        credentials = {
            "secret_key": creds.secret_key if creds else None,
            "webhook_secret": creds.webhook_secret if creds else None,
            "latency_ms": creds.latency_ms if creds else None,
            "fault": creds.fault if creds else None,
        }
        gateway = await gateways.add_gateway(
            ctx.db,
            ctx.server_secret,
            ctx.caller.account_id,
            kind=input.kind,
            name=input.name,
            credentials=credentials,
            make_default=bool(input.make_default),
        )
        return GatewayPayload(gateway=Gateway.from_model(gateway))

    @mutation(role=Role.ADMIN, description="Use this gateway when a request names none.")
    async def set_default_gateway(self, info: Info, input: SetDefaultGatewayInput) -> GatewayPayload:
        gateway = await gateways.set_default(
            info.context.db, info.context.caller.account_id, input.gateway_id
        )
        return GatewayPayload(gateway=Gateway.from_model(gateway))
