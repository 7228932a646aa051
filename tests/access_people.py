"""The access matrix of issue 7, by hand from the procedure: who may open which page.

The people of the matrix and the pages each role opens. What is expected comes
from the procedure (../shared/procedure/, the Dutch text authoritative) and the
roles of issue 7; nothing here reads the app's own role tables
(lib/navigation.SCREENS, the roles of lib/procedure.TRANSITIONS): a test that
took its expectations from the code under test could not fail. Used by
tests/test_access_services.py, test_access_pages.py and test_access_controls.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from lib.procedure import Actor, Role

if TYPE_CHECKING:
    from tests.access_actions import ActionRule


STAFF, UM, MAZ, DIR, FIN = Role.STAFF, Role.UNIT_MANAGER, Role.MAZ, Role.DIRECTIE, Role.FINANCE
EVERYONE = frozenset({STAFF, UM, MAZ, DIR, FIN})
ZONNEBLOEM, REGENBOOG, VLINDER = "demo-zonnebloem", "demo-regenboog", "demo-vlinder"

# ---------------------------------------------------------------------------
# The expectation table, from the procedure and issue 7 ("Roles")
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PageRule:
    label: str  # in the menu
    heading: str  # the page's title
    who: frozenset[Role]


PAGES: dict[str, PageRule] = {
    # Everyone who works at Kivido reports an outage and follows their own reports.
    "pages/home.py": PageRule("Start", "Storingsmeldingen ICT/Telefonie", EVERYONE),
    "pages/melden.py": PageRule("Melden", "Storing melden", EVERYONE),
    "pages/mijn_meldingen.py": PageRule("Mijn meldingen", "Mijn meldingen", EVERYONE),
    # The MAZ triages, investigates, follows up and deals with Nemesys (2.1/2.2 steps 2-5, 8).
    "pages/beoordelen.py": PageRule("Beoordelen", "Beoordelen", frozenset({MAZ})),
    "pages/opvolgen.py": PageRule("Opvolgen", "Opvolgen", frozenset({MAZ})),
    "pages/nemesys.py": PageRule("Nemesys", "Opdrachten bij Nemesys", frozenset({MAZ})),
    # Step 6: the unit manager informs parents and staff (the MAZ may do it for them).
    "pages/communicatie.py": PageRule(
        "Communicatie", "Communicatie met ouders en medewerkers", frozenset({MAZ, UM})
    ),
    "pages/postvak.py": PageRule("Postvak", "Postvak", frozenset({MAZ})),
    # Step 7: the MAZ registers a quote, the directie decides.
    "pages/offertes.py": PageRule("Offertes", "Offertes van Nemesys", frozenset({MAZ, DIR})),
    # Step 9: the invoice arrives at finance, the MAZ checks it, finance pays.
    "pages/facturen.py": PageRule("Facturen", "Facturen van Nemesys", frozenset({MAZ, FIN})),
    "pages/overzicht.py": PageRule("Overzicht", "Overzicht", frozenset({MAZ, DIR})),
    "pages/beheer.py": PageRule("Beheer", "Beheer", frozenset({MAZ})),
}

# How the refusal names the roles that may open a page (in this order).
ROLE_NAMES = {
    STAFF: "Medewerker",
    UM: "Unitmanager",
    MAZ: "Manager Algemene Zaken",
    DIR: "Directie",
    FIN: "Afdeling financiën",
}


def refusal(who: frozenset[Role]) -> str:
    if who == {MAZ}:
        return "Deze pagina is voor de Manager Algemene Zaken."
    return "Deze pagina is voor: " + ", ".join(n for r, n in ROLE_NAMES.items() if r in who) + "."


@dataclass(frozen=True)
class Person:
    key: str
    name: str
    email: str
    roles: tuple[Role, ...]  # the first is the one shown by default
    location: str = ""  # the location whose unit manager this person is

    @property
    def actor(self) -> Actor:
        return Actor(self.name, self.roles[0], email=self.email, roles=frozenset(self.roles))

    def may_open(self, path: str) -> bool:
        return bool(set(self.roles) & PAGES[path].who)

    def may(self, action: ActionRule) -> bool:
        if action.location and UM in self.roles and self.location == action.location:
            return True  # step 6 at their own location
        return bool(set(self.roles) & action.who)


# The demo people of lib/demo.py (the people table of the embedded demo store)
# and two people who hold two roles each.
PERSONS = (
    Person("medewerker", "Ruben (medewerker, demo)", "ruben@kivido.example", (STAFF,)),
    Person(
        "unitmanager",
        "Sanne Jansen (unitmanager, demo)",
        "sanne@kivido.example",
        (UM,),
        ZONNEBLOEM,
    ),
    Person("maz", "Nathalie (MAZ, demo)", "maz@kivido.example", (MAZ,)),
    Person("directie", "Stefanie (directie, demo)", "directie@kivido.example", (DIR,)),
    Person("financien", "Femke (financiën, demo)", "financien@kivido.example", (FIN,)),
    Person("maz+directie", "Mirjam (MAZ en directie)", "mirjam@kivido.example", (MAZ, DIR)),
    Person(
        "financien+unitmanager",
        "Fatima El Amrani (financiën en unitmanager)",
        "fatima@kivido.example",  # unit manager of De Regenboog in the demo data
        (FIN, UM),
        REGENBOOG,
    ),
)
SINGLE_ROLE = [p for p in PERSONS if len(p.roles) == 1]
TWO_ROLES = [p for p in PERSONS if len(p.roles) > 1]


def person_id(person: Person) -> str:
    return person.key
