"""``python -m mesh seed``: migrate the cinema schema, load the demo catalog, ensure demo accounts.

Idempotent (every step finds what exists). The accounts are development-only credentials,
printed by ``make up``: a user and an admin (role admin may write the catalog).
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from handlers.common.auth import Role


@dataclass(frozen=True)
class Account:
    email: str
    password: str
    name: str
    role: "Role"


DEMO_USER = Account("demo@cinemesh.dev", "Popcorn-Seat-7", "Demo User", "user")
DEMO_ADMIN = Account("admin@cinemesh.dev", "Projector-Room-9", "CineMesh Admin", "admin")


async def migrate_cinema() -> None:
    from handlers.cinema.migrate import migrate
    from handlers.cinema.settings import CinemaSettings

    await migrate(CinemaSettings())


async def seed_catalog() -> None:
    from handlers.cinema.seed import seed_demo
    from handlers.cinema.settings import CinemaSettings

    await seed_demo(CinemaSettings())


async def seed_accounts() -> None:
    from handlers.user.accounts import ensure_account
    from handlers.user.app import connect
    from handlers.user.settings import UserSettings

    client = await connect(UserSettings())
    try:
        for account in (DEMO_USER, DEMO_ADMIN):
            await ensure_account(account.email, account.password, account.name, account.role)
    finally:
        await client.close()


async def migrate_and_seed(say=print) -> None:
    say("migrating the cinema schema")
    await migrate_cinema()
    say("seeding the demo catalog (cinemas, halls, movies, showtimes)")
    await seed_catalog()
    say(f"ensuring demo accounts {DEMO_USER.email} and {DEMO_ADMIN.email}")
    await seed_accounts()
