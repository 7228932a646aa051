"""Command line: python -m lib.cli {setup,init,seed-demo,demo-reset,export,migrate}."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

from lib import config as config_module
from lib import demo, transfer
from lib.store import open_repository


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lib.cli", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("setup", help="maak de tabellen/werkbladen aan of controleer ze")
    sub.add_parser("init", help="setup, en in demomodus bij een lege database: demogegevens")
    seed = sub.add_parser("seed-demo", help="voeg de gemarkeerde demogegevens toe")
    seed.add_argument("--tickets", type=int, default=60)
    sub.add_parser("demo-reset", help="verwijder alle demogegevens uit de lokale database")
    exp = sub.add_parser("export", help="alle tabellen naar .xlsx en CSV")
    exp.add_argument("--out", type=Path, default=Path("export"))
    mig = sub.add_parser("migrate", help="kopieer alles naar de andere opslag en controleer")
    mig.add_argument("--to", choices=["sheets", "sqlite"], required=True)
    args = parser.parse_args(argv)

    config = config_module.load()
    repo = open_repository(config)
    if args.command == "setup":
        print("\n".join(repo.setup()))
    elif args.command == "init":
        repo.setup()
        if config.demo_mode and config.store == "sqlite" and not repo.read(["tickets"])["tickets"]:
            demo.seed_demo(repo, config=config)
            print("Demogegevens toegevoegd (verwijderen: make demo-reset).")
        print(f"Opslag klaar: {repo.label}")
    elif args.command == "seed-demo":
        repo.setup()
        print(
            f"{demo.seed_demo(repo, tickets=args.tickets, config=config)} demomeldingen toegevoegd."
        )
    elif args.command == "demo-reset":
        removed = demo.remove_demo(repo)
        print("Verwijderd: " + ", ".join(f"{t} {n}" for t, n in removed.items() if n))
    elif args.command == "export":
        for path in transfer.export(repo, args.out):
            print(path)
    elif args.command == "migrate":
        target = open_repository(replace(config, store=args.to))
        source = (
            repo
            if config.store != args.to
            else open_repository(
                replace(config, store="sheets" if args.to == "sqlite" else "sqlite")
            )
        )
        counts = transfer.migrate(source, target)
        print(f"Gemigreerd van {source.label} naar {target.label}:")
        print("\n".join(f"  {t}: {n} rijen, versies gecontroleerd" for t, n in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
