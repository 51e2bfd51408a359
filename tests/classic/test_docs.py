"""docs/classic-api.md's curl examples, run as written against the demo account `make run` seeds.

Each ``curl`` command of the document is read with shell quoting (shlex)
and sent through the ASGI app with its headers and body; every one must be
answered with HTTP 200 and result code 1.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
from starlette.applications import Starlette

from paydesk.demo import DEMO_API_SECRET, DEMO_APP_ID, seed_demo
from paydesk.unit_of_work import unit_of_work
from tests.helpers import resources
from tests.test_demo import services

DOC = Path(__file__).parents[2] / "docs" / "classic-api.md"
VARIABLES = {"$BASE": "", "$APPID": DEMO_APP_ID, "$KEY": DEMO_API_SECRET}


def curl_commands() -> list[list[str]]:
    """Every curl command in the document's sh blocks, as its arguments."""
    blocks = re.findall(r"```sh\n(.*?)```", DOC.read_text(), re.S)
    commands: list[list[str]] = []
    for block in blocks[1:]:  # the first block sets the variables
        for name, value in VARIABLES.items():
            block = block.replace(name, value)
        for token in shlex.split(block.replace("\\\n", " "), comments=True):
            if token == "curl":
                commands.append([])
            elif commands:
                commands[-1].append(token)
    return commands


async def send(http: httpx.AsyncClient, args: list[str]) -> httpx.Response:
    headers: dict[str, str] = {}
    data: list[str] = []
    encoded: list[tuple[str, str]] = []
    url = ""
    items = iter(args)
    for arg in items:
        if arg == "-s":
            continue
        if arg == "-H":
            name, _, value = next(items).partition(":")
            headers[name.strip()] = value.strip()
        elif arg == "-d":
            data.append(next(items))
        elif arg == "--data-urlencode":
            name, _, value = next(items).partition("=")
            encoded.append((name, value))
        else:
            url = arg
    if not data and not encoded:
        return await http.get(url, headers=headers)
    headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
    body = "&".join([*data, urlencode(encoded)] if encoded else data)
    return await http.post(url, content=body, headers=headers)


async def test_every_curl_example_works_against_the_demo_account(
    app: Starlette, http: httpx.AsyncClient
) -> None:
    async with unit_of_work(resources(app).sessions) as db:
        assert await seed_demo(db, services(app)) is True
    commands = curl_commands()

    answers: list[Any] = []
    for args in commands:
        response = await send(http, args)
        assert response.status_code == 200, (args, response.text)
        answers.append(response.json())

    assert len(commands) == 8
    for answer in answers:
        data = answer.get("data", answer)
        assert answer.get("code", 0) == 0, answer
        assert isinstance(data, list) or data["result_code"] == 1, answer
