"""A participatory-budgeting election: projects with costs, a budget, ballots."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from ballots.profile import ApprovalProfile, RankedProfile


@dataclass(frozen=True)
class Project:
    """A project (initiatief) that can be funded.

    Attributes:
        id: the project id as written in the file or the database.
        cost: total cost in integer cents.
        name: human-readable title.
        cofinancing: cents raised elsewhere (the "25% rule"); only
            ``cost - cofinancing`` counts against the budget.
    """

    id: str
    cost: int
    name: str = ""
    cofinancing: int = 0

    def __post_init__(self) -> None:
        if self.cost < 0 or not 0 <= self.cofinancing <= self.cost:
            raise ValueError(
                f"project {self.id}: need 0 <= co-financing <= cost, got "
                f"{self.cofinancing} and {self.cost}"
            )

    @property
    def municipal_cost(self) -> int:
        """What the budget pays, in cents."""
        return self.cost - self.cofinancing


# vote_type values of the Pabulib format
APPROVAL, CHOOSE_1, ORDINAL, CUMULATIVE, SCORING = (
    "approval", "choose-1", "ordinal", "cumulative", "scoring",
)


@dataclass(frozen=True, eq=False)
class PBElection:
    """Projects, budget and ballots of one PB vote (one Pabulib file).

    ``profile`` is a RankedProfile for ordinal votes and an ApprovalProfile for
    approval, choose-1, cumulative and scoring votes (entries are points);
    option id ``i`` of the profile is ``projects[i]``.

    Attributes:
        meta: the META section, key -> value, in file order.
        projects: the projects, in file order.
        budget: the budget in integer cents (None when the file has none).
        vote_type: one of the Pabulib vote types above.
        profile: the ballots.
        currency: ISO code, "EUR" when the file says nothing.
    """

    meta: Mapping[str, str]
    projects: tuple[Project, ...]
    budget: int | None
    vote_type: str
    profile: RankedProfile | ApprovalProfile
    currency: str = "EUR"
    project_fields: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    voter_fields: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "meta", MappingProxyType(dict(self.meta)))

    def index(self, project_id: str) -> int:
        """Option id of the project written as ``project_id``."""
        for i, project in enumerate(self.projects):
            if project.id == project_id:
                return i
        raise KeyError(project_id)


@dataclass(frozen=True, eq=False)
class RankedElection:
    """Ranked ballots for electing ``seats`` options (one BLT file or ranked CSV)."""

    profile: RankedProfile
    seats: int = 1
    title: str = ""
