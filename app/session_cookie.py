"""The signed session cookie, as Flask makes it, with two costs taken out.

Flask builds a new itsdangerous serializer each time it opens or saves a session,
and compresses the JSON with zlib before signing it. For what a Wijkstem session
holds (a code's keyed hash, the CSRF token, the language) compressing saves a few
bytes at ~70 µs per save (zlib's set-up), and building the serializer cost as much
again: together ~8% of a voter's server time in scripts/bench_web (py-spy).
Here the serializer is built once per set of keys and the payload is only
base64-encoded. Signing, keys, salt and expiry stay Flask's; cookies made either
way are read either way (itsdangerous marks a compressed payload with a dot).
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer
from itsdangerous.encoding import base64_encode
from itsdangerous.serializer import Serializer


class PlainURLSafeTimedSerializer(URLSafeTimedSerializer):
    """``URLSafeTimedSerializer`` that does not try to compress the payload."""

    def dump_payload(self, obj: Any) -> bytes:
        return base64_encode(Serializer.dump_payload(self, obj))


class SessionCookie(SecureCookieSessionInterface):
    """Flask's cookie session with one uncompressing serializer per key set."""

    def __init__(self) -> None:
        self._serializers: dict[tuple, URLSafeTimedSerializer] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        if not app.secret_key:
            return None
        # itsdangerous takes the current key last, after the fallbacks.
        keys = (*(app.config.get("SECRET_KEY_FALLBACKS") or ()), app.secret_key)
        serializer = self._serializers.get(keys)
        if serializer is None:
            serializer = PlainURLSafeTimedSerializer(
                list(keys), salt=self.salt, serializer=self.serializer,
                signer_kwargs={"key_derivation": self.key_derivation,
                               "digest_method": self.digest_method})
            self._serializers[keys] = serializer
        return serializer


def init_app(app: Flask) -> None:
    """Makes the app keep its session in ``SessionCookie``."""
    app.session_interface = SessionCookie()
