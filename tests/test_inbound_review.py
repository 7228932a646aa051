"""The upload preview's rules (Nemesys page): who sent the mail, and which moment is recorded."""

from datetime import datetime

import pytest

from lib import inbound_review
from lib.inbound import Confirmation
from lib.workdays import AMSTERDAM

READ_AT = datetime(2026, 3, 2, 9, 41, 37, tzinfo=AMSTERDAM)


def _found(sender_address: str) -> Confirmation:
    return Confirmation(
        ticket={"id": "t1", "number": "KIV-2026-0007"},
        order={"id": "o1"},
        confirmed_at=READ_AT,
        reference="NEM-1",
        sender=sender_address,
        sender_address=sender_address,
        subject="RE: KIV-2026-0007",
        excerpt="",
        matched_by="onderwerp",
        forwarded=False,
    )


@pytest.mark.parametrize("sender", ["support@nemesys.nl", "jan@mail.nemesys.nl"])
def test_a_mail_from_nemesys_or_a_subdomain_is_not_questioned(sender):
    """Test that Nemesys's own domain and its subdomains raise no warning."""
    assert inbound_review.sender_warning(_found(sender), "support@nemesys.nl") == ""


@pytest.mark.parametrize("sender", ["jan@gmail.com", "x@nemesys.nl.evil.com", ""])
def test_a_mail_from_elsewhere_is_questioned_in_dutch(sender):
    """Test that another sender is named in a Dutch warning, or called unknown."""
    warning = inbound_review.sender_warning(_found(sender), "support@nemesys.nl")
    assert warning.startswith("Let op: de afzender")
    assert (sender or "onbekend") in warning and "nemesys.nl" in warning


def test_the_time_left_as_read_keeps_the_seconds_of_the_mail():
    """Test that the minute shown, left unchanged, records the mail's Date to the second."""
    found = _found("support@nemesys.nl")
    shown = inbound_review.shown_moment(found)
    assert shown == READ_AT.replace(second=0)
    assert inbound_review.recorded_moment(found, shown) == READ_AT
    changed = shown.replace(minute=30)
    assert inbound_review.recorded_moment(found, changed) == changed
