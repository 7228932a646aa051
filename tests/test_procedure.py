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
