"""kong/kong.yml from kong/kong.base.yml and the OpenAPI contracts (the idea of decK's ``file openapi2kong``).

``contract`` reads one contract (its operations, who may call each, their ``x-kong-plugin-*``),
``document`` assembles the Kong document, ``render`` writes it with its DO-NOT-EDIT header;
``python -m mesh.gateway.openapi2kong`` is the step of ``make generate``.
"""
