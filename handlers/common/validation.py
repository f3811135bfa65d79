"""A JSON request-body validator that never echoes request values.

connexion's own validator puts the offending value into the 400 problem and its log
("'hunter2...' is too long"), which leaks passwords and payment tokens. This one names
the field and the rule only. It also refuses strings no store can keep (NUL, which
PostgreSQL under FerretDB rejects, and unpaired surrogates, which are not UTF-8) with a
400 instead of a 500 from the database. Use it with
``app.add_api(..., validator_map=VALIDATOR_MAP)``.
"""

from typing import Any

from connexion.datastructures import MediaTypeDict
from connexion.exceptions import BadRequestProblem
from connexion.validators import VALIDATOR_MAP as CONNEXION_VALIDATORS
from connexion.validators import JSONRequestBodyValidator
from jsonschema import ValidationError

# Messages of these rules carry property names only, never values.
_NAME_ONLY_RULES = {"required", "additionalProperties"}


class RedactingJSONBodyValidator(JSONRequestBodyValidator):
    def _validate(self, body: Any) -> dict | None:
        if not self._nullable and body is None:
            raise BadRequestProblem(detail="Request body must not be empty")
        if not _storable(body):
            raise BadRequestProblem(detail="Strings must not contain NUL characters or unpaired surrogates")
        try:
            return self._validator.validate(body)
        except ValidationError as exc:
            raise BadRequestProblem(detail=describe(exc)) from None


def describe(exc: ValidationError) -> str:
    where = "/".join(str(part) for part in exc.absolute_path) or "(body)"
    if exc.validator in _NAME_ONLY_RULES:
        return f"{exc.message} at '{where}'"
    rule = exc.validator_value if exc.validator != "enum" else "one of the allowed values"
    return f"'{where}' does not satisfy '{exc.validator}': {rule}"


def _storable(value: Any) -> bool:
    if isinstance(value, str):
        return _storable_text(value)
    if isinstance(value, dict):
        return all(_storable(key) and _storable(item) for key, item in value.items())
    if isinstance(value, list):
        return all(_storable(item) for item in value)
    return True


def _storable_text(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return "\x00" not in text


VALIDATOR_MAP = {
    **CONNEXION_VALIDATORS,
    "body": MediaTypeDict({**CONNEXION_VALIDATORS["body"], "*/*json": RedactingJSONBodyValidator}),
}
