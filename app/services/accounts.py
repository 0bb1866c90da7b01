"""Staff accounts: argon2 password hashing, authentication, creation and changes."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from sqlmodel import Session, select

from app.models import ROLES, Account, Stadsdeel, Wijk
from app.services import audit
from app.services.errors import ServiceError

# A fixed hash to verify against when the username is unknown, so that a wrong
# username costs as much time as a wrong password (no account enumeration).
_DUMMY_PASSWORD = "not-a-real-password"


def password_hasher() -> PasswordHasher:
    """Argon2 hasher with the app's cost parameters."""
    config = current_app.config
    return PasswordHasher(time_cost=config["ARGON2_TIME_COST"],
                          memory_cost=config["ARGON2_MEMORY_COST"],
                          parallelism=config["ARGON2_PARALLELISM"])


def hash_password(password: str) -> str:
    """An argon2 hash of ``password``."""
    return password_hasher().hash(password)


def authenticate(session: Session, username: str, password: str) -> Account | None:
    """The active account with these credentials, or None.

    Args:
        session: a database session.
        username: the login name (case-insensitive).
        password: the password as typed.

    Returns:
        The account, e.g. ``authenticate(s, "admin", "secret")``; None when wrong.
    """
    hasher = password_hasher()
    account = session.exec(
        select(Account).where(Account.username == username.strip().lower())
    ).first()
    if account is None or not account.active:
        try:
            hasher.verify(hasher.hash(_DUMMY_PASSWORD), password + "x")
        except VerificationError:
            pass
        return None
    try:
        hasher.verify(account.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    if hasher.check_needs_rehash(account.password_hash):
        account.password_hash = hasher.hash(password)
        session.add(account)
        session.commit()
    return account


def check_scope(session: Session, role: str, stadsdeel_id: int | None,
                wijk_id: int | None) -> tuple[int | None, int | None]:
    """The (stadsdeel_id, wijk_id) an account of ``role`` keeps; raises when it does not fit.

    A committee member needs a wijk, an official a stadsdeel, an admin neither.
    """
    if role not in ROLES:
        raise ServiceError("unknown_role")
    if role == "committee":
        if wijk_id is None or session.get(Wijk, wijk_id) is None:
            raise ServiceError("committee_needs_wijk")
        return None, wijk_id
    if role == "official":
        if stadsdeel_id is None or session.get(Stadsdeel, stadsdeel_id) is None:
            raise ServiceError("official_needs_stadsdeel")
        return stadsdeel_id, None
    return None, None


def create_account(session: Session, *, username: str, name: str, role: str, password: str,
                   email: str = "", stadsdeel_id: int | None = None,
                   wijk_id: int | None = None, actor_id: int | None = None) -> Account:
    """Creates and commits a staff account (usernames are stored lower-case).

    Args:
        session: a database session.
        username: unique login name.
        name: display name.
        role: ``admin``, ``official`` or ``committee``.
        password: the initial password (hashed with argon2).
        email: optional e-mail address.
        stadsdeel_id: the official's stadsdeel.
        wijk_id: the committee member's wijk.
        actor_id: the administrator creating it.

    Returns:
        The account, e.g. ``create_account(s, username="c1", name="C", role="committee",
        password="...", wijk_id=3)``.
    """
    username = username.strip().lower()
    if session.exec(select(Account).where(Account.username == username)).first():
        raise ServiceError("username_taken")
    stadsdeel_id, wijk_id = check_scope(session, role, stadsdeel_id, wijk_id)
    account = Account(username=username, name=name.strip(), email=email.strip(), role=role,
                      stadsdeel_id=stadsdeel_id, wijk_id=wijk_id,
                      password_hash=hash_password(password))
    session.add(account)
    session.flush()
    audit.record(session, "account.created", actor_id=actor_id, wijk_id=wijk_id,
                 details={"account": account.id, "username": username, "role": role})
    session.commit()
    return account


def update_account(session: Session, account: Account, *, name: str, role: str, email: str,
                   active: bool, stadsdeel_id: int | None, wijk_id: int | None,
                   password: str = "", actor_id: int | None = None) -> Account:
    """Changes an account's name, role, scope, status and (when given) password."""
    if actor_id == account.id and (role != "admin" or not active):
        raise ServiceError("cannot_demote_self")
    stadsdeel_id, wijk_id = check_scope(session, role, stadsdeel_id, wijk_id)
    account.name, account.email, account.role = name.strip(), email.strip(), role
    account.stadsdeel_id, account.wijk_id, account.active = stadsdeel_id, wijk_id, active
    if password:
        account.password_hash = hash_password(password)
    session.add(account)
    audit.record(session, "account.updated", actor_id=actor_id, wijk_id=wijk_id,
                 details={"account": account.id, "role": role, "active": active,
                          "password_changed": bool(password)})
    session.commit()
    return account


def list_accounts(session: Session) -> list[Account]:
    """All accounts by username."""
    return list(session.exec(select(Account).order_by(Account.username)))
