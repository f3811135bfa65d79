"""Generated models accept each contract's own examples and reject a mangled one."""

import importlib
from pathlib import Path

import pytest
import yaml
from pydantic import BaseModel, ValidationError

pytestmark = pytest.mark.contract

CONTRACTS = Path(__file__).resolve().parents[2] / "contracts"


def _schema_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def _openapi_examples():
    for spec in sorted((CONTRACTS / "openapi").glob("*.yaml")):
        if spec.name == "components.yaml":
            continue
        document = yaml.safe_load(spec.read_text())
        for path, item in document["paths"].items():
            for method, operation in item.items():
                body = (operation.get("requestBody") or {}).get("content", {}).get("application/json")
                if not body or "$ref" not in body.get("schema", {}):
                    continue
                examples = [e["value"] for e in body.get("examples", {}).values()]
                if "example" in body:
                    examples.append(body["example"])
                for index, example in enumerate(examples):
                    yield pytest.param(
                        f"generated.openapi.{spec.stem}",
                        _schema_name(body["schema"]["$ref"]),
                        example,
                        id=f"{spec.stem}:{method.upper()} {path}#{index}",
                    )


def _asyncapi_examples():
    path = CONTRACTS / "asyncapi" / "events.yaml"
    document = yaml.safe_load(path.read_text())
    for name, message in sorted(document.get("components", {}).get("messages", {}).items()):
        ref = message.get("payload", {}).get("$ref")
        for index, example in enumerate(message.get("examples", [])):
            if ref and "payload" in example:
                yield pytest.param(
                    "generated.events.models",
                    _schema_name(ref),
                    example["payload"],
                    id=f"event:{name}#{index}",
                )


def _mangled(example: dict) -> dict | list:
    """The example with its first field given a value of no JSON Schema type a contract would use."""
    if not example:
        return ["an", "array", "where", "an", "object", "belongs"]
    first = next(iter(example))
    return {**example, first: {"not": ["a", {"valid": "value"}]}}


def _model(module: str, name: str) -> type[BaseModel]:
    model = getattr(importlib.import_module(module), name)
    assert issubclass(model, BaseModel)
    return model


EXAMPLES = [*_openapi_examples(), *_asyncapi_examples()]


def test_every_contract_ships_examples():
    modules = {param.values[0] for param in EXAMPLES}
    assert {"generated.openapi.user", "generated.openapi.cinema", "generated.openapi.payment"} <= modules
    assert "generated.events.models" in modules


@pytest.mark.parametrize(("module", "name", "example"), EXAMPLES)
def test_generated_model_accepts_contract_example(module: str, name: str, example: dict):
    _model(module, name).model_validate(example)


@pytest.mark.parametrize(("module", "name", "example"), EXAMPLES)
def test_generated_model_rejects_mangled_example(module: str, name: str, example: dict):
    with pytest.raises(ValidationError):
        _model(module, name).model_validate(_mangled(example))
