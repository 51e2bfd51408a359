"""The email editor's preview frame (POST /email-preview): the email's own HTML with a policy of its
own (inline styles only, sandboxed, framed by the portal only), for signed-in staff posting from the
portal; anyone else gets a short refusal and nothing rendered."""

from __future__ import annotations

from tests.helpers import Api, World, sign_in

FORM = {
    "kind": "RECEIPT",
    "subject": "Thanks: {{ number }}",
    "body": "Hello {{ customer_name }} <b>there</b>: {{ url }}",
}


async def test_staff_see_the_email_with_inline_styles_allowed_and_nothing_else(
    api: Api, world: World
) -> None:
    token = await sign_in(api, "viewer@alpha.test")

    response = await api.http.post(
        "/email-preview",
        data=FORM,
        headers={"cookie": f"paydesk_session={token}", "sec-fetch-site": "same-origin"},
    )

    assert response.status_code == 200
    csp = response.headers["content-security-policy"]
    assert "style-src 'unsafe-inline'" in csp
    assert "script-src" not in csp
    assert "default-src 'none'" in csp
    assert "sandbox" in csp
    assert "frame-ancestors 'self'" in csp
    assert response.headers["cache-control"] == "no-store"
    assert "Hello Ada &lt;b&gt;there&lt;/b&gt;:" in response.text
    assert '<a href="https://pay.example/invoice/sample"' in response.text
    assert "Account alpha" in response.text  # the account's own name, in the footer


async def test_the_builtin_wording_previews_with_its_own_html(api: Api, world: World) -> None:
    token = await sign_in(api, "viewer@alpha.test")
    listed = await api.gql("query { emailTemplates { kind subject body } }", world.a.caller("viewer"))
    receipt = next(t for t in listed["emailTemplates"] if t["kind"] == "RECEIPT")

    response = await api.http.post(
        "/email-preview",
        data={"kind": "RECEIPT", "subject": receipt["subject"], "body": receipt["body"]},
        headers={"cookie": f"paydesk_session={token}"},
    )

    assert response.status_code == 200
    assert "View your invoice" in response.text


async def test_refused_wording_says_why_and_renders_nothing(api: Api, world: World) -> None:
    token = await sign_in(api, "viewer@alpha.test")

    response = await api.http.post(
        "/email-preview",
        data={**FORM, "body": "{{ nope }} {{ url }}"},
        headers={"cookie": f"paydesk_session={token}"},
    )

    assert response.status_code == 200
    assert "The template does not render" in response.text
    assert "nope" in response.text
    assert "Traceback" not in response.text


async def test_no_session_another_site_or_an_unknown_email_gets_no_preview(api: Api, world: World) -> None:
    token = await sign_in(api, "viewer@alpha.test")

    anonymous = await api.http.post("/email-preview", data=FORM)
    foreign = await api.http.post(
        "/email-preview",
        data=FORM,
        headers={"cookie": f"paydesk_session={token}", "sec-fetch-site": "cross-site"},
    )
    unknown = await api.http.post(
        "/email-preview",
        data={**FORM, "kind": "PASSWORD_RESET"},
        headers={"cookie": f"paydesk_session={token}"},
    )
    expired = await api.http.post(
        "/email-preview", data=FORM, headers={"cookie": "paydesk_session=" + "x" * 43}
    )

    assert (anonymous.status_code, foreign.status_code, unknown.status_code, expired.status_code) == (
        401,
        403,
        400,
        401,
    )
    for refused in (anonymous, foreign, unknown, expired):
        assert "pay.example" not in refused.text
        assert refused.headers["content-security-policy"].startswith("default-src 'none'")
