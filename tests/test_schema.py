"""The committed schema.graphql is the schema we serve, and every part of it is documented."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from graphql import GraphQLEnumType, GraphQLInputObjectType, GraphQLInterfaceType, GraphQLObjectType

from paydesk.graphql.schema import schema

ROOT = Path(__file__).resolve().parents[1]
CONTRACT = ROOT.parent / "shared" / "tools" / "check_contract.py"


def test_schema_graphql_is_not_stale() -> None:
    committed = (ROOT / "schema.graphql").read_text()

    assert committed == schema.as_str() + "\n", "schema.graphql is stale: run `make schema`"


def test_every_type_field_argument_and_enum_value_has_a_description() -> None:
    missing: list[str] = []
    for name, gql_type in schema._schema.type_map.items():
        if name.startswith("__") or name in {"String", "Int", "Boolean", "ID", "Float"}:
            continue
        if not gql_type.description:
            missing.append(name)
        if isinstance(gql_type, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType):
            for field_name, field in gql_type.fields.items():
                if not field.description:
                    missing.append(f"{name}.{field_name}")
                for arg_name, arg in getattr(field, "args", {}).items():
                    if not arg.description:
                        missing.append(f"{name}.{field_name}({arg_name})")
        if isinstance(gql_type, GraphQLEnumType):
            missing.extend(f"{name}.{v}" for v, value in gql_type.values.items() if not value.description)

    assert missing == []


def test_the_built_parts_of_the_spine_hold() -> None:
    makefile = (ROOT / "Makefile").read_text()
    only = next(
        line.split(":=", 1)[1].strip() for line in makefile.splitlines() if line.startswith("CONTRACT :=")
    )

    result = subprocess.run(
        [sys.executable, str(CONTRACT), str(ROOT / "schema.graphql"), "--only", only],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stdout
    assert result.stdout.strip() == "contract: the schema holds the named parts of the spine"
