"""The inputs of the access matrix's page actions (issue 7): what a person types before pressing."""

from __future__ import annotations

from collections.abc import Callable

from streamlit.testing.v1 import AppTest

from tests.access_people import STAFF, ZONNEBLOEM
from tests.access_states import invoice_form
from tests.access_support import tree


def type_into(at: AppTest, key: str, value: str) -> None:
    kinds = {k: t for t, k in tree(at) if k}
    getattr(at, kinds[key])(key=key).input(value)


def fill(**values: str) -> Callable[[AppTest, dict, str], None]:
    """Type into the widgets `key-suffix: value`, the ids of the context filled in."""

    def apply(at: AppTest, c: dict, pressed: str) -> None:
        prefix = pressed.rsplit("-", 1)[0]
        for suffix, value in values.items():
            type_into(at, f"{prefix}-{suffix}", value)

    return apply


def fill_report(at: AppTest, c: dict, pressed: str) -> None:
    at.selectbox(key="melden-location_id").set_value(ZONNEBLOEM)
    at.selectbox(key="melden-category").set_value("printen")
    at.text_area(key="melden-description").input("De printer doet niets.")


def fill_report_for_a_caller(at: AppTest, c: dict, pressed: str) -> None:
    at.toggle(key="melden-namens").set_value(True).run()
    at.text_input(key="melden-reporter_name").input("Beller")
    at.text_input(key="melden-reporter_email").input("beller@kivido.example")
    fill_report(at, c, pressed)


def fill_invoice(at: AppTest, c: dict, pressed: str) -> None:
    prefix = pressed.removesuffix("-go")
    for field, value in invoice_form(c).items():
        if field == "order_ids":
            at.multiselect(key=f"{prefix}-{field}").set_value(value)
        elif field == "corrects_invoice_id":
            at.selectbox(key=f"{prefix}-{field}").set_value(value)
        else:
            at.text_input(key=f"{prefix}-{field}").input(value)


def fill_person(at: AppTest, c: dict, pressed: str) -> None:
    at.text_input(key="persoon-nieuw-name").input("Kees")
    at.text_input(key="persoon-nieuw-email").input("kees@kivido.example")
    at.multiselect(key="persoon-nieuw-roles").set_value([STAFF])


def no_input(at: AppTest, c: dict, pressed: str) -> None:
    pass
