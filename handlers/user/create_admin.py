"""``python -m handlers.user.create_admin --email ... --password ...``: create or update an admin.

Admins never come from the public API; this command (or ``USER_ADMIN_EMAIL`` and
``USER_ADMIN_PASSWORD``, applied at start-up) is the way in. The password may also come
from the ``USER_ADMIN_PASSWORD`` environment variable so it stays out of shell history.
"""

import argparse
import asyncio
import os

from handlers.common.problems import ProblemError
from handlers.user.accounts import ensure_account
from handlers.user.app import connect
from handlers.user.settings import UserSettings


async def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--email", required=True)
    parser.add_argument("--password", default=os.environ.get("USER_ADMIN_PASSWORD"))
    parser.add_argument("--name", default="CineMesh Admin")
    args = parser.parse_args(argv)
    if not args.password:
        parser.error("--password (or USER_ADMIN_PASSWORD) is required")
    client = await connect(UserSettings())
    try:
        user = await ensure_account(args.email, args.password, args.name, "admin")
    except ProblemError as exc:
        print(f"error: {exc.detail} {exc.extensions.get('errors', '')}".strip())
        return 1
    finally:
        await client.close()
    print(f"admin account {user.email} ({user.id}) is ready")
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
