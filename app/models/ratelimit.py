"""Rate-limit counters kept in the database (``WIJKSTEM_RATELIMIT_STORAGE_URI=database://``)."""

from sqlmodel import Field, SQLModel


class RateLimitCounter(SQLModel, table=True):
    """Hits of one limit by one client in the current window.

    ``key`` is a keyed hash of the limiter's key (which names the client's
    address), so the table holds no address; a row means nothing once
    ``expires_at`` (seconds since the epoch) has passed, and such rows are
    deleted now and then.
    """

    __tablename__ = "rate_limit_counter"

    key: str = Field(primary_key=True, max_length=64)
    hits: int = Field(default=0)
    expires_at: float = Field(index=True)
