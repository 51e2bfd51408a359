"""SQLModel tables, one module per aggregate; importing this registers them all."""

from paydesk.models.account import Account
from paydesk.models.customer import Address, Comment, Customer
from paydesk.models.rate_limit import RateLimitCounter
from paydesk.models.staff import ApiKey, StaffSession, User

__all__ = ["Account", "Address", "ApiKey", "Comment", "Customer", "RateLimitCounter", "StaffSession", "User"]
