"""The redacting body validator names fields and rules, never the values sent."""

import pytest
from connexion.exceptions import BadRequestProblem

from handlers.common.validation import RedactingJSONBodyValidator

pytestmark = pytest.mark.unit

SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["password"],
    "properties": {"password": {"type": "string", "maxLength": 8}, "kind": {"enum": ["a", "b"]}},
}


@pytest.fixture
def validator() -> RedactingJSONBodyValidator:
    return RedactingJSONBodyValidator(schema=SCHEMA, encoding="utf-8", strict_validation=True)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"password": "hunter2-secret"}, "'password' does not satisfy 'maxLength': 8"),
        ({"password": 12345678901}, "'password' does not satisfy 'type': string"),
        ({"password": "ok", "kind": "secret-kind"}, "'kind' does not satisfy 'enum'"),
        ("hunter2-secret", "'(body)' does not satisfy 'type': object"),
        ({"password": "ok", "secret-field": 1}, "('secret-field' was unexpected)"),
        ({}, "'password' is a required property"),
    ],
)
def test_problem_detail_names_the_rule_not_the_value(validator, body, expected):
    with pytest.raises(BadRequestProblem) as refused:
        validator._validate(body)
    assert expected in refused.value.detail
    assert "hunter2" not in refused.value.detail and "12345678901" not in refused.value.detail


def test_valid_bodies_pass(validator):
    validator._validate({"password": "fine", "kind": "a"})


@pytest.mark.parametrize(
    "body", [{"password": "a\x00b"}, {"password": "\ud800"}, {"kind": ["\x00"]}, {"\x00": 1}], ids=repr
)
def test_unstorable_strings_are_400(validator, body):
    with pytest.raises(BadRequestProblem) as refused:
        validator._validate(body)
    assert "NUL" in refused.value.detail
