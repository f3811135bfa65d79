"""The AsyncAPI document FastStream derives from the code matches contracts/asyncapi/events.yaml:
channels, messages and payload schemas; and asyncapi/ holds the current runtime document."""

import json

import pytest
import yaml

from handlers.common.settings import REPO_ROOT
from handlers.notification.asyncapi import specification

pytestmark = pytest.mark.contract

CONTRACT = yaml.safe_load((REPO_ROOT / "contracts" / "asyncapi" / "events.yaml").read_text())
EXCHANGE = "cinemesh.events"


@pytest.fixture(scope="module")
def runtime() -> dict:
    return specification()


def ref_name(node: dict) -> str:
    return node["$ref"].rsplit("/", 1)[-1]


def shape(schema: dict, schemas: dict) -> object:
    """A comparable summary of a JSON schema: types, refs, properties, required, items."""
    if "$ref" in schema:
        return ("ref", ref_name(schema))
    if "allOf" in schema:  # the contract's envelope + override, flattened as pydantic flattens it
        merged: dict = {"type": "object", "properties": {}, "required": []}
        for part in schema["allOf"]:
            part = schemas[ref_name(part)] if "$ref" in part else part
            merged["properties"].update(part.get("properties", {}))
            merged["required"] += part.get("required", [])
        return shape(merged, schemas)
    if "const" in schema:
        return ("const", schema["const"])
    options = schema.get("anyOf") or [schema]
    types: set = set()
    for option in options:
        kind = option.get("type")
        types.update(kind if isinstance(kind, list) else [kind])
        if "$ref" in option:
            types.add(("ref", ref_name(option)))
    result: dict = {"types": frozenset(types)}
    if "properties" in schema:
        result["properties"] = {name: shape(sub, schemas) for name, sub in schema["properties"].items()}
        result["required"] = frozenset(schema.get("required", []))
    if "items" in schema:
        result["items"] = shape(schema["items"], schemas)
    if "enum" in schema and len(schema["enum"]) == 1:
        return ("const", schema["enum"][0])
    return result


def channels_by_action(document: dict) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {"send": set(), "receive": set()}
    for operation in document["operations"].values():
        channel = document["channels"][ref_name(operation["channel"])]
        found[operation["action"]].add(channel["address"])
    return found


def payload_by_address(document: dict, action: str) -> dict[str, str]:
    payloads = {}
    for operation in document["operations"].values():
        if operation["action"] != action:
            continue
        channel = document["channels"][ref_name(operation["channel"])]
        (message_ref,) = channel["messages"].values()
        message = document["components"]["messages"][ref_name(message_ref)]
        payloads[channel["address"]] = ref_name(message["payload"])
    return payloads


def test_channels_are_the_contracts_routing_keys(runtime):
    contract, actual = channels_by_action(CONTRACT), channels_by_action(runtime)
    assert actual["send"] == contract["send"] == set(CONTRACT["channels"])
    assert actual["receive"] == contract["receive"]


def test_every_channel_is_on_the_topic_exchange(runtime):
    for operation in runtime["operations"].values():
        if operation["action"] == "send":
            channel = runtime["channels"][ref_name(operation["channel"])]
            assert channel["bindings"]["amqp"]["exchange"]["name"] == EXCHANGE
            assert channel["bindings"]["amqp"]["exchange"]["type"] == "topic"
            assert operation["bindings"]["amqp"]["deliveryMode"] == 2  # persistent


@pytest.mark.parametrize("action", ["send", "receive"])
def test_messages_carry_the_contracts_payloads(runtime, action):
    contract = payload_by_address(CONTRACT, action)
    assert payload_by_address(runtime, action) == {address: contract[address] for address in contract}


def test_payload_schemas_match(runtime):
    contract_schemas = CONTRACT["components"]["schemas"]
    runtime_schemas = runtime["components"]["schemas"]
    payloads = set(payload_by_address(CONTRACT, "send").values())
    data = {name for name in contract_schemas if name.endswith("Data")} | {"Money"}
    assert payloads | data <= set(runtime_schemas)
    for name in sorted(payloads | data):
        expected = shape(contract_schemas[name], contract_schemas)
        actual = shape(runtime_schemas[name], runtime_schemas)
        assert actual == expected, name


def test_asyncapi_folder_holds_the_current_runtime_document(runtime):
    written = json.loads((REPO_ROOT / "asyncapi" / "asyncapi.json").read_text())
    assert written == json.loads(json.dumps(runtime)), "stale: run `make asyncapi-docs`"
