"""The router: each role sees the pages it may use, and every page runs through it."""

import pytest

from lib import navigation
from lib.config import ROOT
from lib.procedure import Actor, Role
from tests.apptest_support import app_store, page  # noqa: F401
from tests.flows import Office


@pytest.mark.parametrize(
    ("role", "sees", "does_not_see"),
    [
        (Role.STAFF, {"Melden", "Mijn meldingen"}, {"Beoordelen", "Facturen", "Overzicht"}),
        (Role.MAZ, {"Beoordelen", "Opvolgen", "Nemesys", "Postvak", "Facturen"}, set()),
        (Role.DIRECTIE, {"Offertes", "Overzicht"}, {"Beoordelen", "Postvak"}),
        (Role.FINANCE, {"Facturen"}, {"Offertes", "Beoordelen"}),
        (Role.UNIT_MANAGER, {"Communicatie", "Melden"}, {"Facturen", "Nemesys"}),
    ],
)
def test_that_each_role_sees_its_pages(role, sees, does_not_see):
    who = Actor("x", role)
    titles = {s.title for screens in navigation.visible(who).values() for s in screens}
    assert sees <= titles and not (does_not_see & titles)


def test_that_every_screen_file_exists():
    paths = [s.path for screens in navigation.SECTIONS.values() for s in screens]
    assert all((ROOT / p).is_file() for p in paths)
    assert sorted(paths) == sorted(str(p.relative_to(ROOT)) for p in (ROOT / "pages").glob("*.py"))


@pytest.mark.parametrize("role", list(Role))
def test_that_the_router_runs_every_visible_page_for_each_role(app_store, role):  # noqa: F811
    Office(app_store)
    at = page("app.py", role=role).run()
    assert not at.exception
    assert at.sidebar.selectbox(key="demo_role").value == role
    for screens in navigation.visible(Actor("x", role)).values():
        for screen in screens:
            at.switch_page(screen.path).run()
            assert not at.exception, (screen.path, at.exception)
            assert at.title and at.title[0].value, screen.path
