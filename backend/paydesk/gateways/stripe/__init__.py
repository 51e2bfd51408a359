"""Stripe over httpx: ``StripeGateway`` implements the gateway protocol; ``StripeClient`` speaks HTTP.

Build one per configured gateway from its stored credentials, with the app's
shared ``httpx.AsyncClient`` and ``Settings.stripe_api_base``::

    StripeGateway({"secret_key": "sk_live_..."}, http, settings.stripe_api_base)
"""

from paydesk.gateways.stripe.adapter import StripeGateway
from paydesk.gateways.stripe.client import StripeClient

__all__ = ["StripeClient", "StripeGateway"]
