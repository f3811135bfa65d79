"""Simulated delivery channels: a file in the local outbox folder plus a row in the notification log.

The file name is derived from the event id and channel, so a retried delivery rewrites the
same file; the log row comes last and its unique ``(event_id, channel)`` index makes a
second delivery of the same message a no-op.
"""

from pathlib import Path

from pymongo.errors import DuplicateKeyError

from handlers.notification.models import Notification
from handlers.notification.render import Message


class SimulatedChannels:
    def __init__(self, outbox_dir: Path):
        self._outbox_dir = outbox_dir

    def _write_file(self, event_id: str, message: Message) -> Path:
        folder = self._outbox_dir / message.channel
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{event_id}.txt"
        header = f"To: {message.recipient}\n" + (f"Subject: {message.subject}\n" if message.subject else "")
        tmp = path.with_suffix(".tmp")
        tmp.write_text(f"{header}\n{message.body}", encoding="utf-8")
        tmp.replace(path)
        return path

    async def send(self, event_id: str, event_type: str, user_id: str, message: Message) -> bool:
        """Deliver ``message``; False when the log shows it was already delivered."""
        sent = Notification.find_one({"event_id": event_id, "channel": message.channel})
        if await sent:
            return False
        self._write_file(event_id, message)
        row = Notification(
            event_id=event_id,
            event_type=event_type,
            channel=message.channel,
            user_id=user_id,
            recipient=message.recipient,
            subject=message.subject,
            body=message.body,
        )
        try:
            await row.insert()
        except DuplicateKeyError:
            return False
        return True
