"""MongoDB documents: ``StrIdDocument`` and the one guarded write path for shared documents.

FerretDB v1 applies an update by reading the document and writing it back with no lock between:
two concurrent updates of one document (say the outbox relay marking an event published and a
service's state change) silently lose one, and a filter such as ``{"status": "PENDING"}`` is no
compare-and-set. Every update of a document that records events (``OutboxMixin``) therefore goes
through ``update`` or ``rewrite`` here, never through beanie's ``set``/``save`` or the collection:
each takes the document's mutex (``handlers.common.doc_lock``), writes, and keeps the outbox queue
in step with the written document under that same mutex (``handlers.common.outbox_queue.sync``)
when the write changed its pending events. Such a write that raises may still have landed (its
answer lost): it asks the relays for a rebuild of their queue.

    raw = await update(Booking, booking_id, {"$set": {...}}, condition={"status": "PENDING"})
    raw = await rewrite(Booking, booking_id, lambda current: {"$set": {...}} or None)

``StrIdDocument`` is the beanie ``Document`` of a collection whose ``_id`` is a string the service
chooses (a uuid, a prefixed id, a key's hash), declared in the model as ``id: str``. beanie stores
any ``_id`` type, but types ``Document.id`` as ``PydanticObjectId | None``, so a model narrowing it
to ``str`` is an incompatible override for a type checker. At run time this is ``Document`` itself.
"""

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from beanie import Document
from pymongo import ReturnDocument

from handlers.common import outbox_queue
from handlers.common.doc_lock import collection_lock

PENDING = "outbox_pending"

if TYPE_CHECKING:

    class StrIdDocument(Document):
        id: str  # type: ignore[assignment]  # the one override beanie's typing does not allow

else:
    StrIdDocument = Document

Update = Mapping[str, Any]


async def update(
    model: type[Document], document_id: Any, change: Update, condition: Update | None = None
) -> dict[str, Any] | None:
    """Apply ``change`` to the document if it matches ``condition``; the document after it, or None
    when it does not exist or does not match."""
    collection = model.get_pymongo_collection()
    async with collection_lock(collection, document_id):
        raw = await _written(
            collection, {"_id": document_id, **(condition or {})}, change, _changes_pending(change)
        )
        if raw is not None and _changes_pending(change):
            await outbox_queue.sync(collection, raw)
    return raw


async def rewrite(
    model: type[Document], document_id: Any, decide: Callable[[dict[str, Any]], Update | None]
) -> dict[str, Any] | None:
    """Read the document, ask ``decide`` for the update to apply (None: leave it), apply it; the
    document as it then stands, or None when it does not exist."""
    collection = model.get_pymongo_collection()
    async with collection_lock(collection, document_id):
        current = await collection.find_one({"_id": document_id})
        if current is None:
            return None
        change = decide(current)
        if change is None:
            return current
        raw = await _written(collection, {"_id": document_id}, change, _changes_pending(change))
        if raw is not None and _changes_pending(change):
            await outbox_queue.sync(collection, raw)
    return raw


async def _written(collection: Any, selector: Update, change: Update, pending: bool) -> dict[str, Any] | None:
    """The update; when it raises and touched the pending events it may still have been written
    (the answer lost, say PostgreSQL crashing under FerretDB), so the relays rebuild their queue."""
    try:
        return await collection.find_one_and_update(
            dict(selector), dict(change), return_document=ReturnDocument.AFTER
        )
    except Exception:
        if pending:
            outbox_queue.request_rebuild()
        raise


def _changes_pending(change: Update) -> bool:
    """Whether ``change`` touches the pending events. One that does not leaves the queue row as the
    last write that did left it (a row exactly while events are pending), so it needs no sync."""
    return any(
        field == PENDING or field.startswith(f"{PENDING}.")
        for fields in change.values()
        if isinstance(fields, Mapping)
        for field in fields
    )
