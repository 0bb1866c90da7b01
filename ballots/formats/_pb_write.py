"""Writing a PBElection as a Pabulib .pb file."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from ballots.election import CUMULATIVE, SCORING, PBElection
from ballots.formats._source import Source, format_cents, parse_cents, parse_int, write_text
from ballots.profile import ApprovalProfile, RankedProfile


def write_pb(election: PBElection, file: Source) -> None:
    """Writes ``election`` as a Pabulib file that ``read_pb`` reads back equal.

    Each distinct ballot is written ``count`` times with voter ids 1, 2, ...;
    per-voter columns are not kept by the profile, so none are written.

    Args:
        election: the election to write.
        file: a path, or a text or binary file object.

    Example:
        >>> import io
        >>> from ballots.formats.pabulib import read_pb
        >>> e = read_pb("../shared/refdata/pb/Netherlands_Amsterdam_643.pb")
        >>> out = io.StringIO(); write_pb(e, out)
        >>> read_pb(io.StringIO(out.getvalue())).profile.totals().tolist()
        [40, 21, 5]
    """
    write_text(format_pb(election), file)


def format_pb(election: PBElection) -> str:
    """The text of ``election`` as a Pabulib file (see ``write_pb``)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(["META"])
    writer.writerow(["key", "value"])
    writer.writerows(_meta_rows(election))
    writer.writerow(["PROJECTS"])
    writer.writerows(_project_rows(election))
    writer.writerow(["VOTES"])
    scored = election.vote_type in (CUMULATIVE, SCORING)
    writer.writerow(["voter_id", "vote", "points"] if scored else ["voter_id", "vote"])
    labels = [p.id for p in election.projects]
    voter = 0
    for vote, points, count in _ballots(election.profile):
        cells = [",".join(labels[o] for o in vote)]
        if scored:
            cells.append(",".join(map(str, points)))
        for _ in range(count):
            voter += 1
            writer.writerow([str(voter), *cells])
    return out.getvalue()


def _meta_rows(election: PBElection) -> list[list[str]]:
    """META rows: the election's meta, with the keys the fields decide kept consistent."""
    meta = dict(election.meta)
    decided = {
        "num_projects": str(len(election.projects)),
        "num_votes": str(election.profile.n_voters),
        "vote_type": election.vote_type,
    }
    if election.budget is not None:
        decided["budget"] = format_cents(election.budget)
    if election.currency != "EUR" or "currency" in meta:
        decided["currency"] = election.currency
    for key, value in decided.items():
        # keep the file's spelling (e.g. "1000.00") when it means the same
        same = key in meta and (
            meta[key] == value
            or key == "budget" and parse_cents(meta[key]) == election.budget
            or key.startswith("num_") and parse_int(meta[key]) == int(value)
        )
        if not same:
            meta[key] = value
    if election.budget is None:
        meta.pop("budget", None)
    return [[key, value] for key, value in meta.items()]


def _project_rows(election: PBElection) -> list[list[str]]:
    """PROJECTS header and rows: id, cost, [cofinancing], name, then the kept fields."""
    projects = election.projects
    fields = election.project_fields
    extra: dict[str, None] = {}
    if any(p.name for p in projects) or any("name" in fields.get(p.id, {}) for p in projects):
        extra["name"] = None
    for project in projects:
        extra.update(dict.fromkeys(fields.get(project.id, {})))
    extra.pop("cofinancing", None)
    with_cofinancing = any(p.cofinancing for p in projects)
    header = ["project_id", "cost", *(["cofinancing"] if with_cofinancing else []), *extra]
    rows = [header]
    for project in projects:
        known = dict(fields.get(project.id, {}))
        known["name"] = project.name
        money = [format_cents(project.cost)]
        if with_cofinancing:
            money.append(format_cents(project.cofinancing))
        rows.append([project.id, *money, *(known.get(column, "") for column in extra)])
    return rows


def _ballots(
    profile: RankedProfile | ApprovalProfile,
) -> Iterator[tuple[list[int], list[int], int]]:
    """Each distinct ballot as (option ids, points, count)."""
    if isinstance(profile, RankedProfile):
        for vote, count in profile.ballots():
            yield list(vote), [], count
        return
    matrix = profile.matrix
    for row, count in enumerate(profile.counts.tolist()):
        start, end = matrix.indptr[row], matrix.indptr[row + 1]
        yield matrix.indices[start:end].tolist(), matrix.data[start:end].tolist(), count
