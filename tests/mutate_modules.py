"""What `make mutate` (tests/mutate.py) mutates, and which tests run against each module.

MODULES are the rule modules of lib/ under mutation (issue 11); TESTS names the test
files run against a module's mutants (add a new test file for a module here);
SKIPPED_TESTS are the slow tiers never run by a mutation run.
"""

from __future__ import annotations

# The rule modules of lib/ under mutation (issue 11); a name stands for lib/<name>.py,
# or every file of the package lib/<name>/.
MODULES = (
    "procedure",
    "validation",
    "safe_text",
    "workdays",
    "invoice_check",
    "billing",
    "services",
    "desk",
    "nemesys_steps",
    "reports",
    "reports_open",
    "reports_turnaround",
    "reports_costs",
    "reports_hours",
    "reports_outages",
    "reports_combine",
    "reports_summary",
    "outages",
    "privacy",
    "archive",
    "repository/live",
    "repository/sheets_archive",
    "repository/sheets_log",
    "repository/sheets",
    "repository/sheets_requests",
    "repository/sheets_ranges",
    "repository/sheets_plan",
    "repository/sheets_stretches",
    "repository/sheets_cells",
    "repository/sheets_http",
    "repository/sheets_setup",
    "repository/sheets_upkeep",
    "repository/base",
    "repository/sql_engine",
    "repository/sql",
    "repository/sql_live",
)

# The test files run against each module's mutants: the ones that exercise its
# rules directly. Running the whole fast tier per module costs hours on this
# machine; a module missing here falls back to it (SKIPPED_TESTS aside).
SERVICES_TESTS = [
    "tests/test_services.py",
    "tests/test_missing_cases.py",
    "tests/test_procedure_oracle.py",
    "tests/test_late_answers.py",
    "tests/test_report_steps_recorded.py",
    "tests/test_report_intake_recorded.py",
    # Written against the survivors of lib/desk.py, lib/nemesys_steps.py and
    # lib/services.py (5 December).
    "tests/test_desk_mutants.py",
    "tests/test_services_mutants.py",
]
REPORTS_TESTS = [
    "tests/test_reports.py",
    "tests/test_reports_costs.py",
    "tests/test_missing_cases.py",
    "tests/test_overzicht_frames.py",
    "tests/test_overzicht_filter_reaches_every_frame.py",
    "tests/test_overzicht_long_names_and_cents.py",
    "tests/test_overzicht_archive_frames.py",
    # The people affected per outage (frames_from's affected frame, issue 14).
    "tests/test_outages.py",
    "tests/test_overzicht_steps_order.py",
]
TESTS = {
    "procedure": ["tests/test_procedure.py", "tests/test_procedure_oracle.py"],
    "validation": [
        "tests/test_validation.py",
        "tests/test_validation_messages.py",
        "tests/test_validation_edges.py",
    ],
    "safe_text": [
        "tests/test_hostile_input.py",
        "tests/test_cell_limit.py",
        "tests/test_export_text.py",
        "tests/test_properties.py",
    ],
    "workdays": ["tests/test_workdays.py", "tests/test_follow_up_rule.py"],
    "invoice_check": ["tests/test_invoice_check.py"],
    "billing": [
        "tests/test_services.py",
        "tests/test_quote_confirmation.py",
        "tests/test_missing_cases.py",
        "tests/test_quotes_recorded.py",
        "tests/test_invoices_recorded.py",
        "tests/test_communication_recorded.py",
        "tests/test_billing_mutants.py",
    ],
    "services": SERVICES_TESTS,
    # lib/services.py's shared pieces and Nemesys steps moved to these two modules.
    "desk": SERVICES_TESTS,
    "nemesys_steps": SERVICES_TESTS,
    "reports": REPORTS_TESTS,
    # The directie's figures, each built from the frames of lib/reports.py.
    "reports_open": [
        *REPORTS_TESTS,
        "tests/test_reports_open_edges.py",
        "tests/test_recurring_trouble_oracle.py",
    ],
    "reports_turnaround": [*REPORTS_TESTS, "tests/test_reports_turnaround_edges.py"],
    "reports_costs": [*REPORTS_TESTS, "tests/test_reports_costs_edges.py"],
    "reports_hours": [*REPORTS_TESTS, "tests/test_reports_hours.py"],
    "reports_outages": [*REPORTS_TESTS, "tests/test_reports_outages_edges.py"],
    # The archived part of the frames, built once per archive cut.
    "reports_combine": [
        "tests/test_overzicht_archive_frames.py",
        "tests/test_read_columns.py",
        "tests/test_reports_combine_edges.py",
    ],
    "reports_summary": [
        "tests/test_reports_costs.py",
        "tests/test_outages.py",
        "tests/test_overzicht_frames.py",
        "tests/test_monthly_summary_charts.py",
        "tests/test_monthly_summary_page.py",
    ],
    "outages": [
        "tests/test_outages.py",
        "tests/test_outage_procedure.py",
        "tests/test_known_outages_listed.py",
        "tests/test_outage_links_recorded.py",
    ],
    "privacy": [
        "tests/test_privacy.py",
        "tests/test_purge_plan_text.py",
        "tests/test_purge_command.py",
        "tests/test_retention_from_last_closing.py",
        "tests/test_purge_edges.py",
    ],
    "archive": [
        "tests/test_archive_rules.py",
        "tests/test_archive.py",
        "tests/test_outbox_archive.py",
        "tests/test_cli.py",
    ],
    "repository/live": [
        "tests/test_archive.py",
        "tests/test_contract.py",
        "tests/test_live_read_rule.py",
        "tests/test_live_moved_reports.py",
    ],
    # The Sheet's archive worksheets and its change log (issue 10): the stand-in tests.
    "repository/sheets_archive": [
        "tests/test_sheets_archive.py",
        "tests/test_sheets_archive_edges.py",
        "tests/test_sheets_log.py",
    ],
    # The change log's verdicts; basis rows and a fresh fold: the compaction tests.
    "repository/sheets_log": [
        "tests/test_sheets_log.py",
        "tests/test_sheets_archive.py",
        "tests/test_sheets_archive_edges.py",
        "tests/test_sheets_compaction.py",
        "tests/test_sheets_kept_copies.py",
    ],
    # The Sheet driver's commits and reads: kept copies (one request per action), the
    # log's answers, races and lost answers against the stand-in; the full and live
    # reads over the archive worksheets; the service account and other edges.
    "repository/sheets": [
        "tests/test_sheets_kept_copies.py",
        "tests/test_sheets_driver.py",
        "tests/test_sheets_incremental.py",
        "tests/test_late_answers.py",
        "tests/test_sheets_log.py",
        "tests/test_sheets_archive.py",
        "tests/test_sheets_driver_edges.py",
        "tests/test_mail_texts_read.py",
        "tests/test_sheets_grid_and_log.py",
        "tests/test_sheets_commit_reads.py",
        # The defaults the app runs with: 5 tries, 20 s, one log rewrite per purge.
        "tests/test_sheets_defaults.py",
    ],
    # Its reads and the folding of the log, split out of lib/repository/sheets.py; the
    # grid sizes kept true (the edges, the archive's and the compaction's growth).
    "repository/sheets_requests": [
        "tests/test_sheets_stretches.py",
        "tests/test_sheets_incremental.py",
        "tests/test_sheets_driver.py",
        "tests/test_late_answers.py",
        "tests/test_sheets_log.py",
        "tests/test_mail_texts_read.py",
        "tests/test_sheets_blank_runs.py",
        "tests/test_sheets_driver_edges.py",
        "tests/test_sheets_archive.py",
        "tests/test_sheets_compaction.py",
        # The grid sizes kept after growing; the log edited by hand; the protected flag.
        "tests/test_sheets_grid_and_log.py",
        "tests/test_sheets_setup.py",
    ],
    # How a worksheet is asked for: column runs (the mail texts left out) and row
    # stretches after long blank runs; each read checked against a whole read.
    "repository/sheets_ranges": [
        "tests/test_sheets_blank_runs.py",
        "tests/test_mail_texts_read.py",
        # Which columns a read or a commit's read leaves out (omissions, only_added).
        "tests/test_sheets_commit_reads.py",
        "tests/test_read_columns.py",
    ],
    # The commit checked in memory, the log laid over the worksheets, lagging rows mended.
    # test_read_columns.py checks read_each and read_batches on every driver too, but
    # seeds demo data on each (about 15 s a mutant): these tests cover them alone.
    "repository/sheets_stretches": ["tests/test_sheets_stretches.py"],
    "repository/sheets_plan": [
        "tests/test_sheets_plan.py",
        "tests/test_sheets_log.py",
        "tests/test_sheets_kept_copies.py",
        "tests/test_sheets_driver.py",
        "tests/test_sheets_commit_reads.py",
        "tests/test_sheets_driver_edges.py",
        "tests/test_mail_texts_read.py",
        "tests/test_sheets_archive.py",
        "tests/test_late_answers.py",
        # Refusals (conflict, not found, duplicate) with their messages, long cells, the
        # purge's redactions: on both drivers, the Sheet's through these functions.
        "tests/test_contract.py",
        "tests/test_cell_limit.py",
        "tests/test_privacy.py",
        "tests/test_billing_mutants.py",
    ],
    # A worksheet's cells: parsed into rows (a hand-made copy of an id refused), typed
    # values and formulas kept from becoming formulas, A1 names, Google's refusals.
    "repository/sheets_cells": [
        "tests/test_sheets_cells.py",
        # The worksheets setup makes (add_sheet): width, frozen header row.
        "tests/test_sheets_setup_edges.py",
        "tests/test_sheets_driver.py",
        "tests/test_sheets_driver_edges.py",
        "tests/test_hostile_input.py",
        "tests/test_sheets_grid_and_log.py",
        "tests/test_sheets_commit_reads.py",
        "tests/test_sheets_blank_runs.py",
        "tests/test_sheets_archive.py",
        "tests/test_cell_limit.py",
        "tests/test_contract.py",
    ],
    # Retries with backoff, Retry-After, and the Dutch message when Google stays away.
    "repository/sheets_http": [
        "tests/test_sheets_defaults.py",
        "tests/test_sheets_compact_answers.py",
        "tests/test_sheets_driver.py",
        "tests/test_sheets_driver_edges.py",
    ],
    # A new or older Sheet made ready: worksheets, headers, the protected log.
    "repository/sheets_setup": [
        "tests/test_sheets_setup_edges.py",
        "tests/test_sheets_setup.py",
        "tests/test_sheets_grid_and_log.py",
        "tests/test_sheets_driver.py",
    ],
    # The log compacted into the worksheets; old values scrubbed from history.
    "repository/sheets_upkeep": [
        "tests/test_sheets_upkeep.py",
        "tests/test_sheets_driver_edges.py",
        "tests/test_sheets_compaction.py",
        "tests/test_sheets_compact_answers.py",
        "tests/test_privacy.py",
        "tests/test_sheets_grid_and_log.py",
    ],
    "repository/base": [
        "tests/test_contract.py",
        "tests/test_repository_changes.py",
        "tests/test_missing_cases.py",
        # read_batches and read_each as the Sheet driver has them (from the base class).
        "tests/test_read_columns.py",
        "tests/test_repository_base_defaults.py",
    ],
    # The SQL store's live read through indexes (issue 10): equal to live.live_rows of a full read.
    "repository/sql_live": [
        # Reads of several batches, values shared past the first thousand rows.
        "tests/test_sql_rows.py",
        "tests/test_sql_live_plan.py",
        "tests/test_archive.py",
        "tests/test_read_columns.py",
        "tests/test_contract.py",
        "tests/test_live_read_rule.py",
        "tests/test_live_invoices_rule.py",
    ],
    # The SQL store: its commits, setup's lines and reads (by id: test_mail_texts_read.py,
    # test_sql_read_rows.py; in batches and a table at a time: test_read_columns.py,
    # which seeds demo data, about 60 s of the tool's first pass).
    # The SQL engine's rules per database and its Dutch errors (busy, unreachable).
    "repository/sql_engine": [
        "tests/test_sql_engine_edges.py",
        "tests/test_sql_engine.py",
        "tests/test_sql_setup_lines.py",
        "tests/test_contract.py",
    ],
    "repository/sql": [
        "tests/test_contract.py",
        "tests/test_repository_changes.py",
        "tests/test_sql_setup_lines.py",
        "tests/test_sql_engine.py",
        "tests/test_mail_texts_read.py",
        "tests/test_sql_read_rows.py",
        "tests/test_read_columns.py",
    ],
}


# The fast tiers: everything but pages in AppTest, the browser, benchmarks and IMAP.
SKIPPED_TESTS = (
    "tests/browser",
    "tests/test_app_*.py",
    "tests/test_access_pages.py",
    "tests/test_access_controls.py",
    "tests/test_request_budget.py",
    "tests/test_bench_smoke.py",
    "tests/test_inbound_imap.py",
)
