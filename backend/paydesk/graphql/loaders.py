"""DataLoaders, made afresh for each request: a list of keys in, results in key order out."""

from __future__ import annotations

import asyncio
from asyncio import Future
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlmodel.ext.asyncio.session import AsyncSession
from strawberry.dataloader import DataLoader

from paydesk.accounts import service as accounts
from paydesk.auth import service as auth
from paydesk.auth.principal import Principal
from paydesk.card_links import service as card_links
from paydesk.customers import service as customers
from paydesk.customers.records import AddressRecord, CommentRecord, CustomerRecord
from paydesk.gateways import service as gateways
from paydesk.models import (
    Account,
    CardTokenizationLink,
    Gateway,
    OfferLine,
    PaymentMethod,
    Product,
    Transaction,
    TransactionEvent,
    User,
)
from paydesk.offers import service as offers
from paydesk.pagination import Page, PageRequest
from paydesk.payment_methods import service as payment_methods
from paydesk.payment_methods.records import CardRecord
from paydesk.products import service as products
from paydesk.transactions import queries as sales
from paydesk.transactions.records import LineRecord, RefundRecord, SaleRecord

T = TypeVar("T")


@dataclass
class Loaders:
    """Batch loaders for one request and one caller."""

    db: AsyncSession
    principal: Principal | None
    account: DataLoader[str, Account | None] = field(init=False)
    customer: DataLoader[str, CustomerRecord | None] = field(init=False)
    user: DataLoader[str, User | None] = field(init=False)
    addresses: DataLoader[str, list[AddressRecord]] = field(init=False)
    comments: DataLoader[tuple[str, int], Page[CommentRecord]] = field(init=False)
    gateway: DataLoader[str, Gateway | None] = field(init=False)
    payment_method: DataLoader[str, PaymentMethod | None] = field(init=False)
    payment_methods: DataLoader[tuple[str, bool], list[CardRecord]] = field(init=False)
    card_links: DataLoader[str, list[CardTokenizationLink]] = field(init=False)
    product: DataLoader[str, Product | None] = field(init=False)
    offer_lines: DataLoader[str, list[OfferLine]] = field(init=False)
    transaction: DataLoader[str, Transaction | None] = field(init=False)
    last_payment: DataLoader[str, SaleRecord | None] = field(init=False)
    transaction_lines: DataLoader[str, list[LineRecord]] = field(init=False)
    transaction_events: DataLoader[str, list[TransactionEvent]] = field(init=False)
    refunds: DataLoader[str, list[RefundRecord]] = field(init=False)

    _kept: dict[str, Any] = field(init=False, default_factory=dict)

    def keep(self, key: str, make: Callable[[], T]) -> T:
        """A per-request object of another API module (its own loaders), made on first use."""
        if key not in self._kept:
            self._kept[key] = make()
        kept: T = self._kept[key]
        return kept

    def __post_init__(self) -> None:
        self.account = DataLoader(self._accounts)
        self.customer = DataLoader(self._customers)
        self.user = DataLoader(self._users)
        self.addresses = DataLoader(self._addresses)
        self.comments = DataLoader(self._comments)
        self.gateway = DataLoader(self._gateways)
        self.payment_method = DataLoader(self._payment_method)
        self.payment_methods = DataLoader(self._payment_methods)
        self.card_links = DataLoader(self._card_links)
        self.product = DataLoader(self._products)
        self.offer_lines = DataLoader(self._offer_lines)
        self.transaction = DataLoader(self._transactions)
        self.last_payment = DataLoader(self._last_payments)
        self.transaction_lines = DataLoader(self._transaction_lines)
        self.transaction_events = DataLoader(self._transaction_events)
        self.refunds = DataLoader(self._refunds)

    @property
    def _caller(self) -> Principal:
        assert self.principal is not None, "loaders run for authenticated callers only"
        return self.principal

    async def _accounts(self, keys: Sequence[str]) -> list[Account | None]:
        # Only the caller's own account is ever visible.
        own = await accounts.get_account(self.db, self._caller.account_id)
        return [own if k == self._caller.account_id else None for k in keys]

    async def _customers(self, keys: Sequence[str]) -> list[CustomerRecord | None]:
        found = {c.id: c for c in await customers.customers_by_ids(self.db, self._caller, keys)}
        return [found.get(k) for k in keys]

    async def _users(self, keys: Sequence[str]) -> list[User | None]:
        found = {u.id: u for u in await auth.users_by_ids(self.db, self._caller, keys)}
        return [found.get(k) for k in keys]

    async def _addresses(self, keys: Sequence[str]) -> list[list[AddressRecord]]:
        grouped: dict[str, list[AddressRecord]] = {k: [] for k in keys}
        for address in await customers.addresses_of(self.db, self._caller, keys):
            grouped[address.customer_id].append(address)
        return [grouped[k] for k in keys]

    async def _comments(self, keys: Sequence[tuple[str, int]]) -> list[Page[CommentRecord]]:
        """First pages of comments; keys are (customer id, page size), batched per size."""
        pages: dict[tuple[str, int], Page[CommentRecord]] = {}
        for size in {size for _, size in keys}:
            ids = [cid for cid, s in keys if s == size]
            request = PageRequest(size, None)
            for cid, page in zip(
                ids, await customers.comment_pages(self.db, self._caller, ids, request), strict=True
            ):
                pages[(cid, size)] = page
        return [pages[k] for k in keys]

    async def _gateways(self, keys: Sequence[str]) -> list[Gateway | None]:
        found = {g.id: g for g in await gateways.gateways_by_ids(self.db, list(keys))}
        return [
            g if g is not None and g.account_id == self._caller.account_id else None
            for g in map(found.get, keys)
        ]

    async def _payment_method(self, keys: Sequence[str]) -> list[PaymentMethod | None]:
        return [await payment_methods.get_payment_method(self.db, self._caller, k) for k in keys]

    async def _payment_methods(self, keys: Sequence[tuple[str, bool]]) -> list[list[CardRecord]]:
        """Cards of each customer; keys are (customer id, include removed)."""
        ids = list({cid for cid, _ in keys})
        every = await payment_methods.card_records_of(self.db, self._caller, ids, include_removed=True)
        # Grouped once, in the order found (a scan of every card per key was quadratic in the page).
        grouped: dict[str, list[CardRecord]] = {cid: [] for cid in ids}
        for method in every:
            grouped.setdefault(method.customer_id, []).append(method)
        return [
            list(grouped[cid]) if removed else [m for m in grouped[cid] if m.removed_at is None]
            for cid, removed in keys
        ]

    async def _card_links(self, keys: Sequence[str]) -> list[list[CardTokenizationLink]]:
        grouped: dict[str, list[CardTokenizationLink]] = {k: [] for k in keys}
        for link in await card_links.links_of(self.db, self._caller, keys):
            grouped.setdefault(link.customer_id, []).append(link)
        return [grouped[k] for k in keys]

    async def _products(self, keys: Sequence[str]) -> list[Product | None]:
        found = {p.id: p for p in await products.products_by_ids(self.db, self._caller, keys)}
        return [found.get(k) for k in keys]

    async def _offer_lines(self, keys: Sequence[str]) -> list[list[OfferLine]]:
        """Lines of offers the caller has already resolved (so of its account), in order."""
        grouped: dict[str, list[OfferLine]] = {k: [] for k in keys}
        for line in await offers.lines_of(self.db, keys):
            grouped[line.offer_id].append(line)
        return [grouped[k] for k in keys]

    async def _transactions(self, keys: Sequence[str]) -> list[Transaction | None]:
        found = {t.id: t for t in await sales.transactions_by_ids(self.db, self._caller, keys)}
        return [found.get(k) for k in keys]

    async def _last_payments(self, keys: Sequence[str]) -> list[SaleRecord | None]:
        """Each customer's newest paid sale; keys are customer ids."""
        found = await sales.last_payments(self.db, self._caller, keys)
        return [found.get(k) for k in keys]

    async def _transaction_lines(self, keys: Sequence[str]) -> list[list[LineRecord]]:
        grouped: dict[str, list[LineRecord]] = {k: [] for k in keys}
        for line in await sales.line_records_of(self.db, keys):
            grouped[line.transaction_id].append(line)
        return [grouped[k] for k in keys]

    async def _transaction_events(self, keys: Sequence[str]) -> list[list[TransactionEvent]]:
        grouped: dict[str, list[TransactionEvent]] = {k: [] for k in keys}
        for event in await sales.events_of(self.db, keys):
            grouped[event.transaction_id].append(event)
        return [grouped[k] for k in keys]

    async def _refunds(self, keys: Sequence[str]) -> list[list[RefundRecord]]:
        grouped: dict[str, list[RefundRecord]] = {k: [] for k in keys}
        for refund in await sales.refund_records_of(self.db, keys):
            grouped[refund.transaction_id].append(refund)
        return [grouped[k] for k in keys]


K = TypeVar("K")


async def load_into(loader: DataLoader[K, T], keys: Sequence[K]) -> None:
    """Load ``keys`` into ``loader`` by its batch function, as ``load_many`` would (in batches of its
    ``max_batch_size`` when it has one), each key's future made already settled (``prime_many``) for
    ``loaded`` and ``settled`` to read.

    ``load_many`` makes a pending future per key, a task for the batch, and a gather whose callback runs
    once per key when the batch settles them: some 4 us a key, and a page of 100 customers primes 200.
    Keys the loader already holds or waits for are left to it. An exception the batch function answers
    for a key is raised, as ``load_many`` raises the first.
    """
    missing = [key for key in dict.fromkeys(keys) if loader.cache_map.get(key) is None]
    size = loader.max_batch_size or len(missing)
    for start in range(0, len(missing), size or 1):
        batch = missing[start : start + size]
        found: dict[K, T] = {}
        for key, value in zip(batch, await loader.load_fn(batch), strict=True):
            if isinstance(value, BaseException):
                raise value
            found[key] = value
        loader.prime_many(found)
    waiting = [
        future for key in keys if (future := loader.cache_map.get(key)) is not None and not future.done()
    ]
    if waiting:
        await asyncio.gather(*waiting)


def loaded(loader: DataLoader[K, list[T]], key: K) -> list[T] | None:
    """What a list loader already holds for ``key``, or None when it has not loaded it yet.

    Lets a resolver answer synchronously when its page primed the loader (graphql-core then completes
    the field without a future, a task and an await), and fall back to ``load`` otherwise.
    """
    future = settled(loader, key)
    return None if future is None else future.result()


def settled(loader: DataLoader[K, T], key: K) -> Future[T] | None:
    """The loader's future for ``key`` when it already holds a value (None included), else None: ``loaded``
    for loaders whose value may be None."""
    future = loader.cache_map.get(key)
    if future is None or not future.done() or future.cancelled() or future.exception() is not None:
        return None
    return future
