"""The classic Payments API (``POST /payments.php``, ``/1/``): a thin adapter beside the GraphQL API.

Integrations written for the classic API post a form (urlencoded or
multipart) with ``appid``, ``key``, ``reqType`` and ``data`` (a JSON
object). This package translates and holds no business rule:

- ``auth``: the API key, from the form or the GraphQL API's headers;
- ``catalog`` and ``requests``: the request types, the role each needs,
  and their two steps (look up in a read-only session, then write);
- ``fields``: reading ``data``; ``references``: per-account numbers to ids;
- ``sale`` and ``lists``: calling the same services as GraphQL;
- ``manual`` and ``objects``: ``POST /1/transaction/processManual`` (JSON,
  charged or logged) and ``GET /1/objects`` (the lists by object type);
- ``answers``: the classic JSON answers and result codes.

The routes (``paydesk.web.payments_php`` and ``classic_v1``, through
``classic_door``) own the unit of work. docs/classic-api.md documents it all.

Every answer is JSON with a ``result_code`` (1 good, 2 bad data, 3 gateway
account, 4 our API, 5 remote gateway API, 6 gateway credentials, 7
connection) and a ``message``:

- malformed input (no or unknown ``reqType``, ``data`` not a JSON object, a
  missing key, a wrong type, an unknown number, an invalid or expired
  card): HTTP 200, code 2, the message led by the key (``products[1].unit:
  ...``), nothing charged or written, as the classic API did;
- a sale: HTTP 200 and its outcome's code (a decline is 2 in plain words, a
  sale the gateway has not answered is 7 with its transaction id);
- missing or wrong credentials: HTTP 401, code 2, "Authentication
  required." and nothing else;
- a role too low for the request type (a VIEWER key selling): HTTP 403,
  code 2, a message naming the role needed and the key's role. The
  refusal is the caller's to fix, like bad data, so not code 4 (our
  fault); the 403 lets HTTP-aware clients tell it from a bad field;
- over the per-account rate limit shared with GraphQL: HTTP 429 with the
  same headers, code 4;
- a body that is not a readable form: HTTP 413, 415 or 400, code 2;
- an internal failure: HTTP 500, code 4, the request id, no detail.
"""
