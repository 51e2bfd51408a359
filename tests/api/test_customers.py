"""The customer slice of the API, end to end over HTTP."""

from __future__ import annotations

from tests.helpers import Api, World

CREATE = """
mutation($i: CreateCustomerInput!) {
  createCustomer(input: $i) {
    customer { id firstName lastName email phone addresses { id } comments { totalCount } }
    userErrors { field code message }
  }
}"""

UPDATE = """
mutation($i: UpdateCustomerInput!) {
  updateCustomer(input: $i) { customer { id firstName lastName email phone } userErrors { field code message } }
}"""

ADD_ADDRESS = """
mutation($i: AddAddressInput!) {
  addAddress(input: $i) { address { id line1 line2 city state postalCode country } userErrors { field code message } }
}"""

ADD_COMMENT = """
mutation($i: AddCommentInput!) {
  addComment(input: $i) { comment { id body createdAt author { email role } } userErrors { field code message } }
}"""

LIST = """
query($first: Int, $after: String, $search: String) {
  customers(first: $first, after: $after, search: $search) {
    totalCount
    edges { cursor node { id firstName email } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}"""


async def test_create_customer_returns_it_with_empty_collections(api: Api, world: World) -> None:
    rep = world.a.caller("rep")

    data = await api.gql(
        CREATE, rep, i={"firstName": " Ada ", "lastName": "Lovelace", "email": "Ada@Example.COM"}
    )

    payload = data["createCustomer"]
    assert payload["userErrors"] == []
    customer = payload["customer"]
    assert customer["id"].startswith("cus_")
    assert len(customer["id"]) == 26
    assert customer["firstName"] == "Ada"
    assert customer["lastName"] == "Lovelace"
    assert customer["email"] == "ada@example.com"
    assert customer["phone"] is None
    assert customer["addresses"] == []
    assert customer["comments"] == {"totalCount": 0}


async def test_create_customer_validates_every_field_at_once(api: Api, world: World) -> None:
    data = await api.gql(
        CREATE, world.a.caller("rep"), i={"firstName": "x" * 101, "email": "not-an-email", "phone": "call me"}
    )

    errors = data["createCustomer"]["userErrors"]
    assert data["createCustomer"]["customer"] is None
    assert [(e["field"], e["code"]) for e in errors] == [
        (["input", "firstName"], "INVALID"),
        (["input", "email"], "INVALID"),
        (["input", "phone"], "INVALID"),
    ]


async def test_create_customer_needs_a_name_or_email(api: Api, world: World) -> None:
    data = await api.gql(CREATE, world.a.caller("rep"), i={"phone": "+1 555 0100"})

    assert data["createCustomer"]["userErrors"] == [
        {
            "field": ["input", "firstName"],
            "code": "REQUIRED",
            "message": "Give at least a first name, a last name or an email.",
        }
    ]


async def test_update_customer_changes_given_fields_and_clears_nulls(api: Api, world: World) -> None:
    rep = world.a.caller("rep")
    created = await api.gql(
        CREATE, rep, i={"firstName": "Grace", "lastName": "Hopper", "phone": "+1 555 0100"}
    )
    customer_id = created["createCustomer"]["customer"]["id"]

    data = await api.gql(UPDATE, rep, i={"customerId": customer_id, "email": "grace@navy.mil", "phone": None})

    assert data["updateCustomer"] == {
        "customer": {
            "id": customer_id,
            "firstName": "Grace",
            "lastName": "Hopper",
            "email": "grace@navy.mil",
            "phone": None,
        },
        "userErrors": [],
    }


async def test_update_customer_cannot_remove_every_name(api: Api, world: World) -> None:
    rep = world.a.caller("rep")
    created = await api.gql(CREATE, rep, i={"firstName": "Solo"})
    customer_id = created["createCustomer"]["customer"]["id"]

    data = await api.gql(UPDATE, rep, i={"customerId": customer_id, "firstName": None})

    assert [e["code"] for e in data["updateCustomer"]["userErrors"]] == ["REQUIRED"]
    again = await api.gql("query($id: ID!) { customer(id: $id) { firstName } }", rep, id=customer_id)
    assert again["customer"] == {"firstName": "Solo"}


async def test_add_address_normalises_country_and_shows_on_customer(api: Api, world: World) -> None:
    rep = world.a.caller("rep")

    data = await api.gql(
        ADD_ADDRESS,
        rep,
        i={
            "customerId": world.a.customer_id,
            "line1": "350 Fifth Avenue",
            "city": "New York",
            "state": "NY",
            "postalCode": "10118",
            "country": "us",
        },
    )

    address = data["addAddress"]["address"]
    assert data["addAddress"]["userErrors"] == []
    assert address["id"].startswith("addr_")
    assert (address["line1"], address["line2"], address["city"], address["country"]) == (
        "350 Fifth Avenue",
        None,
        "New York",
        "US",
    )
    customer = await api.gql(
        "query($id: ID!) { customer(id: $id) { addresses { id country } } }", rep, id=world.a.customer_id
    )
    assert customer["customer"]["addresses"] == [{"id": address["id"], "country": "US"}]


async def test_add_address_rejects_unknown_country_and_missing_fields(api: Api, world: World) -> None:
    data = await api.gql(
        ADD_ADDRESS,
        world.a.caller("rep"),
        i={"customerId": world.a.customer_id, "line1": " ", "city": "Paris", "country": "XX"},
    )

    errors = data["addAddress"]["userErrors"]
    assert [(e["field"], e["code"]) for e in errors] == [
        (["input", "line1"], "REQUIRED"),
        (["input", "country"], "INVALID"),
    ]


async def test_add_comment_records_author_and_lists_newest_first(api: Api, world: World) -> None:
    rep = world.a.caller("rep")
    first = await api.gql(
        ADD_COMMENT, rep, i={"customerId": world.a.customer_id, "body": "Called about renewal."}
    )
    second = await api.gql(
        ADD_COMMENT,
        world.a.caller("apikey"),
        i={"customerId": world.a.customer_id, "body": "Synced from CRM."},
    )

    assert first["addComment"]["comment"]["author"] == {"email": "rep@alpha.test", "role": "REP"}
    assert second["addComment"]["comment"]["author"] is None
    data = await api.gql(
        "query($id: ID!) { customer(id: $id) { comments(first: 1) { totalCount edges { node { body } } "
        "pageInfo { hasNextPage endCursor } } } }",
        rep,
        id=world.a.customer_id,
    )
    comments = data["customer"]["comments"]
    assert comments["totalCount"] == 2
    assert [e["node"]["body"] for e in comments["edges"]] == ["Synced from CRM."]
    assert comments["pageInfo"]["hasNextPage"] is True
    rest = await api.gql(
        "query($id: ID!, $after: String) { customer(id: $id) { comments(first: 5, after: $after) { "
        "edges { node { body } } pageInfo { hasNextPage hasPreviousPage } } } }",
        rep,
        id=world.a.customer_id,
        after=comments["pageInfo"]["endCursor"],
    )
    assert [e["node"]["body"] for e in rest["customer"]["comments"]["edges"]] == ["Called about renewal."]
    assert rest["customer"]["comments"]["pageInfo"] == {"hasNextPage": False, "hasPreviousPage": True}


async def test_add_comment_requires_a_body(api: Api, world: World) -> None:
    data = await api.gql(
        ADD_COMMENT, world.a.caller("rep"), i={"customerId": world.a.customer_id, "body": "  "}
    )

    assert data["addComment"]["userErrors"] == [
        {"field": ["input", "body"], "code": "REQUIRED", "message": "Comment is required."}
    ]


async def test_customers_are_newest_first_with_keyset_pages(api: Api, world: World) -> None:
    rep = world.a.caller("rep")
    names = [f"Page{n}" for n in range(5)]
    for name in names:
        await api.gql(CREATE, rep, i={"firstName": name})

    first = await api.gql(LIST, rep, first=2)
    conn = first["customers"]
    assert conn["totalCount"] == 6  # the tenant's own customer plus five
    assert [e["node"]["firstName"] for e in conn["edges"]] == ["Page4", "Page3"]
    assert conn["pageInfo"]["hasNextPage"] is True
    assert conn["pageInfo"]["hasPreviousPage"] is False
    assert conn["pageInfo"]["startCursor"] == conn["edges"][0]["cursor"]
    # A customer added between pages does not shift the next page.
    await api.gql(CREATE, rep, i={"firstName": "Late"})
    second = await api.gql(LIST, rep, first=3, after=conn["pageInfo"]["endCursor"])
    assert [e["node"]["firstName"] for e in second["customers"]["edges"]] == ["Page2", "Page1", "Page0"]
    third = await api.gql(LIST, rep, first=3, after=second["customers"]["pageInfo"]["endCursor"])
    assert [e["node"]["firstName"] for e in third["customers"]["edges"]] == ["Cus"]
    assert third["customers"]["pageInfo"]["hasNextPage"] is False


async def test_search_matches_name_email_and_phone_ignoring_case(api: Api, world: World) -> None:
    rep = world.a.caller("rep")
    await api.gql(CREATE, rep, i={"firstName": "Marie", "lastName": "Curie", "email": "marie@radium.fr"})
    await api.gql(CREATE, rep, i={"firstName": "Pierre", "phone": "+33 1 4567 8900"})
    await api.gql(CREATE, rep, i={"firstName": "100%_Literal"})

    async def found(term: str) -> list[str]:
        data = await api.gql(LIST, rep, search=term)
        return [e["node"]["firstName"] for e in data["customers"]["edges"]]

    assert await found("CURIE") == ["Marie"]
    assert await found("marie curie") == ["Marie"]
    assert await found("RADIUM.FR") == ["Marie"]
    assert await found("4567") == ["Pierre"]
    assert await found("%_") == ["100%_Literal"]
    assert await found("nobody") == []


async def test_page_size_over_100_is_bad_user_input(api: Api, world: World) -> None:
    response = await api.post({"query": "{ customers(first: 101) { totalCount } }"}, world.a.caller("rep"))

    body = response.json()
    assert response.status_code == 200
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert body["errors"][0]["message"] == "first: at most 100"


async def test_a_foreign_cursor_is_bad_user_input(api: Api, world: World) -> None:
    response = await api.post(
        {"query": '{ customers(after: "bm90LWEtY3Vyc29y") { totalCount } }'}, world.a.caller("rep")
    )

    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_node_resolves_every_kind_of_the_callers_account(api: Api, world: World) -> None:
    rep = world.a.caller("rep")
    address = await api.gql(
        ADD_ADDRESS,
        rep,
        i={"customerId": world.a.customer_id, "line1": "1 Main St", "city": "Springfield", "country": "US"},
    )
    comment = await api.gql(ADD_COMMENT, rep, i={"customerId": world.a.customer_id, "body": "Hello"})
    ids = {
        "Account": world.a.account_id,
        "User": world.a.owner_id,
        "Customer": world.a.customer_id,
        "Address": address["addAddress"]["address"]["id"],
        "Comment": comment["addComment"]["comment"]["id"],
    }
    for typename, node_id in ids.items():
        data = await api.gql("query($id: ID!) { node(id: $id) { __typename id } }", rep, id=node_id)
        assert data["node"] == {"__typename": typename, "id": node_id}
        other = await api.gql("query($id: ID!) { node(id: $id) { id } }", world.b.caller("owner"), id=node_id)
        assert other["node"] is None
    for junk in ["cus_short", "nope", "cus_" + "!" * 22, ""]:
        data = await api.gql("query($id: ID!) { node(id: $id) { id } }", rep, id=junk)
        assert data["node"] is None


async def test_viewer_answers_for_users_and_api_keys(api: Api, world: World) -> None:
    query = "{ viewer { account { id name defaultCurrency timezone locale } user { email role } role } }"

    as_admin = await api.gql(query, world.a.caller("admin"))
    as_key = await api.gql(query, world.a.caller("apikey"))

    account = {
        "id": world.a.account_id,
        "name": "Account alpha",
        "defaultCurrency": "USD",
        "timezone": "UTC",
        "locale": "en-US",
    }
    assert as_admin["viewer"] == {
        "account": account,
        "user": {"email": "admin@alpha.test", "role": "ADMIN"},
        "role": "ADMIN",
    }
    assert as_key["viewer"] == {"account": account, "user": None, "role": "ADMIN"}
