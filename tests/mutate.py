"""`make mutate`: mutation testing of lib/ with mutmut, scored per module.

mutmut (3.x) is used rather than cosmic-ray because it fits this layout as it
is: it copies lib/ and tests/ into a mutants/ folder, keeps `pythonpath = ["."]`
of pyproject.toml working there, and runs for each mutant only the tests that
reached the mutated function (measured once), forked from one warm process.
Cosmic-ray rewrites the module on disk and starts the whole test command
afresh per mutant, which costs minutes per mutant with this suite.

Each module runs alone, in its own copy of the tracked files under
test-artifacts/mutate/<module>/, so the work tree is never mutated and the
last run of every module stays there for the summary table. Only the module's
own test files are run (TESTS of tests/mutate_modules.py; the fast tiers: no
browser, no AppTest pages, no benchmarks, no IMAP server). One worker (the
machine is shared), and a module's run is stopped after --max-minutes (its
unreached mutants are shown as "not run").

    python -m tests.mutate [module ...]     # default: every module of MODULES
    python -m tests.mutate billing --tests tests/test_services.py
    python -m tests.mutate billing --recheck  # only its survivors, with the tests as now
    python -m tests.mutate --report         # the table again, from the last runs

The score is killed / (mutants run); "no tests" and timeouts count as not
killed; mutants an interrupted run never reached are listed as "not run".
Survivors are printed with their diff; the ones that cannot be killed
(equivalent mutants) are listed with the reason in tests/mutation_equivalents.md.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

from tests.mutate_modules import MODULES, SKIPPED_TESTS, TESTS
from tests.tree_copy import copy_tracked_files

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "test-artifacts" / "mutate"


COLUMNS = (8, 8, 9, 7, 13, 7, 6, 10, 9)  # the widths of the table's columns after the module


def _folder(module: str) -> str:
    """A module's run folder under WORK: `repository/base` runs in `repository.base`."""
    return module.replace("/", ".")


def _patterns(modules: list[str]) -> list[str]:
    out = []
    for name in modules:
        out.append(f"lib/{name}/*" if (ROOT / "lib" / name).is_dir() else f"lib/{name}.py")
    return out


def _config(modules: list[str], tests: list[str]) -> str:
    ignores = [f"--ignore-glob={p}" if "*" in p else f"--ignore={p}" for p in SKIPPED_TESTS]
    lines = ["[mutmut]", "source_paths = lib", "only_mutate ="]
    lines += [f"    {p}" for p in _patterns(modules)]
    lines += ["also_copy =", "    app.py", "    pages", "    bench", "    .streamlit"]
    lines += ["pytest_add_cli_args_test_selection ="] + [f"    {t}" for t in tests]
    lines += ["pytest_add_cli_args ="] + [f"    {a}" for a in ("-p", "no:cacheprovider", *ignores)]
    return "\n".join(lines) + "\n"


def _tests_for(module: str, given: list[str]) -> list[str]:
    if given:
        return given
    if module not in TESTS:
        return ["tests"]
    return [t for t in TESTS[module] if (ROOT / t).exists()]


def _mutmut(work: Path, *args: str, capture: bool = False, minutes: float | None = None) -> str:
    command = [sys.executable, "-m", "mutmut", *args]
    if capture:
        return subprocess.run(command, cwd=work, capture_output=True, text=True).stdout
    # Its own process group, so a run over time is stopped with every worker it forked.
    process = subprocess.Popen(command, cwd=work, start_new_session=True)
    try:
        process.wait(timeout=minutes * 60 if minutes else None)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait()
        print(f"\nStopped after {minutes:g} minutes: the table shows the rest as not run.")
    return ""


def _equivalents() -> set[str]:
    """Mutant names listed (in backquotes) in tests/mutation_equivalents.md.

    A range written `name_1` … `_14` counts every number in it.
    """
    text = (ROOT / "tests" / "mutation_equivalents.md").read_text()
    names: set[str] = set()
    for match in re.finditer(
        r"`(lib\.[^`]+?__mutmut_)(\d+)`((?:\s*(?:,|…|\.\.\.)\s*`_\d+`)*)", text
    ):
        stem, first, rest = match.group(1), int(match.group(2)), match.group(3)
        numbers = [first] + [int(n) for n in re.findall(r"_(\d+)`", rest)]
        if "…" in rest or "..." in rest:
            numbers = list(range(first, max(numbers) + 1))
        names.update(f"{stem}{n}" for n in numbers)
    return names


def _module_results(work: Path) -> list[tuple[str, str]]:
    out = []
    for line in _mutmut(work, "results", "--all", "true", capture=True).splitlines():
        match = re.match(r"\s*(\S+): (.+)$", line)
        if match and match.group(1).startswith("lib."):
            out.append((match.group(1), match.group(2)))
    return out


def _run_dirs() -> list[Path]:
    if not WORK.exists():
        return []
    return sorted(p for p in WORK.iterdir() if (p / "mutants").is_dir())


def report(show_diffs: bool = True) -> int:
    """The table per module, then every survivor neither killed since nor equivalent.

    "killed", "survived" and "score" are the module's full run; "killed since"
    counts its survivors a --recheck (the tests as they are now) killed; "left"
    are the survivors neither killed since nor listed as equivalent. A mutant the
    full run never reached (stopped over time) but a recheck ran counts as not
    killed by the full run.
    """
    equivalent = _equivalents()
    rows = []
    survivors: list[tuple[Path, str, str]] = []
    for work in _run_dirs():
        killed_since = _killed_since(work.name)
        counts: Counter = Counter()
        ran_since = _ran_since(work.name)
        for name, status in _module_results(work):
            if status == "not checked" and name in ran_since:
                status = "not run, rechecked"  # counted as not killed by the full run
            counts[status] += 1
            if status in ("killed", "not checked"):
                continue
            if name in killed_since:
                counts["killed since"] += 1
            elif name in equivalent:
                counts["equivalent"] += 1
            else:
                survivors.append((work, name, status))
        rows.append((work.name, counts))
    # Mutants an interrupted run never reached are shown apart and left out of the score.
    header = ("module", "mutants", "killed", "survived", "score", "killed since", "equiv.")
    header += ("left", "explained", "not run")
    width = max([16, *(len(module) + 1 for module, _ in rows)])
    first, *rest = header
    print(f"\n{first:<{width}}" + "".join(f"{h:>{w}}" for h, w in zip(rest, COLUMNS, strict=True)))
    for module, counts in rows:
        unrun = counts["not checked"]
        statuses = ("killed since", "equivalent", "not checked")
        total = sum(v for k, v in counts.items() if k not in statuses)
        killed, since, equiv = counts["killed"], counts["killed since"], counts["equivalent"]
        left = total - killed - since - equiv
        score = f"{killed / total:.0%}" if total else "-"
        explained = f"{(killed + since + equiv) / total:.0%}" if total else "-"
        print(
            f"{module:<{width}}{total:>8}{killed:>8}{total - killed:>9}{score:>7}{since:>13}"
            f"{equiv:>7}{left:>6}{explained:>10}{unrun:>9}"
        )
    print(f"\nNot killed and not listed as equivalent: {len(survivors)}")
    for work, name, status in survivors:
        print(f"\n# {name}: {status}")
        if show_diffs:
            print(_mutmut(work, "show", name, capture=True).split("\n", 1)[-1].strip())
    return 0


def _killed_file(folder: str) -> Path:
    return WORK / "recheck" / f"{folder}.killed"


def _killed_since(folder: str) -> set[str]:
    """Survivors of the module's full run that a recheck has killed since."""
    path = _killed_file(folder)
    return set(path.read_text().split()) if path.exists() else set()


def _ran_since(folder: str) -> set[str]:
    """Every mutant a recheck has run (killed or not)."""
    path = _killed_file(folder).with_suffix(".ran")
    return set(path.read_text().split()) if path.exists() else set()


def recheck(module: str, tests: list[str], minutes: float, unreached: bool = False) -> None:
    """Run the full run's survivors of `module` not yet killed since, with the tests as now.

    Cheaper than a full run after adding tests for the survivors: the stats are
    collected once and only those survivors are run. What a recheck kills is
    added to test-artifacts/mutate/recheck/<module>.killed (a new full run
    starts that list afresh).
    """
    folder = _folder(module)
    done = _killed_since(folder)
    last = _module_results(WORK / folder)
    # The survivors; with `unreached`, the mutants a full run stopped over time never reached.
    wanted = ("killed",) if unreached else ("killed", "not checked")
    names = [n for n, s in last if s not in wanted and n not in done]
    if not names:
        return
    work = WORK / "recheck" / folder
    copy_tracked_files(ROOT, work)
    (work / "setup.cfg").write_text(_config([module], _tests_for(module, tests)))
    print(f"\n== recheck {module}: {len(names)} survivors", flush=True)
    _mutmut(work, "run", "--max-children", "1", *names, minutes=minutes)
    results = [(n, s) for n, s in _module_results(work) if n in set(names)]
    killed = {n for n, s in results if s == "killed"}
    ran = _ran_since(folder) | {n for n, s in results if s != "not checked"}
    _killed_file(folder).write_text("\n".join(sorted(done | killed)) + "\n")
    _killed_file(folder).with_suffix(".ran").write_text("\n".join(sorted(ran)) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("modules", nargs="*", help=f"default: {' '.join(MODULES)}")
    parser.add_argument("--report", action="store_true", help="only print the last runs' table")
    parser.add_argument("--no-diffs", action="store_true", help="list survivors without diffs")
    parser.add_argument("--tests", nargs="+", default=[], help="test files (default: TESTS)")
    parser.add_argument("--max-minutes", type=float, default=25, help="per module (default 25)")
    parser.add_argument(
        "--recheck", action="store_true", help="run only the last run's survivors again"
    )
    parser.add_argument(
        "--unreached", action="store_true", help="with --recheck: also the mutants never run"
    )
    args = parser.parse_args(argv)
    if not args.report:
        unknown = set(args.modules) - set(MODULES)
        if unknown:
            parser.error(f"unknown module(s): {', '.join(sorted(unknown))}")
        for module in args.modules or MODULES:
            if args.recheck:
                recheck(module, args.tests, args.max_minutes, args.unreached)
                continue
            work = WORK / _folder(module)
            copy_tracked_files(ROOT, work)
            shutil.rmtree(WORK / "recheck" / _folder(module), ignore_errors=True)
            _killed_file(_folder(module)).unlink(missing_ok=True)
            _killed_file(_folder(module)).with_suffix(".ran").unlink(missing_ok=True)
            (work / "setup.cfg").write_text(_config([module], _tests_for(module, args.tests)))
            print(f"\n== {module}: {' '.join(_tests_for(module, args.tests))}", flush=True)
            _mutmut(work, "run", "--max-children", "1", minutes=args.max_minutes)
    return report(show_diffs=not args.no_diffs)


if __name__ == "__main__":
    raise SystemExit(main())
