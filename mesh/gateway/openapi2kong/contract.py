"""One OpenAPI contract as the gateway sees it: its operations, who may call each, their plugins.

Who may call comes from the operation's ``security`` (else the document's): every requirement names
security schemes, and every scheme names its caller in ``x-cinemesh-caller`` (``user``, or
``service:<name>``). An operation is
  * PUBLIC when it has no requirement, or an empty one (``{}``: anonymous allowed);
  * USER when a requirement names a ``user`` scheme: the gateway checks the user's token;
  * INTERNAL when every requirement names service callers only: services call it directly.
Plugins come from ``x-kong-plugin-<name>`` on the path item and on the operation (the operation's
wins), as in decK. A scheme that names no caller, or a plugin the contract cannot give (jwt: auth is
``security``'s), is an error naming the contract element.
"""

import enum
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
PLUGIN_PREFIX = "x-kong-plugin-"
USER = "user"
SERVICE_PREFIX = "service:"


class ContractError(Exception):
    """A contract says something the gateway configuration cannot be generated from."""


class Access(enum.Enum):
    PUBLIC = "public"
    USER = "user token"
    INTERNAL = "service callers only"


@dataclass(frozen=True)
class Operation:
    contract: str
    method: str
    path: str
    operation_id: str
    access: Access
    plugins: tuple[dict[str, Any], ...]

    def __str__(self) -> str:
        return f"{self.method} {self.path} ({self.contract} {self.operation_id})"


def _caller(where: str, name: str, schemes: dict[str, Any]) -> str:
    if name not in schemes:
        raise ContractError(f"{where}: security scheme {name!r} is not in components.securitySchemes")
    caller = schemes[name].get("x-cinemesh-caller")
    if caller != USER and not (isinstance(caller, str) and caller.startswith(SERVICE_PREFIX)):
        raise ContractError(
            f"{where}: security scheme {name!r} needs x-cinemesh-caller (user or service:<name>) "
            "so that the gateway knows whether a user token is checked"
        )
    return caller


def access(where: str, requirements: list[dict[str, Any]], schemes: dict[str, Any]) -> Access:
    if not requirements or any(not requirement for requirement in requirements):
        return Access.PUBLIC
    callers = {_caller(where, name, schemes) for requirement in requirements for name in requirement}
    return Access.USER if USER in callers else Access.INTERNAL


def _plugins(where: str, *owners: dict[str, Any]) -> tuple[dict[str, Any], ...]:
    found: dict[str, dict[str, Any]] = {}
    for owner in owners:
        for key, value in owner.items():
            if not key.startswith(PLUGIN_PREFIX):
                continue
            name = key.removeprefix(PLUGIN_PREFIX)
            if name == "jwt":
                raise ContractError(f"{where}: {key}: the jwt plugin comes from the operation's security")
            if not isinstance(value, dict):
                raise ContractError(f"{where}: {key} must be a plugin object ({{config: ...}})")
            found[name] = {"name": name, **{k: v for k, v in value.items() if k != "name"}}
    return tuple(found.values())


def operations(root: Path, contract: str) -> list[Operation]:
    """Every operation of ``root / contract``, in the contract's order."""
    document = yaml.safe_load((root / contract).read_text())
    if any(key.startswith(PLUGIN_PREFIX) for key in document):
        raise ContractError(f"{contract}: x-kong-plugin-* goes on a path item or an operation")
    schemes = (document.get("components") or {}).get("securitySchemes") or {}
    found = []
    for path, item in (document.get("paths") or {}).items():
        for method in (m for m in item if m in METHODS):
            operation = item[method]
            where = f"{contract} {method.upper()} {path}"
            if not operation.get("operationId"):
                raise ContractError(f"{where}: no operationId (it names the route)")
            requirements = operation.get("security", document.get("security"))
            found.append(
                Operation(
                    contract=contract,
                    method=method.upper(),
                    path=path,
                    operation_id=operation["operationId"],
                    access=access(where, requirements or [], schemes),
                    plugins=_plugins(where, item, operation),
                )
            )
    return found
