"""A JSON request-body validator that never echoes request values.

connexion's own validator puts the offending value into the 400 problem and its log
("'hunter2...' is too long"), which leaks passwords and payment tokens. This one names
the field and the rule only. It also refuses strings no store can keep (NUL, which
PostgreSQL under FerretDB rejects, and unpaired surrogates, which are not UTF-8) with a
400 instead of a 500 from the database, and a body its parser cannot read (nested deeper than
the decoder's recursion, an integer over Python's digit limit) with a 400 instead of a 500;
``handlers.common.request_limits`` refuses such bodies earlier, with tighter limits. Nothing here
recurses over the body. Use it with ``app.add_api(..., validator_map=VALIDATOR_MAP)``.
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
    async def _parse(self, stream, scope) -> Any:
        try:
            return await super()._parse(stream, scope)
        except RecursionError:
            raise BadRequestProblem(detail="The request body is nested too deeply") from None
        except UnicodeDecodeError:  # a ValueError too: answered by handlers.common.problems
            raise
        except ValueError:  # json.loads past sys.get_int_max_str_digits()
            raise BadRequestProblem(detail="A number in the request body has too many digits") from None

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


def _storable(body: Any) -> bool:
    pending = [body]
    while pending:
        value = pending.pop()
        if isinstance(value, str) and not _storable_text(value):
            return False
        if isinstance(value, dict):
            pending.extend(value)
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
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
