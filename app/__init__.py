"""Wijkstem web app: the application factory."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Builds the app from defaults, then the environment or ``test_config``.

    Args:
        test_config: settings that replace the environment (tests).

    Returns:
        The configured Flask app, e.g. ``create_app({"DATABASE_URL": "sqlite://"})``.
    """
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        instance_path=os.environ.get("WIJKSTEM_INSTANCE_PATH") or str(ROOT / "instance"),
        instance_relative_config=True,
    )
    from app.responses import Response

    app.response_class = Response
    from app import (
        access,
        config,
        db,
        errors,
        hardening,
        i18n,
        ratelimit,
        session_cookie,
        templating,
    )
    from app.extensions import csrf

    app.config.from_mapping(config.DEFAULTS)
    if test_config is None:
        app.config.from_mapping(config.from_environment(app.instance_path))
    else:
        app.config.from_mapping(test_config)

    errors.init_app(app)
    session_cookie.init_app(app)
    hardening.init_app(app)
    db.init_app(app)
    i18n.init_app(app)
    templating.init_app(app)
    access.init_app(app)
    csrf.init_app(app)
    ratelimit.init_app(app)

    from app.blueprints import (
        admin,
        auth,
        committee,
        counting,
        home,
        official,
        paper,
        public,
        results,
        stemcodes,
        turnout,
        vote,
    )

    app.register_blueprint(home.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(committee.bp)
    app.register_blueprint(public.bp)
    app.register_blueprint(official.bp)
    app.register_blueprint(vote.bp)
    app.register_blueprint(stemcodes.bp)
    app.register_blueprint(counting.bp)
    app.register_blueprint(results.bp)
    app.register_blueprint(paper.bp)
    app.register_blueprint(turnout.bp)
    return app
