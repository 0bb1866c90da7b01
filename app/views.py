"""Helpers that keep views thin: render a form page with the right status."""

from __future__ import annotations

from typing import Any

from flask import render_template, request
from flask_wtf import FlaskForm

from app.db import get_session
from app.services.errors import ServiceError, message


def form_page(template: str, form: FlaskForm, **context: Any) -> tuple[str, int]:
    """The page with its form: 200 on GET, 400 when a POST did not validate."""
    status = 400 if request.method == "POST" else 200
    return render_template(template, form=form, **context), status


def refused(template: str, form: FlaskForm, error: ServiceError,
            **context: Any) -> tuple[str, int]:
    """The page again with the service's reason on top, as a 400; nothing was stored."""
    get_session().rollback()
    form.form_errors.append(message(error))
    return render_template(template, form=form, **context), 400
