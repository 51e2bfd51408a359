"""SQLModel tables, one module per aggregate; importing this registers them all."""

from paydesk.models.account import Account
from paydesk.models.catalog import Offer, OfferLine, Product
from paydesk.models.customer import Address, Comment, Customer
from paydesk.models.payments import CardTokenizationLink, Gateway, PaymentMethod
from paydesk.models.rate_limit import RateLimitCounter
from paydesk.models.sandbox import SandboxCharge, SandboxRefund, SandboxToken
from paydesk.models.staff import ApiKey, StaffSession, User

__all__ = [
    "Account",
    "Address",
    "ApiKey",
    "CardTokenizationLink",
    "Comment",
    "Customer",
    "Gateway",
    "Offer",
    "OfferLine",
    "PaymentMethod",
    "Product",
    "RateLimitCounter",
    "SandboxCharge",
    "SandboxRefund",
    "SandboxToken",
    "StaffSession",
    "User",
]
