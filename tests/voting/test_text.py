"""Sentences of a result: English in the result, Dutch from the core's catalogue."""

import doctest
import gettext
import io
import multiprocessing
import pickle
import re
from concurrent.futures import ProcessPoolExecutor
from fractions import Fraction
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

import voting.text
from ballots import ApprovalProfile, PBElection, Project
from tests.refdata import PB, RANKED
from voting.explain import explain
from voting.result import canonical_json
from voting.rules import tally
from voting.text import Money, Text, number, say

CORE = Path(voting.text.__file__).resolve().parent
CATALOGUE = CORE / "translations" / "nl" / "LC_MESSAGES" / "voting.po"


def templates_in_code() -> set[str]:
    """Every literal template given to ``Text`` in the core, as pybabel extracts them."""
    found = extract_from_dir(str(CORE), method_map=[("**.py", "python")],
                             keywords={"Text": None})
    return {message for _file, _line, message, _comments, _context in found}


def catalogue() -> dict[str, str]:
    with CATALOGUE.open("rb") as handle:
        messages = [m for m in read_po(handle) if m.id]
    assert not [m.id for m in messages if m.fuzzy]  # say() leaves fuzzy entries out
    return {m.id: m.string for m in messages}


def placeholders(template: str) -> set[str]:
    return set(re.findall(r"\{(\w+)\}", template))


def test_every_template_has_a_dutch_translation_with_the_same_placeholders():
    in_code, dutch = templates_in_code(), catalogue()
    assert len(in_code) > 40  # the extraction found the rules' sentences
    assert sorted(in_code - dutch.keys()) == []
    assert sorted(dutch.keys() - in_code) == []  # no stale entries
    for template in in_code:
        assert dutch[template], template
        assert placeholders(dutch[template]) == placeholders(template), template


def test_the_compiled_catalogue_is_the_po_file_compiled():
    # voting.mo is kept in git (the core reads it with the standard library alone):
    # after a change to voting.po, `pybabel compile -D voting -d voting/translations`.
    with CATALOGUE.open("rb") as handle:
        compiled = io.BytesIO()
        write_mo(compiled, read_po(handle))
    compiled.seek(0)
    with CATALOGUE.with_suffix(".mo").open("rb") as handle:
        kept = gettext.GNUTranslations(handle)
    assert kept._catalog == gettext.GNUTranslations(compiled)._catalog


def test_a_text_is_its_english_sentence():
    text = Text("{option} has {votes} of {active} continuing votes.", option="Jansen",
                votes=1234, active=50000)
    assert text == "Jansen has 1234 of 50000 continuing votes."
    assert type(str(text)) is str and canonical_json({"note": text}) == \
        '{"note":"Jansen has 1234 of 50000 continuing votes."}'
    assert say(text, "nl") == "Jansen heeft 1234 van de 50.000 stemmen die nog meetellen."
    assert say(text, "en") == text and say("plain words", "nl") == "plain words"


def priced(cost: Money, support: int = 7) -> Text:
    return Text("{cost}, support {support}", cost=cost, support=support)


def test_values_are_shown_the_way_of_the_language():
    assert priced(Money(123456)) == "EUR 1,234.56, support 7"
    assert say(priced(Money(123456)), "nl") == "€\u00a01.234,56, steun 7"
    assert priced(Money(-5)) == "-EUR 0.05, support 7"
    assert say(priced(Money(-5)), "nl") == "€\u00a0-0,05, steun 7"
    polish = say(priced(Money(158_419_652, "PLN"), 12345), "nl")
    assert polish == "PLN\u00a01.584.196,52, steun 12.345"
    assert number(Fraction(12_027_1746, 10_000)) == "12,027.1746"
    assert number(Fraction(12_027_1746, 10_000), "nl") == "12.027,1746"
    assert number(Fraction(1_234_5, 10), "nl") == "1234,5000"
    assert number(12345, "nl") == "12.345" and number(Fraction(4, 2), "en") == "2"
    # Four digits go without a thousands point in Dutch: "Ronde 1234", "1234 stemmen".
    assert say(Text("Round {number}", number=1234), "nl") == "Ronde 1234"
    nested = Text("{when} its supporters had only {left} left of their shares, less than its "
                  "cost {cost}", when=Text("before step {step}", step=3), left=Money(5000),
                  cost=Money(12000))
    assert say(nested, "nl") == ("vóór stap 3 hadden zijn voorstanders samen nog maar €\u00a050,00 "
                                 "van hun aandeel over, minder dan de €\u00a0120,00 die het kost")


def test_a_template_missing_from_the_catalogue_stays_english():
    assert say(Text("not in any catalogue {n}", n=3), "nl") == "not in any catalogue 3"


def made_in_a_worker(step: int) -> Text:
    return Text("{when} its supporters had only {left} left of their shares, less than its "
                "cost {cost}", when=Text("before step {step}", step=step), left=Money(5000),
                cost=Money(1_234_500))


def test_a_text_survives_the_trip_to_and_from_a_worker_process():
    # Add1 runs equal shares in worker processes (spawned, as on macOS and Windows).
    sent = Text("equal shares step {step}: equal rho", step=4)
    assert pickle.loads(pickle.dumps(sent)) == sent
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        back = pool.submit(made_in_a_worker, 3).result()
    assert isinstance(back, Text) and back == made_in_a_worker(3)
    assert isinstance(back.values["when"], Text)
    assert say(back, "nl").startswith("vóór stap 3 hadden zijn voorstanders samen nog maar "
                                      "€\u00a050,00")


@pytest.mark.parametrize(("path", "rule"), [
    (PB / "Netherlands_Assen_2024.pb", "mes-greedy"),
    (PB / "Poland_Krakow_2024_Swoszowice.pb", "greedy"),
    (RANKED / "portland_2024_district1.blt", "stv"),
    (RANKED / "nswla_ballina_2015.blt", "irv"),
])
def test_every_sentence_of_a_real_count_is_said_in_dutch(path, rule):
    from ballots.formats import load

    result = tally(load(path), rule, seed=0)
    sentences = [r.note for r in result.rounds if r.note]
    sentences += [getattr(p, "reason", "") for p in getattr(result, "projects", ())]
    sentences += [d.context for d in result.draws]
    sentences = [s for s in sentences if s]
    assert sentences and all(isinstance(s, Text) for s in sentences)
    dutch = catalogue()
    assert all(s.template in dutch for s in sentences)
    english, dutch_text = explain(result, language="en"), explain(result, language="nl")
    assert all(s in english for s in sentences)
    assert not any(s in dutch_text for s in sentences)
    nested = [v for s in sentences for v in s.values.values() if isinstance(v, Text)]
    assert all(v.template in dutch for v in nested)


def test_tie_draws_and_caps_are_explained_in_dutch():
    profile = ApprovalProfile.from_ballots([{0}, {1}, {2}], ["a", "b", "c"])
    election = PBElection({}, (Project("a", 600), Project("b", 600), Project("c", 900)), 1000,
                          "approval", profile)
    result = tally(election, "greedy", seed=3)
    assert result.draws
    dutch = explain(result, language="nl")
    assert "Loting 1 bij gelijke stand (volgorde van steun: gelijke steun 1)" in dutch
    assert "Overgeslagen: het kost €\u00a06,00, maar er was nog maar €\u00a04,00 over" in dutch


def test_docstring_examples_hold():
    assert doctest.testmod(voting.text).failed == 0


def test_why_not_funded_says_it_for_the_projects_left_out_only():
    from ballots.formats import load
    from voting.explain import why_not_funded

    result = tally(load(PB / "Netherlands_Assen_2024.pb"), "mes", seed=0)
    left_out = {p.project for p in result.projects if p.status != "funded"}
    dutch, english = why_not_funded(result, "nl"), why_not_funded(result, "en")
    assert left_out and set(dutch) == set(english) == left_out
    assert all("hadden zijn voorstanders samen nog maar" in dutch[p] for p in left_out)
    assert all(english[p] == next(o.reason for o in result.projects if o.project == p)
               for p in left_out)
    assert why_not_funded(tally(load(RANKED / "nswla_ballina_2015.blt"), "irv"), "nl") == {}


def test_budget_steps_name_the_projects_and_say_every_step():
    from ballots.formats import load
    from voting.explain import budget_steps

    election = load(PB / "Netherlands_Assen_2024.pb")
    result = tally(election, "mes", seed=0)
    names = {p.id: p.name for p in election.projects}
    steps = budget_steps(result, "nl", names)
    assert len(steps) == len(result.rounds)
    bought = [r.elected[0] for r in result.rounds if r.elected]
    for step, label in zip(steps, bought, strict=False):
        assert step.startswith(f"{names[label]} gekocht voor €\u00a0"), step
    assert steps[-1].startswith("Add1: het aandeel van elke kiezer is ")
    assert budget_steps(result, "en")[0] == result.rounds[0].note  # ids without names
    assert budget_steps(tally(load(RANKED / "nswla_ballina_2015.blt"), "irv"), "nl") == []
