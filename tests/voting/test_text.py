"""Sentences of a result: English in the result, Dutch from the core's catalogue."""

import doctest
import pickle
import re
from fractions import Fraction
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

import voting.text
from ballots import ApprovalProfile, PBElection, Project
from tests.refdata import PB, RANKED
from voting.explain import explain
from voting.result import canonical_json
from voting.rules import tally
from voting.text import Money, Text, money, number, say

CORE = Path(voting.text.__file__).resolve().parent
CATALOGUE = CORE / "translations" / "nl" / "LC_MESSAGES" / "voting.po"


def templates_in_code() -> set[str]:
    """Every literal template given to ``Text`` in the core, as pybabel extracts them."""
    found = extract_from_dir(str(CORE), method_map=[("**.py", "python")],
                             keywords={"Text": None})
    return {message for _file, _line, message, _comments, _context in found}


def catalogue() -> dict[str, str]:
    with CATALOGUE.open("rb") as handle:
        return {m.id: m.string for m in read_po(handle) if m.id}


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


def test_a_text_is_its_english_sentence():
    text = Text("{option} has {votes} of {active} continuing votes.", option="Jansen",
                votes=1234, active=5000)
    assert text == "Jansen has 1234 of 5000 continuing votes."
    assert type(str(text)) is str and canonical_json({"note": text}) == \
        '{"note":"Jansen has 1234 of 5000 continuing votes."}'
    assert say(text, "nl") == "Jansen heeft 1.234 van de 5.000 stemmen die nog meetellen."
    assert say(text, "en") == text and say("plain words", "nl") == "plain words"


def test_values_are_shown_the_way_of_the_language():
    assert money(Money(123456)) == "EUR 1,234.56" and money(Money(123456), "nl") == "€ 1.234,56"
    assert money(Money(-5)) == "-EUR 0.05" and money(Money(-5), "nl") == "€ -0,05"
    assert money(Money(158_419_652, "PLN"), "nl") == "PLN 1.584.196,52"
    assert number(Fraction(12_027_1746, 10_000)) == "12,027.1746"
    assert number(Fraction(12_027_1746, 10_000), "nl") == "12.027,1746"
    assert number(12345, "nl") == "12.345" and number(Fraction(4, 2), "en") == "2"
    nested = Text("{when} its supporters had only {left} left of their shares, less than its "
                  "cost {cost}", when=Text("before step {step}", step=3), left=Money(5000),
                  cost=Money(12000))
    assert say(nested, "nl") == ("vóór stap 3 hadden de voorstanders nog maar € 50,00 over "
                                 "van hun aandelen, minder dan de kosten, € 120,00")


def test_a_template_missing_from_the_catalogue_stays_english():
    assert say(Text("not in any catalogue {n}", n=3), "nl") == "not in any catalogue 3"


def test_a_text_survives_the_trip_to_a_worker_process():
    text = Text("equal shares step {step}: equal rho", step=4)
    back = pickle.loads(pickle.dumps(text))
    assert back == text and isinstance(back, Text)
    assert say(back, "nl") == "gelijke delen, stap 4: gelijke rho"


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
    english = explain(result, language="en")
    assert all(s in english for s in sentences)
    assert not any(s in explain(result, language="nl") for s in sentences)


def test_tie_draws_and_caps_are_explained_in_dutch():
    profile = ApprovalProfile.from_ballots([{0}, {1}, {2}], ["a", "b", "c"])
    election = PBElection({}, (Project("a", 600), Project("b", 600), Project("c", 900)), 1000,
                          "approval", profile)
    result = tally(election, "greedy", seed=3)
    assert result.draws
    dutch = explain(result, language="nl")
    assert "Loting 1 bij gelijke stand (volgorde van steun: gelijke steun 1)" in dutch
    assert "Overgeslagen: het vraagt € 6,00, maar er was nog maar € 4,00 over" in dutch


def test_docstring_examples_hold():
    assert doctest.testmod(voting.text).failed == 0
