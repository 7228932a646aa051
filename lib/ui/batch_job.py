"""Beheer's two-button pattern for a job over many reports (purge, archive):
a dry run that lists what would change, and the run itself, whose lines stay
on screen after the rerun that follows it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import streamlit as st

from lib import ui
from lib.procedure import IllegalTransition
from lib.repository import StoreUnavailable
from lib.validation import ValidationError


@dataclass(frozen=True)
class BatchJob:
    run: Callable[[bool], Any]  # dry_run -> a plan with .lines()
    key: str  # the widgets are `<key>-dry-run` and `run_key`
    run_key: str
    setting: str  # the setting a ValueError is about, shown beside it
    dry_label: str
    run_label: str
    success: str


def buttons(job: BatchJob) -> None:
    done = st.session_state.pop(f"{job.key}-done", None)
    if done:
        st.text("\n".join(done))
    left, right = st.columns(2)
    if left.button(job.dry_label, key=f"{job.key}-dry-run"):
        try:
            plan = job.run(True)
        except (ValueError, IllegalTransition, StoreUnavailable) as e:
            st.error(str(e))
        else:
            st.text("\n".join(plan.lines()))
    if right.button(job.run_label, type="primary", key=job.run_key):
        ui.act(_run, job, success=job.success)


def _run(job: BatchJob) -> Any:
    try:
        plan = job.run(False)
    except ValueError as e:
        raise ValidationError({job.setting: str(e)}) from e
    st.session_state[f"{job.key}-done"] = plan.lines()
    return plan
