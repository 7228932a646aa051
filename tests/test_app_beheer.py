"""AppTest: the MAZ's Beheer page with local accounts (people, roles, passwords,
locations), its Dutch messages beside the fields, and that nobody else opens it.
"""

from __future__ import annotations

import pytest

from lib import accounts, people
from lib.procedure import Role
from lib.repository import Insert
from lib.snapshot import Snapshot
from tests.app_checks import counts, message_after, texts
from tests.apptest_support import app_store, page, signed_in  # noqa: F401

MAZ_EMAIL, MAZ_PASSWORD = "nathalie@kivido.nl", "Zonnebloem-2026!"
LOCATION = "loc-zonnebloem"


@pytest.fixture
def store(app_store, monkeypatch):  # noqa: F811
    """Local accounts with one MAZ (own password) and one location."""
    monkeypatch.setenv("KIVIDO_DEMO_MODE", "false")
    monkeypatch.setenv("KIVIDO_CACHE_SECONDS", "0")
    accounts.create_first_maz(app_store, name="Nathalie", email=MAZ_EMAIL, password=MAZ_PASSWORD)
    app_store.commit(
        [
            Insert(
                "locations",
                {
                    "id": LOCATION,
                    "name": "Kinderopvang De Zonnebloem",
                    "kind": "locatie",
                    "unit_manager_name": "Sanne Jansen",
                    "unit_manager_email": "sanne@kivido.nl",
                    "unit_manager_phone": "06-12345678",
                    "active": True,
                },
            )
        ]
    )
    return app_store


def beheer(email: str = MAZ_EMAIL):
    """The Beheer page for someone signed in with a local account."""
    at = page("pages/beheer.py")
    return signed_in(at, email).run()


def person(repo, email: str) -> dict:
    return people.person(Snapshot(repo.read(["users"])), email)


def add_person(at, name: str, email: str, roles: list[Role]):
    at.text_input(key="persoon-nieuw-name").input(name)
    at.text_input(key="persoon-nieuw-email").input(email)
    at.multiselect(key="persoon-nieuw-roles").set_value(roles)
    return at.button(key="persoon-nieuw-save").click().run()


def test_the_maz_adds_a_person_with_two_roles_and_changes_them(store):
    at = beheer()
    assert not at.exception and [t.value for t in at.title] == ["Beheer"]
    add_person(at, "Stefanie Smit", "Stefanie@Kivido.nl", [Role.DIRECTIE, Role.FINANCE])
    assert not at.exception
    assert "Opgeslagen: Stefanie Smit." in texts(at)
    row = person(store, "stefanie@kivido.nl")
    assert (row["email"], row["role"], row["active"]) == (
        "stefanie@kivido.nl",
        "directie,financien",
        True,
    )
    assert people.parse_roles(row["role"]) == {Role.DIRECTIE, Role.FINANCE}

    form = f"persoon-{row['id']}"
    at.multiselect(key=f"{form}-roles").set_value([Role.MAZ, Role.DIRECTIE])
    at.button(key=f"{form}-save").click().run()
    assert not at.exception
    row = person(store, "stefanie@kivido.nl")
    assert people.parse_roles(row["role"]) == {Role.MAZ, Role.DIRECTIE}
    labels = [e.label for e in at.expander]
    assert any("Stefanie Smit" in x and "Manager Algemene Zaken, Directie" in x for x in labels)


def test_the_last_maz_cannot_be_removed_and_nothing_is_written(store):
    at = beheer()
    me = person(store, MAZ_EMAIL)
    form = f"persoon-{me['id']}"
    before = store.read_all()
    at.multiselect(key=f"{form}-roles").set_value([Role.DIRECTIE])
    at.button(key=f"{form}-save").click().run()
    assert not at.exception
    expected = "Er moet altijd minstens één actieve Manager Algemene Zaken zijn."
    assert message_after(at, f"{form}-roles") == expected
    assert store.read_all() == before

    at.multiselect(key=f"{form}-roles").set_value([Role.MAZ])
    at.checkbox(key=f"{form}-active").uncheck()
    at.button(key=f"{form}-save").click().run()
    assert message_after(at, f"{form}-roles") == expected
    assert store.read_all() == before


def test_the_maz_sets_a_temporary_password_but_not_their_own(store):
    at = beheer()
    add_person(at, "Ruben de Groot", "ruben@kivido.nl", [Role.STAFF])
    ruben = person(store, "ruben@kivido.nl")
    me = person(store, MAZ_EMAIL)
    keys = {w.key for w in at.text_input}
    assert f"wachtwoord-{ruben['id']}-new" in keys
    assert f"wachtwoord-{me['id']}-new" not in keys  # own password: 'Wachtwoord wijzigen'

    form = f"wachtwoord-{ruben['id']}"
    at.text_input(key=f"{form}-new").input("kort")
    at.button(key=f"{form}-save").click().run()
    assert "minstens 10 tekens" in message_after(at, f"{form}-new")
    assert store.read(["accounts"])["accounts"][1:] == []

    at.text_input(key=f"{form}-new").input("Tijdelijk-wachtwoord-1")
    at.button(key=f"{form}-save").click().run()
    assert not at.exception
    assert "Wachtwoord ingesteld voor Ruben de Groot." in texts(at)
    assert "Tijdelijk-wachtwoord-1" not in repr(store.read_all())
    assert accounts.must_change(store, "ruben@kivido.nl")
    who = accounts.sign_in(store, "ruben@kivido.nl", "Tijdelijk-wachtwoord-1", sleep=lambda s: None)
    assert who.roles == {Role.STAFF}


def test_a_changed_address_keeps_the_password_and_the_first_start_stays_closed(store):
    at = beheer()
    me = person(store, MAZ_EMAIL)
    form = f"persoon-{me['id']}"
    at.text_input(key=f"{form}-email").input("n.deboer@kivido.nl")
    at.button(key=f"{form}-save").click().run()
    assert not at.exception
    assert not accounts.first_start_needed(store)
    who = accounts.sign_in(store, "n.deboer@kivido.nl", MAZ_PASSWORD, sleep=lambda s: None)
    assert Role.MAZ in who.roles


def test_the_maz_edits_a_locations_unit_manager(store):
    at = beheer()
    form = f"locatie-{LOCATION}"
    at.text_input(key=f"{form}-um").input("Fatima El Amrani")
    at.text_input(key=f"{form}-email").input("Fatima@Kivido.nl")
    at.text_input(key=f"{form}-phone").input("06-87654321")
    at.button(key=f"{form}-save").click().run()
    assert not at.exception
    assert "Opgeslagen: Kinderopvang De Zonnebloem." in texts(at)
    row = store.get("locations", LOCATION)
    assert (row["unit_manager_name"], row["unit_manager_email"], row["unit_manager_phone"]) == (
        "Fatima El Amrani",
        "fatima@kivido.nl",
        "06-87654321",
    )


def test_bad_input_gets_dutch_messages_beside_the_fields_and_writes_nothing(store):
    at = beheer()
    before = counts(store), store.read_all()
    at.text_input(key="persoon-nieuw-name").input("  ")
    at.text_input(key="persoon-nieuw-email").input("ruben@kivido")
    at.button(key="persoon-nieuw-save").click().run()
    assert not at.exception
    assert message_after(at, "persoon-nieuw-name") == "Naam is verplicht."
    assert "geen geldig e-mailadres" in message_after(at, "persoon-nieuw-email")
    assert message_after(at, "persoon-nieuw-roles") == "Kies minstens één rol."

    add_person(at, "Tweede Nathalie", MAZ_EMAIL.upper(), [Role.STAFF])
    assert message_after(at, "persoon-nieuw-email") == "Er is al iemand met dit e-mailadres."

    form = f"locatie-{LOCATION}"
    at.text_input(key=f"{form}-name").input("")
    at.text_input(key=f"{form}-email").input("sanne at kivido")
    at.button(key=f"{form}-save").click().run()
    assert not at.exception
    assert message_after(at, f"{form}-name") == "Naam van de locatie is verplicht."
    assert "geen geldig e-mailadres" in message_after(at, f"{form}-email")
    assert message_after(at, "persoon-nieuw-name") == ""  # only beside the form that failed
    assert (counts(store), store.read_all()) == before


@pytest.mark.parametrize("role", [Role.STAFF, Role.UNIT_MANAGER, Role.DIRECTIE, Role.FINANCE])
def test_nobody_but_the_maz_opens_beheer(store, role):
    maz = people.actor_for(Snapshot(store.read_all()), MAZ_EMAIL)
    form = {"name": "Iemand", "email": "iemand@kivido.nl", "roles": [role]}
    accounts.save_person(store, maz, Snapshot(store.read_all()), form, person_id="user-iemand")
    before = store.read_all()
    at = beheer("iemand@kivido.nl")
    assert not at.exception
    assert "Beheer" not in [t.value for t in at.title]
    assert "Deze pagina is voor de Manager Algemene Zaken." in texts(at)
    assert not [w for w in at.text_input if w.key and w.key.startswith(("persoon", "locatie"))]
    assert store.read_all() == before


def test_signed_out_nobody_sees_beheer(store):
    at = page("pages/beheer.py").run()
    assert not at.exception
    assert "Beheer" not in [t.value for t in at.title]
    assert "sign-in-email" in {w.key for w in at.text_input}


def test_the_categories_show_the_procedures_rules_read_only(store):
    """Step 6: telephony and mail outages make the unit manager inform parents and staff;
    2.1 footnote: server, no connection, mail and telephony stop the office by nature."""
    at = beheer()
    table = next(d.value for d in at.dataframe if "Categorie" in d.value.columns)
    rows = {r["Categorie"]: r for r in table.to_dict("records")}
    assert {k for k, r in rows.items() if r["Communicatie met ouders"]} == {"Telefonie", "E-mail"}
    assert {k for k, r in rows.items() if r["Uit zichzelf urgent"]} == {
        "Telefonie",
        "E-mail",
        "Server",
        "Verbinding / netwerk",
    }
    assert not rows["Printen"]["Hele organisatie"] and rows["Server"]["Hele organisatie"]
    assert "wijziging van de procedure" in " ".join(c.value for c in at.caption)
