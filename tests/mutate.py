"""`make mutate`: mutation testing of lib/ with mutmut, scored per module.

mutmut (3.x) is used rather than cosmic-ray because it fits this layout as it
is: it copies lib/ and tests/ into a mutants/ folder, keeps `pythonpath = ["."]`
of pyproject.toml working there, and runs for each mutant only the tests that
reached the mutated function (measured once), forked from one warm process.
Cosmic-ray rewrites the module on disk and starts the whole test command
afresh per mutant, which costs minutes per mutant with this suite.

The run happens in a copy of the tracked files under test-artifacts/mutate/,
so the work tree is never mutated. Fast tiers only: no browser, no AppTest
pages, no benchmarks, no IMAP server. One worker (the machine is shared).

    python -m tests.mutate [module ...]     # default: every module of MODULES
    python -m tests.mutate --report         # the table again, from the last run

The score is killed / (mutants run); "no tests" and timeouts count as not
killed; mutants an interrupted run never reached are listed as "not run". Survivors are printed with their diff; the ones that cannot be killed
(equivalent mutants) are listed with the reason in tests/mutation_equivalents.md.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

from tests.tree_copy import copy_tracked_files

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "test-artifacts" / "mutate"

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
    "repository",
)

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


def _patterns(modules: list[str]) -> list[str]:
    out = []
    for name in modules:
        out.append(f"lib/{name}/*" if (ROOT / "lib" / name).is_dir() else f"lib/{name}.py")
    return out


def _config(modules: list[str]) -> str:
    ignores = [f"--ignore-glob={p}" if "*" in p else f"--ignore={p}" for p in SKIPPED_TESTS]
    lines = ["[mutmut]", "source_paths = lib", "only_mutate ="]
    lines += [f"    {p}" for p in _patterns(modules)]
    lines += ["also_copy =", "    app.py", "    pages", "    bench", "    .streamlit"]
    lines += ["pytest_add_cli_args_test_selection =", "    tests"]
    lines += ["pytest_add_cli_args ="] + [f"    {a}" for a in ("-p", "no:cacheprovider", *ignores)]
    return "\n".join(lines) + "\n"


def _mutmut(*args: str, capture: bool = False) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "mutmut", *args],
        cwd=WORK,
        check=not capture,
        capture_output=capture,
        text=True,
    )
    return done.stdout if capture else ""


def report(show_diffs: bool = True) -> int:
    lines = _mutmut("results", "--all", "true", capture=True).splitlines()
    by_module: dict[str, Counter] = defaultdict(Counter)
    survivors: list[tuple[str, str]] = []
    for line in lines:
        match = re.match(r"\s*(\S+): (.+)$", line)
        if not match or not match.group(1).startswith("lib."):
            continue
        name, status = match.groups()
        module = name.split(".")[1]
        module = "reports" if module.startswith("reports") else module
        by_module[module][status] += 1
        if status != "killed":
            survivors.append((name, status))
    # Mutants an interrupted run never reached are shown apart and left out of the score.
    print(f"\n{'module':<15}{'mutants':>8}{'killed':>8}{'survived':>9}{'score':>8}{'not run':>9}")
    for module, counts in sorted(by_module.items()):
        unrun = counts["not checked"]
        total, killed = sum(counts.values()) - unrun, counts["killed"]
        score = f"{killed / total:.0%}" if total else "-"
        print(f"{module:<15}{total:>8}{killed:>8}{total - killed:>9}{score:>8}{unrun:>9}")
    survivors = [(n, s) for n, s in survivors if s != "not checked"]
    print(f"\nNot killed: {len(survivors)}")
    for name, status in survivors:
        print(f"\n# {name}: {status}")
        if show_diffs:
            print(_mutmut("show", name, capture=True).split("\n", 1)[-1].strip())
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("modules", nargs="*", help=f"default: {' '.join(MODULES)}")
    parser.add_argument("--report", action="store_true", help="only print the last run's table")
    parser.add_argument("--no-diffs", action="store_true", help="list survivors without diffs")
    args = parser.parse_args(argv)
    if not args.report:
        unknown = set(args.modules) - set(MODULES)
        if unknown:
            parser.error(f"unknown module(s): {', '.join(sorted(unknown))}")
        copy_tracked_files(ROOT, WORK)
        (WORK / "setup.cfg").write_text(_config(args.modules or list(MODULES)))
        _mutmut("run", "--max-children", "1")
    return report(show_diffs=not args.no_diffs)


if __name__ == "__main__":
    raise SystemExit(main())
