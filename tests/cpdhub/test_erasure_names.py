"""What the erasure scrub takes out of text that stays (a session's description, an import's
report): the erased person's ways of being named, and not a colleague who shares a surname."""

from types import SimpleNamespace

from cpdhub.erasure import ERASED_NAME, names_of, scrub_text

PRIYA = SimpleNamespace(email="priya.patel@oak.sch.uk", first_name="Priya", last_name="Patel")


def test_every_way_the_person_is_named_is_erased():
    text = (
        "Led by Priya Patel (priya.patel@oak.sch.uk); Patel, Priya on the register; "
        "ask Ms Patel or Dr. Patel, or mrs patel."
    )
    scrubbed = scrub_text(text, names_of(PRIYA))
    assert "Priya" not in scrubbed
    assert "Patel" not in scrubbed
    assert "priya.patel" not in scrubbed
    assert scrubbed.count(ERASED_NAME) == 6


def test_a_colleague_with_the_same_surname_keeps_her_name():
    text = "Co-led with Sam Patel, whose Patel method the department uses."
    assert scrub_text(text, names_of(PRIYA)) == text


def test_short_names_are_left_alone_inside_other_words():
    person = SimpleNamespace(email="al@oak.sch.uk", first_name="Al", last_name="Li")
    text = "Algebra and literacy with Al Li."
    assert scrub_text(text, names_of(person)) == f"Algebra and literacy with {ERASED_NAME}."
