"""The demo world: one stadsdeel, three wijken, two rounds and an account per role.

Generated data only: the places and people are made up.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import Session, select

from app.models import CostLine, Initiative, Initiator, Review, Stadsdeel, Wijk
from app.services import accounts, rounds

# (username, password, role, wijk name or None) — printed by app.serve.
DEMO_LOGINS = (
    ("admin", "demo-admin", "admin", None),
    ("ambtenaar", "demo-ambtenaar", "official", None),
    ("commissie", "demo-commissie", "committee", "Lindenhof"),
    ("commissie-haven", "demo-commissie", "committee", "Havenkwartier"),
)

WIJKEN = (
    ("Lindenhof", "WK099901", 8_430, "9721 9722"),
    ("Molenwijk", "WK099902", 5_215, "9723"),
    ("Havenkwartier", "WK099903", 11_870, "9724 9725 9726"),
)

# title, description, location, [(cost line, cents)], cofinancing cents
INITIATIVES = (
    ("Speeltuin De Linde opknappen", "Nieuwe schommels en een zandbak voor de speeltuin.",
     "Lindeplein", [("Schommels", 650_000), ("Zandbak", 180_000)], 0),
    ("Buurtmoestuin", "Een moestuin met twaalf bakken waar buren samen groenten kweken.",
     "Braakliggend veld achter de Eikstraat", [("Bakken en aarde", 240_000),
                                                ("Gereedschap", 60_000)], 75_000),
    ("Bankjes langs de singel", "Zes bankjes zodat ouderen onderweg kunnen uitrusten.",
     "Lindensingel", [("Zes bankjes", 540_000)], 0),
    ("Jeu-de-boulesbaan", "Een baan bij het buurthuis voor jong en oud.",
     "Buurthuis De Hof", [("Aanleg baan", 420_000)], 105_000),
    ("Zomerfeest Lindenhof", "Een buurtfeest met muziek en activiteiten voor kinderen.",
     "Lindeplein", [("Podium en geluid", 150_000), ("Activiteiten", 90_000)], 0),
    ("Bloembakken in de winkelstraat", "Veertig bloembakken die bewoners zelf onderhouden.",
     "Winkelstraat", [("Bloembakken", 320_000), ("Planten", 80_000)], 0),
    ("Verlichting fietspad", "Betere verlichting op het donkere fietspad naar school.",
     "Fietspad Hofweg", [("Lantaarns", 980_000)], 245_000),
    ("Minibieb", "Drie kastjes waar buren boeken ruilen.",
     "Drie straathoeken", [("Kastjes", 45_000)], 0),
)


def seed_if_empty(session: Session) -> bool:
    """Seeds the demo when there are no wijken yet; True when it did."""
    if session.exec(select(Wijk)).first() is not None:
        return False
    seed(session)
    return True


def seed(session: Session) -> None:
    """Creates the demo world (commits as it goes, through the services where they exist)."""
    stadsdeel = Stadsdeel(name="Noorderhaven")
    session.add(stadsdeel)
    session.flush()
    wijken = {name: Wijk(stadsdeel_id=stadsdeel.id, name=name, code=code, inhabitants=count,
                         postcodes=postcodes) for name, code, count, postcodes in WIJKEN}
    session.add_all(wijken.values())
    session.commit()
    ids = {}
    for username, password, role, wijk_name in DEMO_LOGINS:
        account = accounts.create_account(
            session, username=username, name=username.capitalize(), role=role, password=password,
            stadsdeel_id=stadsdeel.id if role == "official" else None,
            wijk_id=wijken[wijk_name].id if wijk_name else None)
        ids[username] = account.id
    _wijktop3(session, wijken["Lindenhof"], ids["commissie"], ids["ambtenaar"])
    _wijkstemdag(session, wijken["Havenkwartier"], ids["commissie-haven"])


def _wijktop3(session: Session, wijk: Wijk, committee_id: int, official_id: int) -> None:
    """A Wijktop-3 round in its voting phase with eight admitted initiatives and a stembureau."""
    today = date.today()
    round_ = rounds.create_round(session, wijk.id, {
        "title": f"Wijktop-3 Lindenhof {today.year}", "kind": "wijktop3",
        "submission_start": today - timedelta(days=60), "review_start": today - timedelta(days=30),
        "voting_start": today, "voting_end": today + timedelta(days=14),
        "counting_start": today + timedelta(days=15), "budget_rate_cents": 300,
        "min_age_text": "Iedereen vanaf 12 jaar die in Lindenhof woont."}, actor_id=committee_id)
    # Paper ballots need a polling station; the round is frozen once voting starts.
    rounds.save_stembureau(session, round_, {"name": "Wijkcentrum De Linde",
                                             "address": "Lindenplein 1",
                                             "opening_hours": "09:00–20:00"},
                           actor_id=committee_id)
    rounds.advance_phase(session, round_, "submission", actor_id=committee_id)
    for number, (title, text, place, lines, cofinancing) in enumerate(INITIATIVES, start=1):
        initiative = Initiative(round_id=round_.id, title=title, description=text, location=place,
                                status="admitted", cofinancing_cents=cofinancing)
        session.add(initiative)
        session.flush()
        session.add_all(CostLine(initiative_id=initiative.id, description=what, amount_cents=cents)
                        for what, cents in lines)
        session.add_all(Initiator(initiative_id=initiative.id, name=f"Demobewoner {number}{tag}",
                                  email=f"bewoner{number}{tag}@example.org") for tag in "ab")
        session.add(Review(initiative_id=initiative.id, support_shown=True,
                           stakeholders_consulted=True, fits_needs=True, adds_value=True,
                           incidental_only=True, no_commercial_interest=True, legitimacy=4,
                           involvement=4, return_value=3, decision_level="team",
                           decision="admitted", reason="Voldoet aan alle criteria.",
                           reviewer_id=official_id))
    session.commit()
    rounds.advance_phase(session, round_, "review", actor_id=committee_id)
    rounds.advance_phase(session, round_, "voting", actor_id=committee_id)


def _wijkstemdag(session: Session, wijk: Wijk, committee_id: int) -> None:
    """A wijkstemdag round open for initiatives, with two questions and two stembureaus."""
    today = date.today()
    round_ = rounds.create_round(session, wijk.id, {
        "title": "Wijkstemdag Havenkwartier", "kind": "wijkstemdag",
        "submission_start": today, "review_start": today + timedelta(days=30),
        "voting_start": today + timedelta(days=60), "voting_end": today + timedelta(days=60),
        "counting_start": today + timedelta(days=61), "budget_rate_cents": None,
        "budget_fixed_cents": 25_000_00, "min_age_text": "Vanaf 16 jaar."}, actor_id=committee_id)
    rounds.save_question(session, round_, {
        "kind": "approval", "max_choices": 3, "rule": "mes",
        "text": "Welke initiatieven steunt u? (hoogstens drie)"}, actor_id=committee_id)
    rounds.save_question(session, round_, {
        "kind": "yesno", "rule": "majority",
        "text": "Moet het Havenplein op zondag autovrij worden?"}, actor_id=committee_id)
    for name, address, hours in (
        ("Buurthuis De Kade", "Kadestraat 12", "08:00–20:00"),
        ("Basisschool De Haven", "Havenweg 3", "08:30–19:00"),
    ):
        rounds.save_stembureau(session, round_, {"name": name, "address": address,
                                                 "opening_hours": hours}, actor_id=committee_id)
    rounds.advance_phase(session, round_, "submission", actor_id=committee_id)
