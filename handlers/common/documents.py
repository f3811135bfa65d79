"""``StrIdDocument``: the beanie ``Document`` of a collection whose ``_id`` is a string the service
chooses (a uuid, a prefixed id, a key's hash), declared in the model as ``id: str``.

beanie stores any ``_id`` type, but types ``Document.id`` as ``PydanticObjectId | None``, so a model
narrowing it to ``str`` is an incompatible override for a type checker. At run time this is
``Document`` itself (beanie sees no extra class in the hierarchy).
"""

from typing import TYPE_CHECKING

from beanie import Document

if TYPE_CHECKING:

    class StrIdDocument(Document):
        id: str  # type: ignore[assignment]  # the one override beanie's typing does not allow

else:
    StrIdDocument = Document
