"""Repository invariants under random sequences of changes, on both drivers.

Whatever mix of inserts, repeated inserts, updates, stale updates and mixed
commits happens: ids stay unique, no successful insert is lost, and every
row's version is 1 + its number of successful updates. A simple dict is the
model; the store must agree with it after every run.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lib.repository.base import Conflict, Insert, NotFound, Update
from lib.safe_text import neutralise, restore
from lib.validation import unusable_character
from tests.conftest import DRIVERS

IDS = [f"t{i}" for i in range(5)]
PROPERTY_SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

# Text as the services let it through (lib/validation.py): no control characters
# but newline and tab, no surrogates or noncharacters (PostgreSQL cannot even store NUL).
texts = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cc", "Cs"]) | st.sampled_from("\n\t"),
    max_size=12,
).filter(lambda t: unusable_character(t, multiline=True) is None)
ids = st.sampled_from(IDS)
operations = st.lists(
    st.one_of(
        st.tuples(st.just("insert"), ids, texts),
        st.tuples(st.just("update"), ids, texts, st.booleans()),
        # a commit that inserts and then fails on a stale update: all or nothing
        st.tuples(st.just("mixed"), ids, ids),
    ),
    max_size=14,
)


@pytest.mark.parametrize("kind", DRIVERS)
@PROPERTY_SETTINGS
@given(ops=operations)
def test_random_changes_keep_the_invariants(new_repo, kind, ops):
    """Test that no row is duplicated or lost and versions count the successful updates."""
    repo = new_repo(kind)
    model: dict[str, dict] = {}  # id -> {"version", "description"}
    for op in ops:
        if op[0] == "insert":
            _, row_id, text = op
            [row] = repo.commit([Insert("tickets", {"id": row_id, "description": text}, "K-")])
            model.setdefault(row_id, {"version": 1, "description": text})
            assert row["description"] == model[row_id]["description"]
        elif op[0] == "update":
            _, row_id, text, stale = op
            known = model.get(row_id)
            version = (known["version"] if known else 1) + (1 if stale else 0)
            change = Update("tickets", row_id, version, {"description": text})
            if known is None:
                with pytest.raises(NotFound):
                    repo.commit([change])
            elif stale:
                with pytest.raises(Conflict):
                    repo.commit([change])
            else:
                [row] = repo.commit([change])
                known.update(version=known["version"] + 1, description=text)
                assert row["version"] == known["version"]
        else:
            _, new_id, target = op
            if new_id in model or target not in model:
                continue
            stale = Update("tickets", target, model[target]["version"] + 1, {"status": "x"})
            with pytest.raises(Conflict):
                repo.commit([Insert("tickets", {"id": new_id}, "K-"), stale])

    rows = repo.read(["tickets"])["tickets"]
    row_ids = [r["id"] for r in rows]
    assert len(row_ids) == len(set(row_ids)), "a row was duplicated"
    assert set(row_ids) == set(model), "a row was lost or a refused insert stayed"
    for r in rows:
        assert r["version"] == model[r["id"]]["version"]
        assert r["description"] == model[r["id"]]["description"]
    numbers = [r["number"] for r in rows]
    assert sorted(numbers) == [f"K-{n:04d}" for n in range(1, len(rows) + 1)]


@pytest.mark.parametrize("kind", DRIVERS)
@PROPERTY_SETTINGS
@given(prefixes=st.lists(st.sampled_from(["KIV-2026-", "KIV-2027-", "F-"]), max_size=12))
def test_numbers_count_per_prefix_without_gaps(new_repo, kind, prefixes):
    """Test that every prefix gets its own gap-free sequence whatever the interleaving."""
    repo = new_repo(kind)
    for i, prefix in enumerate(prefixes):
        repo.commit([Insert("invoices", {"id": f"i{i}"}, number_prefix=prefix)])
    numbers = [r["number"] for r in repo.read(["invoices"])["invoices"]]
    for prefix in set(prefixes):
        mine = sorted(n for n in numbers if n.startswith(prefix))
        assert mine == [f"{prefix}{n:04d}" for n in range(1, prefixes.count(prefix) + 1)]


@settings(max_examples=500, deadline=None)
@given(text=st.text())
def test_safe_text_round_trip(text):
    """Test that restore undoes neutralise exactly and stored text never starts a formula."""
    stored = neutralise(text)
    assert restore(stored) == text
    assert not stored.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert neutralise(restore(stored)) == stored
    assert stored == text or stored == "'" + text


@given(a=st.text(), b=st.text())
def test_safe_text_is_injective(a, b):
    """Test that two different texts are never stored the same."""
    if a != b:
        assert neutralise(a) != neutralise(b)
