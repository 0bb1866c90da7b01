"""App test fixtures in flaskr's shape, on a seeded world, over SQLite and PostgreSQL.

The world: stadsdeel A with wijken A1 and A2, stadsdeel B with wijk B1; accounts
committee-A1, committee-A2, official-A, official-B and admin (password PASSWORD);
round_A1 (Wijktop-3, submission, one submitted initiative), round_A2 (voting,
so frozen) and round_B1 (wijkstemdag, draft).

Every test that uses ``app`` runs once per backend (``sqlite``, ``postgres``);
mark a test ``@pytest.mark.sqlite_only`` when the database cannot matter, and
``@pytest.mark.postgres_only`` when it tests what only PostgreSQL does. The
PostgreSQL server comes from WIJKSTEM_TEST_POSTGRES_URL (./scripts/test starts
one); without it the postgres runs skip, or fail under CI=true. Each test gets a
fresh copy of a migrated, seeded template database, so tests run in parallel.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from datetime import date
from itertools import count
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool
from sqlmodel import Session

from app import create_app, migrate
from app.db import EXTENSION
from app.i18n import compile_catalogs
from app.models import CostLine, Initiative, Initiator, Stadsdeel, Wijk
from app.services import accounts, rounds

PASSWORD = "test-password-123"

TEST_CONFIG: dict[str, Any] = {
    "TESTING": True,
    "SECRET_KEY": "test-secret-key",
    "BASE_URL": "http://localhost",
    "RATELIMIT_STORAGE_URI": "memory://",
    "LOGIN_RATE_LIMIT": "1000 per minute",
    # Cheap argon2: the hashes in the template are verified at this cost.
    "ARGON2_TIME_COST": 1,
    "ARGON2_MEMORY_COST": 8,
    "ARGON2_PARALLELISM": 1,
}

ACCOUNTS = {
    "committee-A1": ("committee", "A1"),
    "committee-A2": ("committee", "A2"),
    "official-A": ("official", "A"),
    "official-B": ("official", "B"),
    "admin": ("admin", None),
}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Runs every test that needs the ``backend`` fixture on SQLite and on PostgreSQL."""
    if "backend" not in metafunc.fixturenames:
        return
    params: list[Any] = []
    if metafunc.definition.get_closest_marker("postgres_only") is None:
        params.append("sqlite")
    if metafunc.definition.get_closest_marker("sqlite_only") is None:
        params.append(pytest.param("postgres", marks=pytest.mark.postgres))
    metafunc.parametrize("backend", params, indirect=True)


@pytest.fixture(scope="session", autouse=True)
def compiled_translations() -> None:
    """Compiles the .po catalogues to .mo (they are not committed) so tests see Dutch."""
    compile_catalogs()


def seed_world(app: Flask) -> dict[str, int]:
    """Fills a migrated database with the test world; returns its ids by name."""
    ids: dict[str, int] = {}
    with app.app_context(), Session(app.extensions[EXTENSION]) as session:
        for name in ("A", "B"):
            stadsdeel = Stadsdeel(name=f"Stadsdeel {name}")
            session.add(stadsdeel)
            session.flush()
            ids[f"stadsdeel_{name}"] = stadsdeel.id
        for name, inhabitants in (("A1", 1000), ("A2", 2500), ("B1", 4321)):
            wijk = Wijk(stadsdeel_id=ids[f"stadsdeel_{name[0]}"], name=f"Wijk {name}",
                        code=f"WK9{name}", inhabitants=inhabitants, postcodes="9700")
            session.add(wijk)
            session.flush()
            ids[f"wijk_{name}"] = wijk.id
        session.commit()
        for username, (role, scope) in ACCOUNTS.items():
            account = accounts.create_account(
                session, username=username, name=username, role=role, password=PASSWORD,
                stadsdeel_id=ids[f"stadsdeel_{scope}"] if role == "official" else None,
                wijk_id=ids[f"wijk_{scope}"] if role == "committee" else None)
            ids[f"account_{username}"] = account.id
        ids.update(_seed_rounds(session, ids))
    return ids


def _seed_rounds(session: Session, ids: dict[str, int]) -> dict[str, int]:
    """Three rounds in three phases and one submitted initiative."""
    actor = ids["account_admin"]
    round_a1 = rounds.create_round(session, ids["wijk_A1"], {
        "title": "Wijktop-3 A1", "kind": "wijktop3", "budget_rate_cents": 300,
        "submission_start": date(2026, 1, 1), "voting_start": date(2026, 3, 1)}, actor)
    rounds.advance_phase(session, round_a1, "submission", actor_id=actor)
    initiative = Initiative(round_id=round_a1.id, title="Speeltuin A1",
                            description="Nieuwe schommels.", location="Plein", status="submitted")
    session.add(initiative)
    session.flush()
    session.add(CostLine(initiative_id=initiative.id, description="Schommels",
                         amount_cents=250_000))
    session.add_all(Initiator(initiative_id=initiative.id, name=f"Initiatiefnemer {n}",
                              email=f"init{n}@example.org", phone="0612345678") for n in (1, 2))
    session.commit()
    round_a2 = rounds.create_round(session, ids["wijk_A2"], {
        "title": "Wijktop-3 A2", "kind": "wijktop3", "budget_fixed_cents": 500_000,
        "budget_rate_cents": None}, actor)
    for phase in ("submission", "review", "voting"):
        rounds.advance_phase(session, round_a2, phase, actor_id=actor)
    round_b1 = rounds.create_round(session, ids["wijk_B1"], {
        "title": "Wijkstemdag B1", "kind": "wijkstemdag", "budget_rate_cents": 300}, actor)
    stembureau = rounds.save_stembureau(session, round_b1, {
        "name": "Buurthuis B1", "address": "Dorpsstraat 1", "opening_hours": "8-20"}, None, actor)
    question = rounds.save_question(session, round_b1, {
        "kind": "yesno", "rule": "majority", "text": "Autovrij plein?"}, None, actor)
    return {"round_A1": round_a1.id, "round_A2": round_a2.id, "round_B1": round_b1.id,
            "initiative_A1": initiative.id, "question_B1": question.id,
            "stembureau_B1": stembureau.id,
            "question_A1": rounds.questions(session, round_a1.id)[0].id}


def _worker() -> str:
    """Name of this xdist worker (``main`` without xdist)."""
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


class SqliteTemplates:
    """A migrated, seeded SQLite file per worker, copied for every test."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / "template.db"
        self.world: dict[str, int] | None = None

    def fresh(self, target: Path) -> tuple[str, dict[str, int]]:
        """URL of a new copy of the template at ``target``, and the world's ids."""
        if self.world is None:
            url = f"sqlite:///{self.path}"
            migrate.upgrade(url)
            app = create_app({**TEST_CONFIG, "DATABASE_URL": url})
            self.world = seed_world(app)
            app.extensions[EXTENSION].dispose()  # closes the WAL so the file copies whole
        shutil.copyfile(self.path, target)
        return f"sqlite:///{target}", self.world


class PostgresTemplates:
    """A migrated, seeded template database per worker; each test gets a copy."""

    def __init__(self, server_url: str) -> None:
        self.server_url = server_url
        self.prefix = f"wijkstem_{_worker()}_{os.getpid()}"
        self.admin = create_engine(server_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
        self.world: dict[str, int] | None = None
        self.numbers = count(1)

    def url(self, name: str) -> str:
        """URL of database ``name`` on the test server."""
        return self.server_url.rsplit("/", 1)[0] + "/" + name

    def execute(self, sql: str) -> None:
        """Runs one statement outside a transaction (CREATE/DROP DATABASE)."""
        with self.admin.connect() as connection:
            connection.execute(text(sql))

    def fresh(self) -> tuple[str, str, dict[str, int]]:
        """Name and URL of a new copy of the template, and the world's ids."""
        template = f"{self.prefix}_tpl"
        if self.world is None:
            self.execute(f"DROP DATABASE IF EXISTS {template} WITH (FORCE)")
            self.execute(f"CREATE DATABASE {template}")
            migrate.upgrade(self.url(template))
            app = create_app({**TEST_CONFIG, "DATABASE_URL": self.url(template)})
            self.world = seed_world(app)
            app.extensions[EXTENSION].dispose()
        name = f"{self.prefix}_{next(self.numbers)}"
        self.execute(f"CREATE DATABASE {name} TEMPLATE {template}")
        return name, self.url(name), self.world

    def drop(self, name: str) -> None:
        """Drops one test database."""
        self.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def close(self) -> None:
        """Drops the template."""
        if self.world is not None:
            self.drop(f"{self.prefix}_tpl")
        self.admin.dispose()


def postgres_server_url() -> str:
    """The test server's URL; skips locally, fails under CI=true when there is none."""
    url = os.environ.get("WIJKSTEM_TEST_POSTGRES_URL")
    if not url:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("WIJKSTEM_TEST_POSTGRES_URL is not set; under CI the database "
                        "tests must run on PostgreSQL (./scripts/test starts a server)")
        pytest.skip("no PostgreSQL server (set WIJKSTEM_TEST_POSTGRES_URL or run ./scripts/test)")
    return url


@pytest.fixture(scope="session")
def sqlite_templates(tmp_path_factory: pytest.TempPathFactory) -> SqliteTemplates:
    """The worker's SQLite template."""
    return SqliteTemplates(tmp_path_factory.mktemp("sqlite-template"))


@pytest.fixture(scope="session")
def postgres_templates() -> Iterator[PostgresTemplates]:
    """The worker's PostgreSQL template (skips or fails when there is no server)."""
    templates = PostgresTemplates(postgres_server_url())
    yield templates
    templates.close()


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """``sqlite`` or ``postgres`` (parametrised by pytest_generate_tests)."""
    return request.param


@pytest.fixture
def database(backend: str, request: pytest.FixtureRequest,
             tmp_path: Path) -> Iterator[tuple[str, dict[str, int]]]:
    """URL of a fresh seeded database on the backend, and the world's ids."""
    if backend == "sqlite":
        yield request.getfixturevalue("sqlite_templates").fresh(tmp_path / "test.db")
        return
    templates: PostgresTemplates = request.getfixturevalue("postgres_templates")
    name, url, world = templates.fresh()
    yield url, world
    templates.drop(name)


@pytest.fixture
def world(database: tuple[str, dict[str, int]]) -> dict[str, int]:
    """Ids of the seeded world by name: ``world["wijk_A1"]``, ``world["round_A2"]``..."""
    return database[1]


@pytest.fixture
def app(database: tuple[str, dict[str, int]]) -> Iterator[Flask]:
    """The app on a fresh seeded database, CSRF protection on."""
    app = create_app({**TEST_CONFIG, "DATABASE_URL": database[0]})
    yield app
    app.extensions[EXTENSION].dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    """A CLI runner."""
    return app.test_cli_runner()


@pytest.fixture
def db(app: Flask) -> Iterator[Session]:
    """A session on the test database for setting up and checking rows."""
    with Session(app.extensions[EXTENSION]) as session:
        yield session


CSRF_INPUT = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"'
                        r'|name="csrf_token" value="([^"]+)"')


def csrf_token(client: FlaskClient, url: str) -> str:
    """The CSRF token of the first form on the page at ``url`` (fetched with GET)."""
    response = client.get(url)
    assert response.status_code == 200, f"GET {url} gave {response.status_code}"
    match = CSRF_INPUT.search(response.get_data(as_text=True))
    assert match, f"no CSRF token on {url}"
    return match.group(1) or match.group(2)


def post_form(client: FlaskClient, url: str, data: dict[str, Any],
              form_url: str | None = None, **kwargs: Any):
    """POSTs ``data`` to ``url`` with the CSRF token read from ``form_url`` (default ``url``)."""
    token = csrf_token(client, form_url or url)
    return client.post(url, data={**data, "csrf_token": token}, **kwargs)


class AuthActions:
    """Logs the test client in and out as one of the world's accounts."""

    def __init__(self, client: FlaskClient) -> None:
        self._client = client

    def login(self, username: str = "admin", password: str = PASSWORD):
        """Logs in through the real login form (with its CSRF token)."""
        return post_form(self._client, "/auth/login",
                         {"username": username, "password": password})

    def logout(self):
        """Logs out through the header form."""
        return post_form(self._client, "/auth/logout", {}, form_url="/")


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    """Login helper: ``auth.login("committee-A1")``."""
    return AuthActions(client)


@pytest.fixture
def empty_database_url(backend: str, request: pytest.FixtureRequest,
                       tmp_path: Path) -> Iterator[str]:
    """URL of an empty database (no tables) on the backend."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    templates: PostgresTemplates = request.getfixturevalue("postgres_templates")
    name = f"{templates.prefix}_empty_{next(templates.numbers)}"
    templates.execute(f"CREATE DATABASE {name}")
    yield templates.url(name)
    templates.drop(name)


def snapshot(app: Flask) -> dict[str, list[tuple]]:
    """Every row of every table, to assert that a refused request changed nothing."""
    from app.models import metadata

    with app.extensions[EXTENSION].connect() as connection:
        return {table.name: sorted(map(tuple, connection.execute(table.select()).all()), key=repr)
                for table in metadata.sorted_tables}


def page_text(response) -> str:
    """A response body as text with non-breaking spaces made plain (for money like € 3,00)."""
    return response.get_data(as_text=True).replace("\u00a0", " ")
