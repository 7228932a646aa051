"""A quote above a configurable amount needs a second look (issue 12).

The issue's case: € 1.234.567,89 was accepted without a word. The limit is a
Beheer setting (default € 10.000); below it nothing extra is asked.
"""

from __future__ import annotations

import pytest

from lib import app_settings, billing, services
from lib.procedure import Quote
from lib.validation import ValidationError
from tests.app_checks import counts, message_after
from tests.apptest_support import app_store, page  # noqa: F401
from tests.flows import MAZ, Office

FORM = "quote-register"


def confirmed(office: Office) -> dict:
    ticket = office.triage(office.submit(category="server"), urgent=True, reason="Ligt stil")
    services.confirm_order(
        office.desk(), office.ticket(ticket["id"]), office.order(ticket["id"]), reference="NEM-1"
    )
    return office.ticket(ticket["id"])


def register(office: Office, ticket: dict, amount: str, **extra):
    form = {"amount": amount, "reference": "OFF-1", **extra}
    return billing.register_quote(office.desk(), ticket, office.order(ticket["id"]), form)


@pytest.fixture
def office(sql_repo):
    return Office(sql_repo)


def test_a_huge_amount_is_refused_until_confirmed(office):
    ticket = confirmed(office)
    before = counts(office.repo)
    with pytest.raises(ValidationError) as refused:
        register(office, ticket, "1.234.567,89")
    message = refused.value.errors["confirm_amount"].replace("\xa0", " ")
    assert message.startswith("€ 1.234.567,89 is meer dan € 10.000,00")
    assert counts(office.repo) == before
    register(office, ticket, "1.234.567,89", confirm_amount=True)
    assert office.snap().quotes_for(ticket["id"])[-1]["amount_cents"] == 123456789


def test_an_ordinary_amount_needs_no_confirmation(office):
    ticket = confirmed(office)
    register(office, ticket, "1.234,56")
    assert office.snap().quotes_for(ticket["id"])[-1]["status"] == Quote.RECEIVED


def test_the_limit_is_a_setting_on_beheer(office):
    ticket = confirmed(office)
    snap = office.snap()
    app_settings.save(office.repo, MAZ, snap, {"quote_confirm_above_eur": "500"})
    config = app_settings.applied(office.desk().config, office.snap())
    desk = office.desk().__class__(office.repo, MAZ, config, office.clock)
    with pytest.raises(ValidationError):
        billing.register_quote(
            desk, ticket, office.order(ticket["id"]), {"amount": "600,00", "reference": "OFF-2"}
        )


def test_the_page_asks_for_the_check_beside_the_field(app_store):  # noqa: F811
    office = Office(app_store)
    ticket = confirmed(office)
    at = page("pages/offertes.py", role="maz").run()
    at.text_input(key=f"{FORM}-amount").input("1.234.567,89")
    at.text_input(key=f"{FORM}-reference").input("OFF-9")
    at = at.button(key=f"{FORM}-go").click().run()
    assert not at.exception
    assert "controleer het bedrag" in message_after(at, f"{FORM}-confirm_amount")
    assert office.snap().quotes_for(ticket["id"]) == []
    at.checkbox(key=f"{FORM}-confirm_amount").check()
    at = at.button(key=f"{FORM}-go").click().run()
    assert not at.exception
    assert office.snap().quotes_for(ticket["id"])[-1]["amount_cents"] == 123456789
