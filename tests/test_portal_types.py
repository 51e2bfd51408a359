"""The portal's types come from schema.graphql at build time: a schema change that breaks the portal fails.

Each case builds the portal's types (graphql-codegen, then tsc) in a copy of
frontend/ beside a changed copy of schema.graphql, the way `make setup` does.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FRONTEND = ROOT / "frontend"
VIEWER_ROLE = '  """The caller\'s role: the user\'s, or the API key\'s."""\n  role: Role!\n}'


def build_types(tmp_path: Path, schema: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "schema.graphql").write_text(schema)
    copy = tmp_path / "frontend"
    copy.mkdir()
    for name in ("codegen.ts", "tsconfig.json", "package.json", "vite.config.ts", "vitest.config.ts"):
        shutil.copy(FRONTEND / name, copy / name)
    shutil.copytree(FRONTEND / "src", copy / "src", ignore=shutil.ignore_patterns("gql"))
    (copy / "node_modules").symlink_to(FRONTEND / "node_modules")
    return subprocess.run(
        ["npm", "run", "--silent", "typecheck"],
        cwd=copy,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "NO_COLOR": "1"},
    )


@pytest.fixture(autouse=True)
def npm_packages() -> None:
    if not (FRONTEND / "node_modules" / ".bin" / "graphql-codegen").exists():
        raise RuntimeError("frontend/node_modules is not installed (make setup installs it)")


def test_the_committed_schema_builds_the_portal(tmp_path: Path) -> None:
    built = build_types(tmp_path, (ROOT / "schema.graphql").read_text())

    assert built.returncode == 0, built.stdout + built.stderr


def test_a_field_the_portal_reads_removed_from_the_schema_fails_the_build(tmp_path: Path) -> None:
    schema = (ROOT / "schema.graphql").read_text()
    without = re.sub(r'\n  """[^"]*"""\n  lastPayment: Transaction\n', "\n", schema)
    assert len(without) < len(schema)

    built = build_types(tmp_path, without)

    assert built.returncode != 0
    assert 'Cannot query field "lastPayment" on type "Customer"' in built.stdout + built.stderr


def test_a_field_whose_type_changes_under_the_portal_fails_the_type_check(tmp_path: Path) -> None:
    schema = (ROOT / "schema.graphql").read_text()
    assert schema.count(VIEWER_ROLE) == 1

    built = build_types(tmp_path, schema.replace(VIEWER_ROLE, VIEWER_ROLE.replace("Role!", "String!")))

    assert built.returncode != 0
    assert "error TS" in built.stdout + built.stderr
