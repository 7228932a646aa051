"""The operator's commands of `python -m lib.cli`: backup, restore, doctor."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from lib import backup, doctor
from lib import config as config_module

COMMANDS = ("backup", "restore", "doctor")


def add_arguments(sub) -> None:
    b = sub.add_parser(
        "backup", help="maak een consistente back-up van de opslag (ook terwijl de app draait)"
    )
    b.add_argument("--to", type=Path, help="map voor de back-ups (standaard: [app] backup_dir)")
    b.add_argument(
        "--keep",
        type=int,
        help=f"bewaar de nieuwste N back-ups (standaard [app] backup_keep of {backup.DEFAULT_KEEP})",
    )
    r = sub.add_parser("restore", help="controleer een back-up en zet die terug")
    r.add_argument("file", type=Path, help="het back-upbestand (.db, .pgdump of .xlsx)")
    r.add_argument(
        "--overwrite",
        action="store_true",
        help="vervang een gevulde database (wat er stond wordt eerst zelf geback-upt)",
    )
    d = sub.add_parser("doctor", help="controleer de instellingen voor gebruik in de organisatie")
    d.add_argument("--english", action="store_true", help="the report in English")


def run(args: argparse.Namespace) -> int:
    if args.command == "doctor":  # reads secrets.toml itself: a broken one is a finding
        return doctor.main(english=args.english)
    config = config_module.load()
    try:
        if args.command == "backup":
            keep = args.keep or int(config.extra.get("backup_keep", backup.DEFAULT_KEEP))
            path = backup.backup(config, args.to or backup.default_folder(config), keep=keep)
            print(f"Back-up gemaakt: {path} (de nieuwste {keep} worden bewaard)")
        else:
            counts = backup.restore(config, args.file, overwrite=args.overwrite)
            print(f"Teruggezet uit {args.file}:")
            print("\n".join(f"  {t}: {n} rijen" for t, n in counts.items() if n >= 0))
    except backup.BackupError as e:
        print(f"Mislukt: {e}", file=sys.stderr)
        return 1
    return 0
