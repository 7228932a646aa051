"""The procedure table: its paths, its final states and its refusals."""

import pytest

from lib import procedure
from lib.procedure import TRANSITIONS, IllegalTransition, Role, Ticket

ALL_STATES = {
    "ticket": [""] + list(Ticket),
    "quote": [""] + list(procedure.Quote),
    "invoice": [""] + list(procedure.Invoice),
    "communication": [""] + list(procedure.Communication),
    "message": [""] + list(procedure.Message),
}

# Which step is allowed from which state for whom is checked against a hand-written
# oracle of the procedure in tests/test_procedure_oracle.py (not against TRANSITIONS).


def test_the_urgent_path_of_2_1_is_walkable_by_the_maz():
    """Test that new -> urgent -> order -> confirmed -> resolved -> closed exists."""
    state = ""
    path = ["submit", "triage_urgent", "place_order", "confirm", "resolve", "close"]
    for action in path:
        state = procedure.check("ticket", action, state, Role.MAZ).target
    assert state == Ticket.CLOSED


def test_the_not_urgent_paths_of_2_2():
    """Test that waiting leads to removed (solved) or to an order (not solved)."""
    solved = procedure.check("ticket", "follow_up_solved", Ticket.WAITING, Role.MAZ)
    not_solved = procedure.check("ticket", "follow_up_not_solved", Ticket.WAITING, Role.MAZ)
    assert (solved.target, not_solved.target) == (Ticket.REMOVED, Ticket.ORDERED)


def test_removed_and_closed_allow_nothing_but_reopen():
    """Test that a removed report is final and a closed one can only be reopened."""
    assert procedure.allowed_actions("ticket", Ticket.REMOVED, Role.MAZ) == []
    assert [t.action for t in procedure.allowed_actions("ticket", Ticket.CLOSED, Role.MAZ)] == [
        "reopen"
    ]


def test_unknown_action_is_refused_in_dutch():
    """Test that an action not in the table raises a Dutch IllegalTransition."""
    with pytest.raises(IllegalTransition, match="Onbekende actie"):
        procedure.check("ticket", "delete", Ticket.NEW, Role.MAZ)


def test_every_state_is_reachable_from_a_new_report():
    """Test that no ticket state in the enum is unreachable through the table."""
    reached, frontier = {""}, [""]
    while frontier:
        state = frontier.pop()
        for t in TRANSITIONS["ticket"]:
            if state in t.sources and t.target not in reached:
                reached.add(t.target)
                frontier.append(t.target)
    assert reached == set(ALL_STATES["ticket"])


def test_a_refusal_is_logged_with_who_tried_what(caplog):
    """Test the access log line: name, address (or '-'), every role held, and the reason."""
    both = procedure.Actor(
        "Fatima", Role.FINANCE, email="fatima@kivido.example", roles={Role.UNIT_MANAGER}
    )
    with caplog.at_level("WARNING", logger="kivido.access"):
        procedure.refuse(both, "Niet toegestaan.")
        procedure.refuse(Role.STAFF, "Ook niet.")
    assert [r.getMessage() for r in caplog.records] == [
        "geweigerd: Fatima (fatima@kivido.example, financien,unitmanager): Niet toegestaan.",
        "geweigerd: Medewerker (-, medewerker): Ook niet.",
    ]


def test_a_person_with_two_roles_acts_in_the_role_the_step_needs():
    """Test that the event records the role that may take the step, not the default one."""
    both = procedure.Actor("Mirjam", Role.MAZ, roles={Role.DIRECTIE})
    assert procedure.acting_role("quote", "approve", both) == Role.DIRECTIE
    assert procedure.acting_role("quote", "register", both) == Role.MAZ
    assert procedure.acting_role("ticket", "note", both) == Role.MAZ  # not a step: default role
    assert procedure.acting_role("elders", "iets", both) == Role.MAZ


def test_allowed_actions_are_only_those_of_the_persons_roles():
    """Test that staff are offered nothing on a new report and the MAZ her assessment steps."""
    assert procedure.allowed_actions("ticket", Ticket.NEW, Role.STAFF) == []
    offered = [t.action for t in procedure.allowed_actions("ticket", Ticket.NEW, Role.MAZ)]
    # Issue 14: a new report may also be linked to a known outage.
    assert offered == ["investigate", "triage_urgent", "triage_not_urgent", "link_duplicate"]


def test_roles_for_lists_who_may_take_any_of_the_steps_in_role_order():
    """Test the page guards' role list against the oracle, in the order of the roles."""
    from tests import procedure_oracle as oracle

    for entity, action in {(s.entity, s.action) for s in oracle.STEPS}:
        expected = [r for r in oracle.ROLES if r in oracle.who_may(entity, action)]
        assert [str(r) for r in procedure.roles_for(entity, action)] == expected
    assert [str(r) for r in procedure.roles_for("invoice", "pay", "approve")] == [
        "maz",
        "financien",
    ]


def test_status_labels_are_dutch_and_unknown_states_are_readable():
    """Test a known status's Dutch label and the readable fallback for an unknown one."""
    assert procedure.status_label("verwijderd") == "Verwijderd (opgelost zonder Nemesys)"
    assert procedure.status_label("") == "(geen)"
    assert procedure.status_label("nog_iets_anders") == "Nog iets anders"


def test_a_refusal_names_every_role_the_person_holds():
    """Test the Dutch refusal for a person with two roles, neither of which may approve."""
    both = procedure.Actor("Fatima", Role.FINANCE, roles={Role.UNIT_MANAGER})
    with pytest.raises(IllegalTransition) as refused:
        procedure.check("invoice", "approve", "ontvangen", both)
    assert str(refused.value) == (
        "'Factuur goedgekeurd' mag niet door de rol Unitmanager, Afdeling financiën."
    )


def test_a_step_from_the_wrong_status_is_refused_naming_the_step_and_the_status():
    """Test the Dutch refusal of 2.1.8's closing before the order is resolved."""
    with pytest.raises(IllegalTransition) as refused:
        procedure.check("ticket", "close", Ticket.CONFIRMED, Role.MAZ)
    assert str(refused.value) == (
        "'Opdracht afgesloten' kan niet vanuit status 'Bevestigd door Nemesys'."
    )
