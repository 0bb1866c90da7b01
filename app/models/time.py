"""One clock for timestamps stored in the database."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Current time, timezone-aware in UTC (SQLModel's datetime columns require aware values)."""
    return datetime.now(UTC)
