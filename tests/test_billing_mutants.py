"""Two cases of 2.1 step 9 the invoice tests pass by (found by `make mutate billing`).

Two finance staff register the same invoice number at once, each on a page read
before the other's write: the store refuses the second (a field error beside the
number), so the directie never pays one invoice twice. And every rejected invoice
sends its own mail to Nemesys, also when several are rejected.
"""

from __future__ import annotations

import pytest

from lib import billing
from lib.repository import Duplicate
from tests.flows import FINANCE, MAZ, Office
from tests.recorded_support import closed, invoice_form, mails


@pytest.fixture(params=["sql", "sheets"])
def office(request):
    return Office(request.getfixturevalue(f"{request.param}_repo"))


def test_an_invoice_number_registered_twice_at_once_is_refused_the_second_time(office):
    ticket = closed(office)
    first_page, second_page = office.snap(), office.snap()  # both read before either writes
    billing.register_invoice(office.desk(FINANCE), first_page, invoice_form(office, ticket))
    with pytest.raises(Duplicate) as refused:
        billing.register_invoice(
            office.desk(FINANCE), second_page, invoice_form(office, ticket, number=" f-31")
        )
    assert refused.value.errors == {"number": "Factuurnummer f-31 is al geregistreerd."}
    assert [i["number"] for i in office.snap().rows("invoices")] == ["F-31"]
    assert len(mails(office, "factuur")) == 1


def test_each_rejected_invoice_sends_its_own_mail_to_nemesys(office):
    ticket = closed(office)
    for number in ("F-31", "F-32"):
        billing.register_invoice(
            office.desk(FINANCE), office.snap(), invoice_form(office, ticket, number=number)
        )
    for invoice in office.snap().rows("invoices"):
        reason = f"Bedrag van {invoice['number']} klopt niet"
        billing.check_invoice(office.desk(MAZ), invoice, approve=False, reason=reason)
    sent = mails(office, "factuur_afgekeurd")
    assert len(sent) == 2 and len({m["id"] for m in sent}) == 2
    assert {m["to_address"] for m in sent} == {office.desk(MAZ).config.nemesys_address}
    assert all(any(n in m["body"] for m in sent) for n in ("F-31", "F-32"))
