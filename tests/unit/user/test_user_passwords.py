"""Password policy and argon2id hashing."""

import pytest

from handlers.common.problems import Unprocessable
from handlers.user import passwords
from handlers.user.accounts import normalize_email

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("password", ["correct-horse-42", "Tr0ub4dor&3xyz", "ünïcødé-pässwörd-9", "a1" * 64])
def test_good_passwords_pass(password):
    passwords.check_policy(password, "ada@example.com")


@pytest.mark.parametrize(
    ("password", "rule"),
    [
        ("short-1", "password must be 10 to 128 characters long"),
        ("a1" * 65, "password must be 10 to 128 characters long"),
        ("lettersonlyhere", "password must mix letters with digits or symbols"),
        ("12345678901234", "password must mix letters with digits or symbols"),
        ("my-ADA-password-1", "password must not contain the email address"),
    ],
)
def test_policy_names_each_broken_rule(password, rule):
    with pytest.raises(Unprocessable) as refused:
        passwords.check_policy(password, "ada@example.com")
    assert rule in refused.value.extensions["errors"]
    assert password not in str(refused.value.extensions)


async def test_hashes_are_argon2id_and_verify():
    digest = await passwords.hash_password("correct-horse-42")
    assert digest.startswith("$argon2id$") and "correct-horse-42" not in digest
    assert await passwords.verify_password(digest, "correct-horse-42")
    assert not await passwords.verify_password(digest, "correct-horse-43")
    assert not await passwords.verify_password("not-a-hash", "correct-horse-42")
    assert not passwords.needs_rehash(digest)


async def test_no_account_never_verifies():
    assert not await passwords.verify_password(None, "no-such-account-0")


def test_emails_are_normalised():
    assert normalize_email("  Ada.Lovelace@Example.COM ") == "ada.lovelace@example.com"
