"""SQLModel tables, one module per aggregate; importing this registers them all."""

from paydesk.models.account import Account
from paydesk.models.catalog import Offer, OfferLine, Product
from paydesk.models.customer import Address, Comment, Customer
from paydesk.models.email_templates import EmailTemplate
from paydesk.models.numbers import NumberCounter
from paydesk.models.outbox import Event, OutgoingEmail
from paydesk.models.payment_requests import PaymentRequest
from paydesk.models.payments import CardTokenizationLink, Gateway, PaymentMethod
from paydesk.models.rate_limit import RateLimitCounter
from paydesk.models.referrals import Commission, Partner
from paydesk.models.sales import (
    Coupon,
    CouponRedemption,
    IdempotencyRecord,
    Invoice,
    InvoiceCounter,
    InvoiceTemplate,
    Refund,
    Transaction,
    TransactionEvent,
    TransactionLine,
)
from paydesk.models.sandbox import SandboxCharge, SandboxRefund, SandboxToken
from paydesk.models.staff import ApiKey, StaffSession, User
from paydesk.models.stripe_events import StripeEvent
from paydesk.models.subscriptions import Subscription
from paydesk.models.webhooks import WebhookDelivery, WebhookEndpoint

__all__ = [
    "Account",
    "Address",
    "ApiKey",
    "CardTokenizationLink",
    "Comment",
    "Commission",
    "Coupon",
    "CouponRedemption",
    "Customer",
    "EmailTemplate",
    "Event",
    "Gateway",
    "IdempotencyRecord",
    "Invoice",
    "InvoiceCounter",
    "InvoiceTemplate",
    "NumberCounter",
    "Offer",
    "OfferLine",
    "OutgoingEmail",
    "Partner",
    "PaymentMethod",
    "PaymentRequest",
    "Product",
    "RateLimitCounter",
    "Refund",
    "SandboxCharge",
    "SandboxRefund",
    "SandboxToken",
    "StaffSession",
    "StripeEvent",
    "Subscription",
    "Transaction",
    "TransactionEvent",
    "TransactionLine",
    "User",
    "WebhookDelivery",
    "WebhookEndpoint",
]
