"""Every contract lints clean with its own validator, and generated/ matches the contracts."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from graphql import build_schema
from openapi_spec_validator import validate
from openapi_spec_validator.readers import read_from_filename

pytestmark = pytest.mark.contract

REPO = Path(__file__).resolve().parents[2]
CONTRACTS = REPO / "contracts"
NODE_BIN = REPO / "node_modules" / ".bin"
OPENAPI_SPECS = sorted(p for p in (CONTRACTS / "openapi").glob("*.yaml") if p.name != "components.yaml")


def run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=300, check=False)


@pytest.mark.parametrize("spec", OPENAPI_SPECS, ids=lambda p: p.name)
def test_openapi_contract_is_valid_3_0(spec: Path):
    document, base_uri = read_from_filename(str(spec))
    assert document["openapi"].startswith("3.0."), "connexion 3 serves OpenAPI 3.0.x only"
    validate(document, base_uri=base_uri)


@pytest.mark.parametrize("spec", OPENAPI_SPECS, ids=lambda p: p.name)
def test_openapi_errors_are_problem_json(spec: Path):
    document = yaml.safe_load(spec.read_text())
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            assert operation.get("operationId", "").startswith("handlers."), f"{method} {path}"
            for status, response in operation["responses"].items():
                if str(status).startswith(("4", "5")) and "$ref" not in response:
                    assert set(response.get("content", {})) == {"application/problem+json"}, (
                        f"{method.upper()} {path} {status} must answer application/problem+json"
                    )


def test_graphql_sdl_builds():
    for sdl in sorted((CONTRACTS / "graphql").glob("*.graphql")):
        build_schema(sdl.read_text())


def test_proto_passes_buf_lint():
    result = run(str(NODE_BIN / "buf"), "lint", "contracts/proto")
    assert result.returncode == 0, result.stdout + result.stderr


def test_asyncapi_validates():
    result = run(
        "scripts/asyncapi.sh", "validate", "contracts/asyncapi/events.yaml", "--fail-severity", "error"
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_generated_code_matches_contracts():
    result = run("scripts/check_generated.sh")
    assert result.returncode == 0, result.stderr


def test_broken_contract_fails_lint_with_file_and_reason(tmp_path: Path):
    broken = tmp_path / "broken.graphql"
    broken.write_text("type Query { booking(id: ID!): Bookin }\n")
    result = run(sys.executable, "scripts/check_graphql.py", str(broken))
    assert result.returncode == 1
    assert "broken.graphql" in result.stderr and "Bookin" in result.stderr


def test_node_tools_are_installed():
    assert shutil.which("buf", path=str(NODE_BIN)), "run `make install`"
    assert shutil.which("asyncapi", path=str(NODE_BIN)), "run `make install`"
