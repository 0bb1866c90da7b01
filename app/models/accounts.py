"""Staff accounts: committee members, officials and administrators."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from app.models.time import utcnow

ROLES = ("admin", "official", "committee")


class Account(SQLModel, table=True):
    """A staff login; residents need none.

    A committee account is scoped to one wijk (``wijk_id``), an official to one
    stadsdeel (``stadsdeel_id``); an administrator has neither and acts everywhere.
    ``password_hash`` is an argon2 hash string.
    """

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=80, unique=True)
    name: str = Field(max_length=120)
    email: str = Field(default="", max_length=254)
    role: str = Field(max_length=20)
    stadsdeel_id: int | None = Field(default=None, foreign_key="stadsdeel.id", index=True)
    wijk_id: int | None = Field(default=None, foreign_key="wijk.id", index=True)
    password_hash: str = Field(max_length=255)
    active: bool = Field(default=True)
    created_at: datetime = Field(default_factory=utcnow)

    # Flask-Login's user interface, written out rather than mixed in.
    @property
    def is_authenticated(self) -> bool:
        """Every loaded account is authenticated."""
        return True

    @property
    def is_active(self) -> bool:
        """Deactivated accounts cannot log in."""
        return bool(self.active)

    @property
    def is_anonymous(self) -> bool:
        """An account is never anonymous."""
        return False

    def get_id(self) -> str:
        """Id stored in the session cookie."""
        return str(self.id)
