"""Stadsdelen (districts) and their wijken (neighbourhoods)."""

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel


class Stadsdeel(SQLModel, table=True):
    """A city district that holds several wijken; officials are scoped to one."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100, unique=True)


class Wijk(SQLModel, table=True):
    """A neighbourhood with its inhabitant count and, optionally, its postcodes.

    ``postcodes`` is a space-separated list of four-digit postcode areas
    (``"9741 9742"``); ``code`` is the CBS wijkcode when known (``"WK001401"``).
    """

    __table_args__ = (UniqueConstraint("stadsdeel_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    stadsdeel_id: int = Field(foreign_key="stadsdeel.id", index=True)
    name: str = Field(max_length=100)
    code: str | None = Field(default=None, max_length=20, unique=True)
    inhabitants: int = Field(default=0, ge=0)
    postcodes: str = Field(default="", max_length=2000)
