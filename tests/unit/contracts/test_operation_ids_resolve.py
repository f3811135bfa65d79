"""Every operation of every OpenAPI contract names a function that exists (no service needed).

connexion resolves ``operationId`` only when an app starts; a missing module or function would
otherwise surface in the integration tests or at ``make up``. This names the contract, the
operation and what is missing.
"""

import importlib
import inspect

import pytest
import yaml

from handlers.common.settings import REPO_ROOT

pytestmark = pytest.mark.unit
OPENAPI = REPO_ROOT / "contracts" / "openapi"
METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def operations():
    for spec in sorted(OPENAPI.glob("*.yaml")):
        for path, item in (yaml.safe_load(spec.read_text()).get("paths") or {}).items():
            for method, operation in item.items():
                if method in METHODS:
                    name = f"{spec.stem} {method} {path}"
                    yield pytest.param(spec.name, operation.get("operationId"), id=name)


@pytest.mark.parametrize(("contract", "operation_id"), list(operations()))
def test_the_operation_id_names_a_callable(contract, operation_id):
    assert operation_id, f"{contract}: an operation has no operationId"
    module_name, _, function_name = operation_id.rpartition(".")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        pytest.fail(f"{contract}: operationId {operation_id}: module {module_name} does not import: {exc}")
    function = getattr(module, function_name, None)
    assert callable(function), f"{contract}: operationId {operation_id}: {module_name} has no {function_name}"
    assert inspect.iscoroutinefunction(function), f"{contract}: {operation_id} must be async (AsyncApp)"
