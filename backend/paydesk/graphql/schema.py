"""The schema, composed from each domain's queries and mutations."""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import ASTValidationRule, GraphQLError
from strawberry.extensions import AddValidationRules, MaxTokensLimiter, ParserCache, ValidationCache
from strawberry.extensions.max_aliases import create_validator as max_aliases_rule
from strawberry.extensions.query_depth_limiter import create_validator as max_depth_rule
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from paydesk.graphql.accounts.mutations import AccountMutations
from paydesk.graphql.accounts.queries import AccountQueries
from paydesk.graphql.catalog.mutations import CatalogMutations
from paydesk.graphql.catalog.queries import CatalogQueries
from paydesk.graphql.coupons.mutations import CouponMutations
from paydesk.graphql.customers.mutations import CustomerMutations
from paydesk.graphql.customers.queries import CustomerQueries
from paydesk.graphql.email_templates.mutations import EmailTemplateMutations
from paydesk.graphql.email_templates.queries import EmailTemplateQueries
from paydesk.graphql.events.queries import EventQueries
from paydesk.graphql.execution import DirectLeafExecution
from paydesk.graphql.invoices.mutations import InvoiceMutations
from paydesk.graphql.invoices.queries import InvoiceQueries
from paydesk.graphql.node_queries import NodeQueries
from paydesk.graphql.payment_requests.mutations import PaymentRequestMutations
from paydesk.graphql.payment_requests.queries import PaymentRequestQueries
from paydesk.graphql.payments.mutations import PaymentMutations
from paydesk.graphql.payments.queries import PaymentQueries
from paydesk.graphql.referrals.mutations import ReferralMutations
from paydesk.graphql.referrals.queries import ReferralQueries
from paydesk.graphql.resolvers import lean
from paydesk.graphql.sales.actions import TransactionActionMutations
from paydesk.graphql.sales.mutations import SalesMutations
from paydesk.graphql.sales.queries import SalesQueries
from paydesk.graphql.sales.void_preview import VoidPreviewQueries
from paydesk.graphql.scalars import SCALARS
from paydesk.graphql.subscriptions.mutations import SubscriptionMutations
from paydesk.graphql.subscriptions.queries import SubscriptionQueries
from paydesk.graphql.webhooks.mutations import WebhookMutations
from paydesk.graphql.webhooks.queries import WebhookQueries

# Limits that keep one request's cost bounded; the portal's deepest query is far below each.
MAX_DEPTH = 12
MAX_ALIASES = 100
MAX_TOKENS = 5_000


@strawberry.type(
    description=(
        "Everything a caller can read, always within its own account. Each query is priced before it runs: "
        "a scalar or enum field 0, an object field 1 plus what it selects, a connection 1 plus first (or "
        "its default) times one node, a list of objects its bound (100 where none is documented) times "
        "one element, introspection 0; a mutation costs 10 per root field. A query over the maximum "
        "(100,000 by default) is refused with MAX_COST_EXCEEDED; every answer reports extensions.cost "
        "(requestedQueryCost, actualQueryCost, maximumQueryCost, throttleStatus). Example: "
        "customers(first: 2) { edges { node { transactions(first: 2) { edges { node { id } } } } } } "
        "costs 1 + 2 x (1 + 1 + 2 x 1) = 9."
    )
)
class Query(
    NodeQueries,
    AccountQueries,
    CustomerQueries,
    PaymentQueries,
    CatalogQueries,
    SalesQueries,
    VoidPreviewQueries,
    InvoiceQueries,
    ReferralQueries,
    SubscriptionQueries,
    PaymentRequestQueries,
    EventQueries,
    WebhookQueries,
    EmailTemplateQueries,
):
    pass


@strawberry.type(description="Everything a caller can change; each returns a payload with userErrors.")
class Mutation(
    AccountMutations,
    CustomerMutations,
    PaymentMutations,
    CatalogMutations,
    SalesMutations,
    TransactionActionMutations,
    CouponMutations,
    ReferralMutations,
    InvoiceMutations,
    SubscriptionMutations,
    PaymentRequestMutations,
    WebhookMutations,
    EmailTemplateMutations,
):
    pass


# Built once: the validation cache is keyed on the rule classes, so rules made per request never hit it.
LIMIT_RULES: list[type[ASTValidationRule]] = [max_depth_rule(MAX_DEPTH, None), max_aliases_rule(MAX_ALIASES)]


class PaydeskSchema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """The HTTP endpoint logs errors itself, scrubbed and with the request id."""


def build_schema() -> PaydeskSchema:
    extensions: list[Any] = [
        lambda: ParserCache(maxsize=256),
        lambda: ValidationCache(maxsize=256),
        lambda: AddValidationRules(LIMIT_RULES),
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
    ]
    built = PaydeskSchema(
        query=Query,
        mutation=Mutation,
        config=StrawberryConfig(scalar_map=SCALARS),
        extensions=extensions,
        execution_context_class=DirectLeafExecution,
    )
    lean(built)
    return built


schema = build_schema()
