"""The error services raise when a request breaks a business rule, and its messages."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l


class ServiceError(ValueError):
    """A business rule refused a change; ``code`` maps to a translated message.

    Args:
        code: stable identifier, e.g. ``"phase_backwards"``.
        **params: values for the message, e.g. ``phase="voting"``.
    """

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


# Messages per code; services of other areas add their own codes here.
MESSAGES: dict[str, Any] = {
    "unknown_role": _l("Unknown role."),
    "committee_needs_wijk": _l("A committee member needs a wijk."),
    "official_needs_stadsdeel": _l("An official needs a stadsdeel."),
    "username_taken": _l("This username is already taken."),
    "cannot_demote_self": _l("You cannot remove your own administrator rights."),
    "name_taken": _l("This name is already in use."),
    "code_taken": _l("This code is already in use by another wijk."),
    "not_found": _l("This item does not exist."),
    "phase_backwards": _l("A round can only move forward to a later phase."),
    "phase_not_allowed": _l("This phase cannot be set here."),
    "frozen": _l("Voting has started: the configuration of this round can no longer change."),
    "needs_question": _l("Add at least one question before voting starts."),
    "rule_not_for_kind": _l("This tally rule does not fit this kind of question."),
    "stadsdeel_has_wijken": _l("This stadsdeel still has wijken."),
    "unknown_kind": _l("Choose a kind of round."),
    "budget_choice": _l("Give either a rate per inhabitant or a fixed amount, not both."),
    "dates_out_of_order": _l("The phase dates must follow each other in time."),
    "needs_max_choices": _l("Give the number of choices (k) for this question."),
    "needs_points_total": _l("Give the number of points to divide for this question."),
    "bad_postcode": _l("%(postcode)s is not a postcode (1234 or 1234AB)."),
    "name_missing": _l("Give a name."),
    "bad_inhabitants": _l("The number of inhabitants must be between 0 and 10,000,000."),
    "csv_missing_column": _l("Column %(column)s is missing."),
    "csv_encoding": _l("The file is not a readable text (CSV) file."),
    "csv_too_many_rows": _l("The file has more than %(limit)s rows."),
    "csv_duplicate": _l("This wijk already appears on line %(other)s."),
    "csv_broken": _l("This line cannot be read as CSV."),
    "csv_empty": _l("The file contains no wijken."),
    "csv_extra_cells": _l("This line has more cells than the header."),
    "csv_no_name": _l("The name of the wijk is missing."),
    "csv_too_long": _l("The value in column %(column)s is too long."),
    "csv_bad_count": _l("'%(value)s' is not a number of inhabitants."),
    "csv_no_stadsdeel": _l("No stadsdeel: add a stadsdeel column or choose one above."),
    "csv_bad_code": _l("The code may only contain letters and digits (at most 20)."),
    "csv_code_name_clash": _l("The code belongs to another wijk than the name."),
}


def message(error: ServiceError) -> str:
    """The translated message for ``error`` (its code when none is known)."""
    return message_for(error.code, error.params)


def message_for(code: str, params: dict[str, Any] | None = None) -> str:
    """The translated message for a problem ``code`` with its values."""
    text = MESSAGES.get(code)
    if text is None:
        return code
    return str(text) % params if params else str(text)
