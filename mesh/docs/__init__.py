"""The docs portal: every CineMesh contract browsable in one place, offline.

``make generate`` writes the pages into ``generated/docs/`` (``python -m mesh.docs.builder``);
``python -m mesh.docs`` serves them on ``/docs`` with the raw contracts on ``/docs/contracts/``
and the renderers' scripts (Swagger UI, GraphiQL, AsyncAPI) from the installed packages on
``/docs/vendor/`` (``mesh.docs.vendor``). Nothing is loaded from outside the machine.
"""
