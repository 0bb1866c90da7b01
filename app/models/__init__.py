"""SQLModel tables of Wijkstem, split by topic; importing this package registers them all."""

from sqlmodel import SQLModel

# Named constraints let Alembic alter them later (SQLite batch mode needs names).
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

from app.models.accounts import ROLES, Account  # noqa: E402
from app.models.audit import AuditEvent  # noqa: E402
from app.models.counts import COUNT_STATUSES, QuestionCount  # noqa: E402
from app.models.initiatives import (  # noqa: E402
    INITIATIVE_STATUSES,
    CostLine,
    Initiative,
    Initiator,
    Review,
    Support,
)
from app.models.outbox import OutboxMessage  # noqa: E402
from app.models.paper import PaperIssued  # noqa: E402
from app.models.places import Stadsdeel, Wijk  # noqa: E402
from app.models.ratelimit import RateLimitCounter  # noqa: E402
from app.models.rounds import PHASES, QUESTION_KINDS, ROUND_KINDS, Question, Round, Stembureau  # noqa: E402
from app.models.time import utcnow  # noqa: E402
from app.models.voting import BALLOT_CHANNELS, Ballot, Stemcode  # noqa: E402

metadata = SQLModel.metadata

__all__ = [
    "BALLOT_CHANNELS", "Ballot", "Stemcode",
    "COUNT_STATUSES", "QuestionCount",
    "PaperIssued", "RateLimitCounter",
    "INITIATIVE_STATUSES", "PHASES", "QUESTION_KINDS", "ROLES", "ROUND_KINDS",
    "Account", "AuditEvent", "CostLine", "Initiative", "Initiator", "OutboxMessage", "Question",
    "Review", "Round", "Stadsdeel", "Stembureau", "Support", "Wijk", "metadata", "utcnow",
]
