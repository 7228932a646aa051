"""Which screens exist and who may open them: one table for the menu and the page guards.

app.py turns `visible(actor)` into st.navigation; every page asks `may_open`
again through `ui.guard`, so a typed address cannot open a page the menu hides.
A person with several roles sees the union of their roles' screens.
"""

from __future__ import annotations

from dataclasses import dataclass

from lib.procedure import ROLE_LABELS, Actor, Role

EVERYONE = frozenset(Role)
MAZ = frozenset({Role.MAZ})


@dataclass(frozen=True)
class Screen:
    path: str
    title: str
    icon: str
    roles: frozenset[Role]


SECTIONS: dict[str, tuple[Screen, ...]] = {
    "Melden": (
        Screen("pages/home.py", "Start", "🏠", EVERYONE),
        Screen("pages/melden.py", "Melden", "📝", EVERYONE),
        Screen("pages/mijn_meldingen.py", "Mijn meldingen", "📋", EVERYONE),
    ),
    "Afhandelen": (
        Screen("pages/beoordelen.py", "Beoordelen", "⚖️", MAZ),
        Screen("pages/opvolgen.py", "Opvolgen", "⏰", MAZ),
        Screen("pages/nemesys.py", "Nemesys", "🛠️", MAZ),
        Screen(
            "pages/communicatie.py", "Communicatie", "📣", frozenset({Role.MAZ, Role.UNIT_MANAGER})
        ),
        Screen("pages/postvak.py", "Postvak", "📤", MAZ),
    ),
    "Geld": (
        Screen("pages/offertes.py", "Offertes", "📄", frozenset({Role.MAZ, Role.DIRECTIE})),
        Screen("pages/facturen.py", "Facturen", "🧾", frozenset({Role.MAZ, Role.FINANCE})),
    ),
    "Sturen": (
        Screen("pages/overzicht.py", "Overzicht", "📊", frozenset({Role.MAZ, Role.DIRECTIE})),
        Screen("pages/beheer.py", "Beheer", "⚙️", MAZ),
    ),
}
HOME = "pages/home.py"


SCREENS: dict[str, Screen] = {s.path: s for screens in SECTIONS.values() for s in screens}


def may_open(actor: Actor | None, path: str) -> bool:
    """Whether this person may open the screen at `path` (nobody signed in: none)."""
    return actor is not None and bool(actor.roles & SCREENS[path].roles)


def visible(actor: Actor) -> dict[str, list[Screen]]:
    """The sections and screens this person sees, empty sections left out."""
    shown = {n: [s for s in screens if may_open(actor, s.path)] for n, screens in SECTIONS.items()}
    return {name: screens for name, screens in shown.items() if screens}


def for_whom(path: str) -> str:
    """The Dutch refusal for someone without a role for this screen."""
    roles = SCREENS[path].roles
    if roles == MAZ:
        return "Deze pagina is voor de Manager Algemene Zaken."
    return "Deze pagina is voor: " + ", ".join(ROLE_LABELS[r] for r in Role if r in roles) + "."
