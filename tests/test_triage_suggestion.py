"""The urgency suggestion at triage, checked against every example of the procedure.

Expected values are the procedure's footnotes (2.1 * urgent, 2.2 ** not urgent),
written out here per category; the MAZ decides, the suggestion only helps.
"""

import pytest

from lib.catalog import CATEGORIES, suggest_urgency

# category -> (the procedure's example it matches, urgent?)
PROCEDURE_EXAMPLES = {
    "server": ("uitval van de server", True),
    "netwerk": ("geen verbinding kunnen maken", True),
    "mail": ("geen mail kunnen versturen/ontvangen", True),
    "telefonie": ("binnen de organisatie geen telefoonverkeer mogelijk", True),
    "printen": ("niet kunnen printen", False),
    "internet_locatie": ("geen internetverbinding op de locaties", False),
    "terminal_server": ("geen verbinding kunnen maken met de terminal server", False),
    "overig": ("(geen voorbeeld: alleen urgent als het kantoor niet kan werken)", False),
}


def test_every_category_is_checked_against_the_procedure():
    assert set(PROCEDURE_EXAMPLES) == set(CATEGORIES)


@pytest.mark.parametrize("category", sorted(PROCEDURE_EXAMPLES))
def test_the_suggestion_follows_the_procedures_example(category):
    example, urgent = PROCEDURE_EXAMPLES[category]
    expected = "urgent" if urgent else "niet_urgent"
    assert suggest_urgency(category, False) == expected, example


@pytest.mark.parametrize("category", sorted(PROCEDURE_EXAMPLES))
def test_office_staff_who_cannot_work_is_always_urgent(category):
    """2.1 *: 'De kantoormedewerkers kunnen niet werken' is urgent whatever the cause."""
    assert suggest_urgency(category, True) == "urgent"
