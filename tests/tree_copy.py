"""A fresh copy of the files git tracks (and untracked, unignored ones) for a throw-away run.

Used by tests/issue11_bugs.py and tests/mutate.py, which change code only in such a copy,
never in the work tree.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path


def copy_tracked_files(root: Path, work: Path) -> None:
    """Replace `work` with a copy of the work tree's files under `root` (never .venv)."""
    if work.exists():
        shutil.rmtree(work)
    names = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"],
        cwd=root,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    for name in names:
        source = root / name
        if source.is_file() and not name.startswith(".venv"):
            target = work / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
