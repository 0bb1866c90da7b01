"""Voting-day load benchmark: real HTTP against the app as ./scripts/run serves it.

Starts ``python -m app.serve`` (granian, 2 workers x 2 threads) on a fresh instance
folder and database (SQLite, or PostgreSQL with ``--postgres``), creates a
Wijktop-3 round in its voting phase with fresh stemcodes through the app's
services, then lets ``--voters`` concurrent residents vote over 127.0.0.1 for
``--seconds``: each follows the link printed on the letter, which opens the
ballot, casts (with the page's CSRF token) and follows the confirmation
(``--typed``: code page, typed code, ballot, review, cast, confirmation). By default
nobody pauses (the server's ceiling); ``--think S`` lets each voter take on average
``S`` seconds to fill in the ballot before casting. Afterwards the database is
audited: ballots stored = confirmations received = codes marked used, every
confirmed code used, none twice. The last line is machine-readable:
``ballots_per_s=<n> p99_ms=<n> lost=<n> duplicate=<n>``.

tests/app/test_faults.py imports ``Server``, ``Postgres``, ``create_round``
and ``Voter`` from this file.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import math
import os
import random
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# The code-entry limit (WIJKSTEM_CODE_RATELIMIT) counts per client address; every
# benchmark voter comes from 127.0.0.1, so the benchmark lifts it far above its load.
BENCH_CODE_LIMIT = "100000000 per minute"
CSRF = re.compile(rb'name="csrf_token" type="hidden" value="([^"]+)"')
INITIATIVES = [("Speeltuin", 300_000), ("Bankjes", 200_000), ("Muurschildering", 400_000),
               ("Lantaarns", 100_000), ("Geveltuinen", 60_000), ("Buurtfeest", 150_000),
               ("Jeu-de-boulesbaan", 40_000), ("Hondenveldje", 200_000)]


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def tree_cpu(root: int) -> float:
    """CPU seconds (user + system) used so far by ``root`` and its descendants alive now."""
    ticks = os.sysconf("SC_CLK_TCK")
    children: dict[int, list[int]] = {}
    used: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # exited meanwhile
        pid = int(entry.name)
        children.setdefault(int(fields[1]), []).append(pid)
        used[pid] = (int(fields[11]) + int(fields[12])) / ticks
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        total += used.get(pid, 0.0)
        todo += children.get(pid, [])
    return total


def speed_gauge() -> float:
    """Milliseconds of CPU that a fixed pure-Python loop takes now (best of five).

    CPU time per ballot depends on the machine's speed, and a shared virtual machine's
    speed changes from hour to hour (this one by up to ~1.7x): runs compare fairly
    only next to this gauge.
    """
    best = math.inf
    for _ in range(5):
        started = time.process_time()
        sum(i * i % 7 for i in range(1_000_000))
        best = min(best, time.process_time() - started)
    return best * 1000


class Postgres:
    """A throw-away PostgreSQL cluster in a temp folder (as ./scripts/test starts one)."""

    def __init__(self, max_connections: int = 300) -> None:
        bins = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: p.parent.name)
        if not bins:
            raise SystemExit("no PostgreSQL binaries under /usr/lib/postgresql (apt install "
                             "postgresql, or pass WIJKSTEM_DATABASE_URL)")
        self.bin = bins[-1]
        self.dir = Path(tempfile.mkdtemp(prefix="wijkstem-bench-pg."))
        self.port = free_port()
        if os.getuid() == 0:
            shutil.chown(self.dir, "postgres")
        self._run("initdb", "-D", f"{self.dir}/data", "-U", "wijkstem", "--auth=trust",
                  "-E", "UTF8")
        self._run("pg_ctl", "-D", f"{self.dir}/data", "-l", f"{self.dir}/log", "-w", "-o",
                  f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 "
                  f"-c max_connections={max_connections}", "start")
        self.url = f"postgresql+psycopg://wijkstem@127.0.0.1:{self.port}/postgres"

    def pid(self) -> int:
        """The postmaster's process id (its backends are its children)."""
        return int((self.dir / "data" / "postmaster.pid").read_text().split()[0])

    def _run(self, program: str, *args: str) -> None:
        """Runs a PostgreSQL program, as the postgres user when we are root."""
        command = [str(self.bin / program), *args]
        if os.getuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)

    def stop(self) -> None:
        """Stops the cluster and removes its folder."""
        try:
            self._run("pg_ctl", "-D", f"{self.dir}/data", "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


class Server:
    """``python -m app.serve`` on a free port with its own instance folder."""

    def __init__(self, instance: Path, database_url: str, env: dict[str, str] | None = None,
                 port: int | None = None) -> None:
        self.instance = instance
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = instance / "server.log"
        self.env = {**os.environ, "PORT": str(self.port), "WIJKSTEM_INSTANCE_PATH": str(instance),
                    "WIJKSTEM_DATABASE_URL": database_url, "WIJKSTEM_BASE_URL": self.base,
                    "WIJKSTEM_CODE_RATELIMIT": BENCH_CODE_LIMIT, **(env or {})}
        self.env.pop("WIJKSTEM_SECRET_KEY", None)  # the instance folder keeps the key
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> None:
        """Starts the server and waits until it answers the home page."""
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen([sys.executable, "-m", "app.serve"], cwd=ROOT,
                                            env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True)
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.log_path.read_text()[-3000:]}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                    sock.sendall(b"GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
                    if b" 200 " in sock.recv(16):
                        return
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"server did not start: {self.log_path.read_text()[-3000:]}")
            time.sleep(0.2)

    def kill(self) -> None:
        """SIGKILLs the master and every worker at once (a crash, no clean shutdown)."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        """Stops the server gracefully (SIGTERM), or kills it when it does not stop."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill()


def app_for(server: Server):
    """The app (in this process) on the server's database, instance folder and secret key."""
    from app import create_app

    names = ("WIJKSTEM_INSTANCE_PATH", "WIJKSTEM_DATABASE_URL", "WIJKSTEM_BASE_URL",
             "WIJKSTEM_SECRET_KEY")
    saved = {name: os.environ.get(name) for name in names}
    try:  # create_app reads the environment once; put ours back afterwards
        os.environ.update({name: server.env[name] for name in names[:3]})
        os.environ.pop("WIJKSTEM_SECRET_KEY", None)
        return create_app()
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@dataclass
class BenchRound:
    """The round the voters vote in."""

    round_id: int
    title: str
    question_id: int
    options: list[int]
    codes: list[str]


def create_round(app: Any, n_codes: int) -> BenchRound:
    """A Wijktop-3 round in voting with eight admitted initiatives and ``n_codes`` stemcodes."""
    from sqlmodel import Session, select

    from app.db import EXTENSION
    from app.models import CostLine, Initiative, Round, Wijk
    from app.services import rounds, stemcodes

    today = date.today()
    with app.app_context(), Session(app.extensions[EXTENSION]) as session:
        wijk = session.exec(select(Wijk).order_by(Wijk.id)).first()
        title = f"Wijktop-3 benchmark {time.strftime('%H:%M:%S')}"
        round_ = rounds.create_round(session, wijk.id, {
            "title": title, "kind": "wijktop3", "budget_fixed_cents": 1_000_000,
            "budget_rate_cents": None, "voting_start": today - timedelta(days=1),
            "voting_end": today + timedelta(days=1)})
        rounds.advance_phase(session, round_, "submission")
        options = []
        for name, cost in INITIATIVES:
            item = Initiative(round_id=round_.id, title=name, description="...",
                              status="admitted", cofinancing_cents=0)
            session.add(item)
            session.flush()
            session.add(CostLine(initiative_id=item.id, description="kosten", amount_cents=cost))
            options.append(item.id)
        session.commit()
        for phase in ("review", "voting"):
            rounds.advance_phase(session, round_, phase)
        question_id = rounds.questions(session, round_.id)[0].id
        codes: list[str] = []
        while len(codes) < n_codes:
            batch = min(stemcodes.MAX_BATCH, n_codes - len(codes))
            codes += stemcodes.issue_stemcodes(session, session.get(Round, round_.id), batch, None)
        return BenchRound(round_.id, title, question_id, options, codes)


@dataclass
class Tally:
    """What the voters saw."""

    attempted: list[str] = field(default_factory=list)
    confirmed: list[str] = field(default_factory=list)
    cast_ms: list[float] = field(default_factory=list)
    cast_at: list[float] = field(default_factory=list)  # when each cast was sent
    page_ms: dict[str, list[float]] = field(default_factory=dict)  # the other steps
    errors: Counter = field(default_factory=Counter)
    busy: int = 0
    finished_at: list[float] = field(default_factory=list)


def form(fields: dict[str, str]) -> dict[str, Any]:
    """A form post as a browser sends it (aiohttp's own form encoding builds a multipart
    writer with a fresh uuid4 boundary for every form, urlencoded or not: ~8% of the
    client's CPU time)."""
    return {"data": urlencode(fields).encode(),
            "headers": {"Content-Type": "application/x-www-form-urlencoded"}}


class FlowError(Exception):
    """A step of the voting flow gave something else than expected."""


class Voter:
    """One resident's browser: a cookie jar and the requests of the voting flow.

    By default the resident follows the link printed on the letter (the ballot opens
    at once), casts and follows the confirmation: three requests. ``typed`` walks the
    long way instead: code page, typed code, ballot, review, cast, confirmation.
    """

    def __init__(self, base: str, bench: BenchRound, tally: Tally,
                 connector: aiohttp.BaseConnector, seed: int, typed: bool = False,
                 think: float = 0.0) -> None:
        self.base, self.bench, self.tally, self.typed = base, bench, tally, typed
        self.think = think  # mean seconds spent filling in the ballot
        self.random = random.Random(seed)
        self.http = aiohttp.ClientSession(
            connector=connector, connector_owner=False,
            cookie_jar=aiohttp.CookieJar(unsafe=True),  # unsafe: cookies for an IP host
            timeout=aiohttp.ClientTimeout(total=60))

    async def _type_code_and_review(self, code: str, answers: dict[str, str]) -> str:
        """Code page, typed code, ballot, answers -> review; the review's CSRF token."""
        body, _ = await self._page("GET", "/stemmen", 200)
        token = self._token(body, "/stemmen")
        await self._page("POST", "/stemmen", 302, **form({"csrf_token": token, "code": code}))
        body, _ = await self._page("GET", "/stemmen/stembiljet", 200)
        token = self._token(body, "/stemmen/stembiljet")
        body, _ = await self._page("POST", "/stemmen/stembiljet", 200,
                                   **form({"csrf_token": token, **answers}))
        return self._token(body, "review")

    async def close(self) -> None:
        """Closes the browser (the shared connector stays open)."""
        await self.http.close()

    async def _page(self, method: str, path: str, status: int, **kwargs: Any) -> tuple[bytes, Any]:
        """One request that must answer ``status``; returns its body and headers."""
        started = time.perf_counter()
        try:
            async with self.http.request(method, self.base + path, allow_redirects=False,
                                         **kwargs) as response:
                body = await response.read()
        except (TimeoutError, aiohttp.ClientError, OSError) as error:
            raise FlowError(f"{method} {path}: {type(error).__name__}") from None
        self.tally.page_ms.setdefault(f"{method} {path}", []).append(
            (time.perf_counter() - started) * 1000)
        if response.status != status:
            raise FlowError(f"{method} {path}: {response.status}")
        return body, response.headers

    @staticmethod
    def _token(body: bytes, path: str) -> str:
        """The CSRF token of a page's form."""
        match = CSRF.search(body)
        if match is None:
            raise FlowError(f"no CSRF token on {path}")
        return match.group(1).decode()

    async def vote(self, code: str, retries: int = 20) -> bool:
        """Votes with ``code`` through every page; True when the confirmation was shown."""
        self.http.cookie_jar.clear()
        self.tally.attempted.append(code)
        try:
            q = f"q{self.bench.question_id}"
            picked = self.random.sample(self.bench.options, 3)
            answers = {f"{q}_{slot}": str(option) for slot, option in enumerate(picked, 1)}
            if self.typed:
                token = await self._type_code_and_review(code, answers)
            else:  # the letter's link opens the ballot at once
                body, _ = await self._page("GET", "/stemmen", 200, params={"code": code})
                token = self._token(body, "/stemmen?code=")
            if self.think:  # reading and filling in: exponential, as people differ
                await asyncio.sleep(self.random.expovariate(1 / self.think))
            for _attempt in range(retries):
                started, sent = time.perf_counter(), time.monotonic()
                try:
                    async with self.http.post(self.base + "/stemmen/uitbrengen",
                                              allow_redirects=False,
                                              **form({"csrf_token": token, **answers})) as response:
                        body = await response.read()
                        status = response.status
                except (TimeoutError, aiohttp.ClientError, OSError) as error:
                    raise FlowError(f"POST /stemmen/uitbrengen: {type(error).__name__}") from None
                self.tally.cast_ms.append((time.perf_counter() - started) * 1000)
                self.tally.cast_at.append(sent)
                if status != 503:  # 503: "probeer het opnieuw", the code is still usable
                    break
                self.tally.busy += 1
                await asyncio.sleep(0.05)
            if status != 302:
                raise FlowError(f"POST /stemmen/uitbrengen: {status}")
            body, _ = await self._page("GET", "/stemmen/bedankt", 200)
            if self.bench.title.encode() not in body:
                raise FlowError("confirmation without the round's title")
        except FlowError as error:
            self.tally.errors[str(error)] += 1
            return False
        self.tally.confirmed.append(code)
        self.tally.finished_at.append(time.monotonic())
        return True


async def drive(base: str, bench: BenchRound, voters: int, seconds: float, tally: Tally,
                until: Callable[[], bool] | None = None,
                typed: bool = False, think: float = 0.0) -> tuple[float, float]:
    """Runs ``voters`` concurrent voters until ``seconds`` pass, ``until()`` or no codes left."""
    # Idle connections are dropped after 10 s, well before granian closes them (it waits
    # 30 s for a request's headers): reusing a connection the server is closing would
    # fail a POST. A voter filling in the ballot (--think) keeps its connection, as a
    # browser does.
    connector = aiohttp.TCPConnector(limit=voters, limit_per_host=voters, keepalive_timeout=10)
    codes = iter(bench.codes)
    stop_at = time.monotonic() + seconds

    async def resident(number: int) -> None:
        voter = Voter(base, bench, tally, connector, seed=number, typed=typed, think=think)
        try:
            if think:  # residents do not all open their letters at the same instant
                await asyncio.sleep(voter.random.uniform(0, think))
            while time.monotonic() < stop_at and not (until and until()):
                code = next(codes, None)
                if code is None:
                    return
                await voter.vote(code)
        finally:
            await voter.close()

    started = time.monotonic()
    await asyncio.gather(*(resident(n) for n in range(voters)))
    ended = time.monotonic()
    await connector.close()
    return started, ended


@contextmanager
def collector_paused() -> Iterator[None]:
    """The client's garbage collector off while it measures, on again afterwards.

    A collection stops the client's whole event loop: with it on, 20 s of load showed
    68 pauses of more than 10 ms between two responses (2.1 s in all, up to 141 ms),
    which counted as latency of every request under way; with it off, 3 (106 ms).
    Memory is bounded by the run: the client's peak is printed.
    """
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect()


def audit(app: Any, bench: BenchRound, confirmed: list[str]) -> dict[str, int]:
    """Reads the database: ballots, used codes, and whether every confirmed code is used."""
    from sqlalchemy import func
    from sqlmodel import Session, select

    from app.db import EXTENSION
    from app.models import Ballot, Stemcode
    from app.services.stemcodes import code_hash

    with app.app_context(), Session(app.extensions[EXTENSION]) as session:
        ballots = session.exec(select(func.count()).select_from(Ballot)
                               .where(Ballot.round_id == bench.round_id)).one()
        used = session.exec(select(func.count()).select_from(Stemcode).where(
            Stemcode.round_id == bench.round_id, Stemcode.used)).one()
        digests = [code_hash(c) for c in set(confirmed)]
        confirmed_used = 0
        for start in range(0, len(digests), 500):
            confirmed_used += session.exec(select(func.count()).select_from(Stemcode).where(
                Stemcode.code_hash.in_(digests[start:start + 500]), Stemcode.used)).one()
    repeats = len(confirmed) - len(set(confirmed))
    return {
        "ballots": ballots, "used": used, "confirmed": len(confirmed),
        "confirmed_not_used": len(digests) - confirmed_used,
        # lost: a confirmation without its ballot or its code used, or a code used
        # without its ballot
        "lost": (max(0, len(confirmed) - ballots) + (len(digests) - confirmed_used)
                 + max(0, used - ballots)),
        # duplicate: more ballots than used codes, or one code confirmed twice
        "duplicate": max(0, ballots - used) + repeats,
    }


def server_error(log_path: Path) -> str:
    """The first traceback in the server's log ("" when there is none)."""
    lines = log_path.read_text(errors="replace").splitlines() if log_path.exists() else []
    for number, line in enumerate(lines):
        if line.startswith("Traceback"):
            end = next((n for n in range(number + 1, len(lines))
                        if lines[n] and not lines[n].startswith(" ")), len(lines) - 1)
            return "\n".join(lines[number - 1:end + 1])
    return ""


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank) of ``values``; 0 when empty."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def windows(finished: list[float], started: float, ended: float, width: float = 10) -> list[float]:
    """Confirmations per second in each full ``width``-second window of the run."""
    rates = []
    edge = started
    while edge + width <= ended + 1e-9:
        rates.append(sum(edge <= t < edge + width for t in finished) / width)
        edge += width
    return rates


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60, help="length of the load (60)")
    parser.add_argument("--voters", type=int, default=200, help="concurrent voters (200)")
    parser.add_argument("--postgres", action="store_true",
                        help="PostgreSQL: WIJKSTEM_DATABASE_URL, else a throw-away cluster")
    parser.add_argument("--workers", type=int, help="worker processes (WIJKSTEM_WORKERS)")
    parser.add_argument("--threads", type=int, help="threads per worker (WIJKSTEM_THREADS)")
    parser.add_argument("--typed", action="store_true",
                        help="type the code and review the ballot (six requests per voter) "
                             "instead of following the letter's link (three)")
    parser.add_argument("--think", type=float, default=0.0,
                        help="mean seconds a voter takes to fill in the ballot before "
                             "casting, exponentially distributed (0: nobody pauses)")
    parser.add_argument("--codes", type=int,
                        help="stemcodes to issue (default: enough for 600 ballots/s)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Runs the benchmark and prints the figures; 0 when nothing was lost or duplicated."""
    args = parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="wijkstem-bench."))
    postgres = None
    env = {name: str(value) for name, value in (("WIJKSTEM_WORKERS", args.workers),
                                                 ("WIJKSTEM_THREADS", args.threads)) if value}
    url = f"sqlite:///{folder / 'wijkstem.db'}"
    if args.postgres:
        url = os.environ.get("WIJKSTEM_DATABASE_URL", "")
        if not url.startswith("postgresql"):
            postgres = Postgres()
            url = postgres.url
    backend = url.split(":", 1)[0].split("+", 1)[0]
    server = Server(folder, url, env)
    try:
        server.start()
        app = app_for(server)
        n_codes = args.codes or int(600 * args.seconds) + 10 * args.voters
        t0 = time.monotonic()
        bench = create_round(app, n_codes)
        print(f"database: {backend}; round {bench.round_id} with {n_codes} fresh stemcodes "
              f"({time.monotonic() - t0:.1f} s to issue)")
        print(f"server: python -m app.serve on {server.base} (log {server.log_path}); "
              f"WIJKSTEM_CODE_RATELIMIT={BENCH_CODE_LIMIT!r} for the benchmark, since every "
              "voter comes from 127.0.0.1 (the default is 60 per minute per address)")
        flow = ("code page, typed code, ballot, review, cast, confirmation" if args.typed
                else "letter link opens the ballot, cast, confirmation")
        # With pauses the voters themselves bound the rate: each ballot takes its pause
        # plus three answers, so 200 voters pausing 0.6 s never exceed 333 ballots/s.
        pace = (f"each filling in the ballot for {args.think:g} s on average, so at most "
                f"{args.voters / args.think:.0f} ballots/s however fast the pages come"
                if args.think else "nobody pauses")
        print(f"load: {args.voters} concurrent voters for {args.seconds:g} s ({flow}; {pace}); "
              f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
              f"speed gauge before: {speed_gauge():.0f} ms", flush=True)
        tally = Tally()
        # CPU time per ballot does not depend on what else runs on the machine, unlike the
        # rate: it gives the ceiling on free cores next to the figure measured now.
        cpu_before = (tree_cpu(server.process.pid), postgres and tree_cpu(postgres.pid()),
                      time.process_time())
        with collector_paused():
            started, ended = asyncio.run(drive(server.base, bench, args.voters, args.seconds,
                                               tally, typed=args.typed, think=args.think))
        cpu_after = (tree_cpu(server.process.pid), postgres and tree_cpu(postgres.pid()),
                     time.process_time())
        load = os.getloadavg()
        server.stop()
        figures = audit(app, bench, tally.confirmed)
    finally:
        server.stop()
        if postgres is not None:
            postgres.stop()
    # The rate counts the ballots confirmed while the load ran: voters still filling in
    # when it stops (--think) finish afterwards, and are audited, but not timed.
    elapsed = min(ended, started + args.seconds) - started
    in_time = sum(t <= started + elapsed for t in tally.finished_at)
    rate = in_time / elapsed if elapsed else 0.0
    rates = windows(tally.finished_at, started, started + elapsed)
    # Latency likewise: the casts sent while the load ran (the last voters' are lighter).
    cast_ms = [ms for ms, at in zip(tally.cast_ms, tally.cast_at, strict=True)
               if at <= started + elapsed]
    p50, p95, p99 = (percentile(cast_ms, q) for q in (50, 95, 99))
    print(f"ballots accepted: {in_time} in {elapsed:.1f} s = {rate:.1f} per second"
          + (f", {len(tally.confirmed) - in_time} more while the last voters finished"
             if len(tally.confirmed) > in_time else "")
          + (f" (10 s windows: min {min(rates):.0f}, max {max(rates):.0f})" if rates else ""))
    print(f"cast request latency: p50 {p50:.0f} ms, p95 {p95:.0f} ms, p99 {p99:.0f} ms "
          f"({len(cast_ms)} cast requests, {tally.busy} answered 503 busy and retried)")
    print("other steps, p50/p99: " + "; ".join(
        f"{step} {percentile(ms, 50):.0f}/{percentile(ms, 99):.0f} ms"
        for step, ms in tally.page_ms.items()))
    print(f"errors: {sum(tally.errors.values())}"
          + "".join(f"\n  {n} x {what}" for what, n in tally.errors.most_common(10)))
    print(f"audit: ballots in database {figures['ballots']}, confirmations "
          f"{figures['confirmed']}, codes marked used {figures['used']}; confirmed codes not "
          f"used {figures['confirmed_not_used']}; codes used without a confirmation "
          f"{figures['used'] - figures['confirmed']}")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in load)} ({os.cpu_count()} cores); "
          f"speed gauge after: {speed_gauge():.0f} ms")
    if tally.confirmed:
        per = [(after - before) * 1000 / len(tally.confirmed) if before is not None else 0.0
               for before, after in zip(cpu_before, cpu_after, strict=True)]
        database = f", PostgreSQL {per[1]:.1f} ms" if postgres is not None else ""
        print(f"CPU per accepted ballot: server {per[0]:.1f} ms{database}, client "
              f"{per[2]:.1f} ms; on {os.cpu_count()} otherwise idle cores at most "
              f"~{(os.cpu_count() or 1) * 1000 / sum(per):.0f} ballots/s; client peak memory "
              f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    first_error = server_error(server.log_path)
    if first_error:
        print(f"first server error in {server.log_path}:\n{first_error}")
    print(f"ballots_per_s={rate:.1f} p99_ms={p99:.0f} lost={figures['lost']} "
          f"duplicate={figures['duplicate']}")
    if not first_error:
        shutil.rmtree(folder, ignore_errors=True)
    return 0 if figures["lost"] == 0 and figures["duplicate"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
