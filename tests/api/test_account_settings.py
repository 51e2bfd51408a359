"""Account settings, and the invoice email they switch on."""

from __future__ import annotations

from starlette.applications import Starlette

from tests.helpers import Api, World, deliver_outbox, resources

UPDATE = """
mutation($i: UpdateAccountInput!) {
  updateAccount(input: $i) {
    account { name defaultCurrency timezone locale emailInvoices }
    userErrors { field code }
  }
}"""
LOG = """
mutation($i: LogTransactionInput!) {
  logTransaction(input: $i) { transaction { id invoice { number lastSentAt } } userErrors { field code } }
}"""


async def test_admins_change_settings_with_checked_values(api: Api, world: World) -> None:
    admin = world.a.caller("admin")

    changed = await api.gql(
        UPDATE,
        admin,
        i={
            "name": "Alpha Outdoors",
            "defaultCurrency": "eur",
            "timezone": "Europe/Berlin",
            "locale": "de-DE",
        },
    )
    bad = await api.gql(
        UPDATE, admin, i={"timezone": "Mars/Olympus", "locale": "xx-??", "defaultCurrency": "XYZ"}
    )
    by_rep = await api.gql(UPDATE, world.a.caller("rep"), i={"emailInvoices": True})

    assert changed["updateAccount"] == {
        "account": {
            "name": "Alpha Outdoors",
            "defaultCurrency": "EUR",
            "timezone": "Europe/Berlin",
            "locale": "de-DE",
            "emailInvoices": False,
        },
        "userErrors": [],
    }
    assert bad["updateAccount"]["userErrors"] == [
        {"field": ["input", "defaultCurrency"], "code": "INVALID"},
        {"field": ["input", "timezone"], "code": "INVALID"},
        {"field": ["input", "locale"], "code": "INVALID"},
    ]
    assert by_rep["updateAccount"]["userErrors"] == [{"field": None, "code": "FORBIDDEN"}]
    viewer = await api.gql("{ viewer { account { name timezone } } }", world.a.caller("viewer"))
    assert viewer["viewer"]["account"] == {"name": "Alpha Outdoors", "timezone": "Europe/Berlin"}


async def test_invoices_are_emailed_only_when_the_account_says_so(
    app: Starlette, api: Api, world: World
) -> None:
    rep = world.a.caller("rep")
    outbox = resources(app).settings.data_dir / "outbox"
    sale = {"customerId": world.a.customer_id, "lines": [{"description": "Show sale", "unitPrice": "20.00"}]}

    quiet = await api.gql(LOG, rep, i=sale)
    await deliver_outbox(app)
    await api.gql(UPDATE, world.a.caller("admin"), i={"emailInvoices": True})
    sent = await api.gql(LOG, rep, i=sale)
    assert list(outbox.glob("*.eml")) == []  # queued with the sale, sent by the outbox job after it commits
    await deliver_outbox(app)

    assert quiet["logTransaction"]["transaction"]["invoice"]["lastSentAt"] is None
    invoice = sent["logTransaction"]["transaction"]["invoice"]
    assert invoice["number"] == "INV-000002"
    messages = [path.read_text() for path in outbox.glob("*.eml")]
    assert len(messages) == 1
    assert "INV-000002" in messages[0]
    assert "To: c@alpha.test" in messages[0]
