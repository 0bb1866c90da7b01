"""Flask extensions, created unbound and bound to each app in create_app."""

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

from app import limiter_storage  # noqa: F401  (memory:// is its thread-safe storage)

csrf = CSRFProtect()
babel = Babel()
login_manager = LoginManager()
# Storage comes from RATELIMIT_STORAGE_URI so that several processes can share counters.
limiter = Limiter(key_func=get_remote_address, default_limits=[])
