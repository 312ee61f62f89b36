"""The connector status machine of ocpptk.sim.connector, checked as data against OCPP 1.6.

OCPP 1.6 section 4.9 (StatusNotification) has a table of the status transitions a charge
point may make: rows A..I and columns 1..9 both stand for Available, Preparing, Charging,
SuspendedEV, SuspendedEVSE, Finishing, Reserved, Unavailable, Faulted, and a cell such as
"B3" is the transition Preparing -> Charging. ``ALLOWED_1_6`` below is that table (the cells
that are not greyed out); every entry of ``TRANSITIONS`` must be one of them.
"""

from __future__ import annotations

from collections import deque

import pytest

from ocpptk.sim.connector import (
    TRANSITIONS,
    Connector,
    ConnectorEvent,
    ConnectorStatus,
    IllegalTransition,
    reachable,
)

S = ConnectorStatus
E = ConnectorEvent

# Row letter / column number of the section 4.9 table -> status.
_ORDER = (
    S.AVAILABLE,
    S.PREPARING,
    S.CHARGING,
    S.SUSPENDED_EV,
    S.SUSPENDED_EVSE,
    S.FINISHING,
    S.RESERVED,
    S.UNAVAILABLE,
    S.FAULTED,
)
_CELLS = {
    "A": "2345789",  # A2 usage initiated .. A7 ReserveNow, A8 ChangeAvailability, A9 fault
    "B": "134569",  # B1 usage ended, B3..B5 prerequisites met, B6 timed out, B9
    "C": "145689",  # C1 cable out, C4 EV / C5 EVSE suspends, C6 stopped, C8 scheduled, C9
    "D": "135689",
    "E": "134689",
    "F": "1289",  # F1 user actions completed, F2 restart, F8 scheduled, F9
    "G": "1289",  # G1 expiry / CancelReservation, G2 identity presented, G8, G9
    "H": "123459",  # H1 ChangeAvailability Operative .. H5, H9
    "I": "12345678",  # I1..I8 fault cleared, back to the previous status
}
ALLOWED_1_6: frozenset[tuple[ConnectorStatus, ConnectorStatus]] = frozenset(
    (_ORDER[ord(row) - ord("A")], _ORDER[int(column) - 1])
    for row, columns in _CELLS.items()
    for column in columns
)


def cell(old: ConnectorStatus, new: ConnectorStatus) -> str:
    return f"{'ABCDEFGHI'[_ORDER.index(old)]}{_ORDER.index(new) + 1}"


def test_the_cited_table_has_the_shape_of_section_4_9() -> None:
    # No state goes to itself, Available never goes straight to Finishing (A6), and
    # Faulted may return to anything but itself.
    assert all(old is not new for old, new in ALLOWED_1_6)
    assert (S.AVAILABLE, S.FINISHING) not in ALLOWED_1_6
    assert {new for old, new in ALLOWED_1_6 if old is S.FAULTED} == set(S) - {S.FAULTED}
    assert len(ALLOWED_1_6) == 7 + 6 + 6 + 6 + 6 + 4 + 4 + 6 + 8


def test_every_key_is_a_state_and_an_event() -> None:
    for (state, event), new in TRANSITIONS.items():
        assert isinstance(state, ConnectorStatus)
        assert isinstance(event, ConnectorEvent)
        assert isinstance(new, ConnectorStatus)


def test_no_transition_stays_in_place() -> None:
    loops = [(s.value, e.value) for (s, e), new in TRANSITIONS.items() if new is s]
    assert loops == []


@pytest.mark.parametrize(
    "transition",
    [
        pytest.param((state, event), id=f"{state.value}-{event.value}")
        for state, event in TRANSITIONS
    ],
)
def test_every_transition_is_allowed_by_section_4_9(
    transition: tuple[ConnectorStatus, ConnectorEvent],
) -> None:
    state, _event = transition
    new = TRANSITIONS[transition]
    assert (state, new) in ALLOWED_1_6, f"{cell(state, new)}: {state.value} -> {new.value}"


def test_each_event_always_leads_to_the_same_kind_of_state() -> None:
    """One event per cause: a fault always ends in Faulted, a cable out in Available, ..."""
    expected = {
        E.FAULT: {S.FAULTED},
        E.FAULT_CLEARED: {S.AVAILABLE},
        E.UNPLUG: {S.AVAILABLE},
        E.PREPARATION_ENDED: {S.AVAILABLE},
        E.RESERVATION_ENDED: {S.AVAILABLE},
        E.MAKE_OPERATIVE: {S.AVAILABLE},
        E.MAKE_INOPERATIVE: {S.UNAVAILABLE},
        E.RESERVE: {S.RESERVED},
        E.PLUG_IN: {S.PREPARING},
        E.AUTHORIZED: {S.PREPARING},
        E.TRANSACTION_STARTED: {S.CHARGING},
        E.RESUME: {S.CHARGING},
        E.SUSPEND_EV: {S.SUSPENDED_EV},
        E.SUSPEND_EVSE: {S.SUSPENDED_EVSE},
        E.TRANSACTION_STOPPED: {S.FINISHING},
    }
    found: dict[ConnectorEvent, set[ConnectorStatus]] = {}
    for (_state, event), new in TRANSITIONS.items():
        found.setdefault(event, set()).add(new)
    assert found == expected


def test_every_status_is_reachable_from_available() -> None:
    seen = {S.AVAILABLE}
    todo = deque([S.AVAILABLE])
    while todo:
        for new in reachable(todo.popleft()):
            if new not in seen:
                seen.add(new)
                todo.append(new)
    assert seen == set(ConnectorStatus)


def test_available_is_reachable_from_every_status() -> None:
    """No status is a dead end: some event always leads back to Available."""
    for status in ConnectorStatus:
        seen, todo = {status}, deque([status])
        while todo:
            for new in reachable(todo.popleft()):
                if new not in seen:
                    seen.add(new)
                    todo.append(new)
        assert S.AVAILABLE in seen, status


def test_faulted_is_reachable_from_every_other_status_by_a_fault() -> None:
    for status in ConnectorStatus:
        if status is S.FAULTED:
            assert (status, E.FAULT) not in TRANSITIONS
        else:
            assert TRANSITIONS[status, E.FAULT] is S.FAULTED
            assert reachable(status)[S.FAULTED] is E.FAULT


def test_every_status_has_a_way_out() -> None:
    assert all(reachable(status) for status in ConnectorStatus)


def test_reachable_agrees_with_the_table() -> None:
    for status in ConnectorStatus:
        targets = reachable(status)
        assert set(targets) == {new for (s, _), new in TRANSITIONS.items() if s is status}
        for new, event in targets.items():
            assert TRANSITIONS[status, event] is new
            # the event named is the first in the table that leads there
            first = next(e for (s, e), n in TRANSITIONS.items() if s is status and n is new)
            assert event is first


def test_reachable_from_available() -> None:
    assert reachable(S.AVAILABLE) == {
        S.PREPARING: E.PLUG_IN,
        S.CHARGING: E.TRANSACTION_STARTED,
        S.RESERVED: E.RESERVE,
        S.UNAVAILABLE: E.MAKE_INOPERATIVE,
        S.FAULTED: E.FAULT,
    }


def test_the_busy_states_move_between_each_other() -> None:
    """C4 C5, D3 D5, E3 E4: the EV and the EVSE suspend and resume in any order."""
    busy = (S.CHARGING, S.SUSPENDED_EV, S.SUSPENDED_EVSE)
    for old in busy:
        for new in busy:
            if old is not new:
                assert new in reachable(old), (old.value, new.value)
        assert reachable(old)[S.FINISHING] is E.TRANSACTION_STOPPED  # C6 D6 E6
        assert reachable(old)[S.AVAILABLE] is E.UNPLUG  # C1 D1 E1
        assert reachable(old)[S.UNAVAILABLE] is E.MAKE_INOPERATIVE  # C8 D8 E8


@pytest.mark.parametrize(
    ("state", "event", "new", "rule"),
    [
        (S.AVAILABLE, E.PLUG_IN, S.PREPARING, "A2: usage initiated, a cable is plugged in"),
        (S.AVAILABLE, E.RESERVE, S.RESERVED, "A7: a ReserveNow.req reserves the connector"),
        (S.AVAILABLE, E.MAKE_INOPERATIVE, S.UNAVAILABLE, "A8: ChangeAvailability Inoperative"),
        (S.PREPARING, E.PREPARATION_ENDED, S.AVAILABLE, "B1: intended usage is ended"),
        (S.PREPARING, E.TRANSACTION_STARTED, S.CHARGING, "B3: charging starts"),
        (S.CHARGING, E.SUSPEND_EV, S.SUSPENDED_EV, "C4: the EV stops taking energy"),
        (S.CHARGING, E.SUSPEND_EVSE, S.SUSPENDED_EVSE, "C5: the EVSE suspends"),
        (S.CHARGING, E.TRANSACTION_STOPPED, S.FINISHING, "C6: the transaction stopped"),
        (S.CHARGING, E.UNPLUG, S.AVAILABLE, "C1: the cable is out, no user action left"),
        (S.SUSPENDED_EV, E.RESUME, S.CHARGING, "D3: the EV takes energy again"),
        (S.SUSPENDED_EVSE, E.RESUME, S.CHARGING, "E3: the EVSE restriction is lifted"),
        (S.FINISHING, E.UNPLUG, S.AVAILABLE, "F1: all user actions completed"),
        (S.FINISHING, E.AUTHORIZED, S.PREPARING, "F2: a user restarts charging"),
        (S.RESERVED, E.RESERVATION_ENDED, S.AVAILABLE, "G1: the reservation expires"),
        (S.RESERVED, E.PLUG_IN, S.PREPARING, "G2: the reserved identity arrives"),
        (S.UNAVAILABLE, E.MAKE_OPERATIVE, S.AVAILABLE, "H1: ChangeAvailability Operative"),
        (S.FAULTED, E.FAULT_CLEARED, S.AVAILABLE, "I1: the fault is gone"),
    ],
)
def test_the_rules_of_section_4_9_are_in_the_table(
    state: ConnectorStatus, event: ConnectorEvent, new: ConnectorStatus, rule: str
) -> None:
    assert TRANSITIONS.get((state, event)) is new, rule
    assert rule.startswith(cell(state, new))


def test_what_section_4_9_forbids_is_not_in_the_table() -> None:
    forbidden = [
        (S.AVAILABLE, S.FINISHING),  # A6: nothing to finish
        (S.PREPARING, S.UNAVAILABLE),  # B8: not until the user is gone
        (S.PREPARING, S.RESERVED),  # B7
        (S.FINISHING, S.CHARGING),  # F3: a new transaction starts in Preparing
        (S.UNAVAILABLE, S.RESERVED),  # H7
        (S.UNAVAILABLE, S.FINISHING),  # H6
    ]
    present = {(s, new) for (s, _), new in TRANSITIONS.items()}
    for pair in forbidden:
        assert pair not in ALLOWED_1_6
        assert pair not in present, cell(*pair)


def test_fire_follows_the_table_and_keeps_a_history() -> None:
    connector = Connector(1)
    path = [E.PLUG_IN, E.TRANSACTION_STARTED, E.SUSPEND_EV, E.RESUME, E.TRANSACTION_STOPPED]
    for event in path:
        assert connector.can(event)
        connector.fire(event)
    connector.fire(E.UNPLUG)
    assert connector.status is S.AVAILABLE
    assert [(old.value, new.value) for old, _, new in connector.history] == [
        ("Available", "Preparing"),
        ("Preparing", "Charging"),
        ("Charging", "SuspendedEV"),
        ("SuspendedEV", "Charging"),
        ("Charging", "Finishing"),
        ("Finishing", "Available"),
    ]


@pytest.mark.parametrize("status", list(ConnectorStatus))
def test_every_event_the_table_lacks_raises_and_changes_nothing(status: ConnectorStatus) -> None:
    for event in ConnectorEvent:
        if (status, event) in TRANSITIONS:
            continue
        connector = Connector(2, status=status)
        assert not connector.can(event)
        with pytest.raises(IllegalTransition) as raised:
            connector.fire(event)
        message = str(raised.value)
        assert message == (f"connector 2: {event.value!r} is not allowed in {status.value}"), (
            message
        )
        assert "\n" not in message
        assert connector.status is status
        assert connector.history == []
