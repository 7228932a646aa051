"""Which screens exist and who sees them; app.py turns this into st.navigation."""

from __future__ import annotations

from dataclasses import dataclass

from lib.procedure import Role

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
        Screen(
            "pages/facturen.py",
            "Facturen",
            "🧾",
            frozenset({Role.MAZ, Role.FINANCE, Role.DIRECTIE}),
        ),
    ),
    "Sturen": (
        Screen("pages/overzicht.py", "Overzicht", "📊", frozenset({Role.MAZ, Role.DIRECTIE})),
    ),
}
HOME = "pages/home.py"


def visible(role: Role) -> dict[str, list[Screen]]:
    """The sections and screens this role sees, empty sections left out."""
    shown = {name: [s for s in screens if role in s.roles] for name, screens in SECTIONS.items()}
    return {name: screens for name, screens in shown.items() if screens}
