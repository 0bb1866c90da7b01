"""Configuration from the environment (WIJKSTEM_*), with safe defaults."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any


def secret_key(instance_path: str) -> str:
    """WIJKSTEM_SECRET_KEY, or a random key generated once and kept in the instance folder."""
    if os.environ.get("WIJKSTEM_SECRET_KEY"):
        return os.environ["WIJKSTEM_SECRET_KEY"]
    path = Path(instance_path) / "secret_key"
    try:
        # O_EXCL: when several workers start at once, exactly one writes the key.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        key = secrets.token_hex(32)
        handle.write(key)
    return key


DATABASE_TIMEOUTS = ("DATABASE_LOCK_TIMEOUT", "DATABASE_STATEMENT_TIMEOUT",
                     "DATABASE_CONNECT_TIMEOUT")


def from_environment(instance_path: str) -> dict[str, Any]:
    """Settings read from WIJKSTEM_* environment variables."""
    Path(instance_path).mkdir(parents=True, exist_ok=True)
    env = os.environ
    base_url = env.get("WIJKSTEM_BASE_URL", "http://127.0.0.1:8000")
    default_db = "sqlite:///" + str(Path(instance_path) / "wijkstem.db")
    # Seconds, e.g. WIJKSTEM_DATABASE_STATEMENT_TIMEOUT=120 (app/db.py has the defaults).
    timeouts = {key: float(env[f"WIJKSTEM_{key}"]) for key in DATABASE_TIMEOUTS
                if env.get(f"WIJKSTEM_{key}")}
    return {
        **timeouts,
        "DATABASE_URL": env.get("WIJKSTEM_DATABASE_URL", default_db),
        "SECRET_KEY": secret_key(instance_path),
        "BASE_URL": base_url,
        "BABEL_DEFAULT_LOCALE": env.get("WIJKSTEM_LANGUAGE", "nl"),
        "RATELIMIT_STORAGE_URI": env.get("WIJKSTEM_RATELIMIT_STORAGE_URI", "memory://"),
        "CODE_RATE_LIMIT": env.get("WIJKSTEM_CODE_RATELIMIT", DEFAULTS["CODE_RATE_LIMIT"]),
        "CODE_FAILURE_LIMIT": env.get("WIJKSTEM_CODE_FAILURE_LIMIT", "5 per minute;20 per hour"),
        "SESSION_COOKIE_SECURE": base_url.startswith("https://"),
    }


DEFAULTS: dict[str, Any] = {
    "LANGUAGES": ("nl", "en"),
    "BABEL_DEFAULT_LOCALE": "nl",
    "BABEL_DEFAULT_TIMEZONE": "Europe/Amsterdam",
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
    "WTF_CSRF_TIME_LIMIT": 8 * 3600,
    "RATELIMIT_STORAGE_URI": "memory://",
    "LOGIN_RATE_LIMIT": "10 per minute;50 per hour",
    # Stemcode entries (typed or by link) per client address. Guessing is stopped by
    # CODE_FAILURE_LIMIT; this one only bounds the load, and must let a household, a care
    # home or a mobile network's shared address open letter links, reload and go back.
    "CODE_RATE_LIMIT": "60 per minute",
    # Wrong stemcodes per client address (app/hardening.py): slowed, then refused.
    "CODE_FAILURE_LIMIT": "5 per minute;20 per hour",
    # argon2 parameters (argon2-cffi defaults); tests lower them to stay fast.
    "ARGON2_TIME_COST": 3,
    "ARGON2_MEMORY_COST": 65536,
    "ARGON2_PARALLELISM": 4,
}
