"""Command line: python -m lib.cli {setup,init,seed-demo,demo-reset,export,migrate,add-user,set-password,purge}."""

from __future__ import annotations

import argparse
import getpass
import sys
import unicodedata
from dataclasses import replace
from pathlib import Path

from lib import (
    accounts,
    archive,
    compact_log,
    demo,
    digest,
    inbound,
    intake,
    ops_commands,
    people,
    privacy,
    transfer,
    validation,
)
from lib import config as config_module
from lib.procedure import ROLE_LABELS, Role
from lib.repository.sql import SqlRepository
from lib.store import open_repository

REFUSED = 2  # exit code for refused input (as argparse uses for bad arguments)

ADD_USER_HELP = """\
Voeg een persoon toe met een of meer rollen, of werk de persoon met dit
e-mailadres bij (naam, rollen; weer actief). Rollen, met komma's gescheiden:
medewerker, unitmanager, maz, directie, financien.

Wachtwoord (alleen voor lokale accounts, zonder identiteitsprovider): met
--password-stdin wordt één regel van stdin gelezen; in een terminal zonder die
optie vraagt de opdracht erom (leeg laten: geen wachtwoord instellen). De eerste
Manager Algemene Zaken van een nieuwe installatie krijgt zo zijn eigen
wachtwoord; iedereen anders een tijdelijk wachtwoord, dat bij de eerste
aanmelding vervangen moet worden. Het wachtwoord wordt nooit getoond.

Voorbeelden:
  python -m lib.cli add-user --name "Nathalie de Boer" --email nathalie@kivido.nl --roles maz
  printf '%s\\n' "$WACHTWOORD" | python -m lib.cli add-user --name "Stefanie Smit" \\
      --email stefanie@kivido.nl --roles directie,maz --password-stdin

Foute invoer: een melding en afsluitcode 2; er verandert dan niets."""

SET_PASSWORD_HELP = """\
Stel een nieuw wachtwoord in voor iemand die al in de personenlijst staat,
bijvoorbeeld een vergeten wachtwoord van de Manager Algemene Zaken. Een
blokkade na te veel mislukte pogingen vervalt daarmee. Het wachtwoord komt van
stdin (één regel) of wordt in een terminal twee keer gevraagd; het wordt nooit
getoond.

Voorbeeld:
  python -m lib.cli set-password --email nathalie@kivido.nl

Foute invoer: een melding en afsluitcode 2; er verandert dan niets."""


class Refused(Exception):
    """Input the command will not use; the Dutch message goes to stderr, exit code 2."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m lib.cli",
        description="Beheer van de opslag en van de personen van Storingsmeldingen ICT/Telefonie.",
        add_help=False,
    )
    _help(parser)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("setup", help="maak de tabellen/werkbladen aan of controleer ze")
    sub.add_parser("init", help="setup, en in demomodus bij een lege database: demogegevens")
    seed = sub.add_parser("seed-demo", help="voeg de gemarkeerde demogegevens toe")
    seed.add_argument("--tickets", type=int, default=60)
    sub.add_parser("demo-reset", help="verwijder alle demogegevens uit de lokale database")
    exp = sub.add_parser("export", help="alle tabellen naar .xlsx en CSV")
    exp.add_argument("--out", type=Path, default=Path("export"))
    mig = sub.add_parser("migrate", help="kopieer alles naar de andere opslag en controleer")
    mig.add_argument("--to", choices=["sheets", "sqlite", "postgresql"], required=True)
    mig.add_argument(
        "--from-db",
        type=Path,
        default=config_module.DEFAULT_DB,
        help="bij --to postgresql: het databasebestand dat over moet (standaard data/kivido.db)",
    )
    add = _explained_parser(
        sub,
        "add-user",
        "voeg een persoon met rollen toe (of werk bij), met of zonder wachtwoord",
        ADD_USER_HELP,
    )
    add.add_argument("--name", required=True, help="volledige naam")
    add.add_argument(
        "--email", required=True, help="e-mailadres (waarmee de persoon zich aanmeldt)"
    )
    add.add_argument("--roles", required=True, help="rollen met komma's, bijvoorbeeld maz,directie")
    add.add_argument(
        "--password-stdin", action="store_true", help="lees het wachtwoord als één regel van stdin"
    )
    pw = _explained_parser(
        sub,
        "set-password",
        "nieuw wachtwoord voor iemand in de personenlijst (vergeten wachtwoord)",
        SET_PASSWORD_HELP,
    )
    pw.add_argument("--email", required=True, help="e-mailadres van de persoon")
    pw.add_argument(
        "--temporary",
        action="store_true",
        help="tijdelijk wachtwoord: de persoon kiest bij de volgende aanmelding een eigen",
    )
    ops_commands.add_arguments(sub)
    digest.add_arguments(
        sub.add_parser("digest", help="dagoverzicht voor de MAZ per mail (voor cron of een timer)")
    )
    sub.add_parser("fetch-mail", help="lees bevestigingen van Nemesys uit de IMAP-postbus ([imap])")
    sub.add_parser(
        "deliver-queued",
        help="registreer meldingen die tijdens een storing van de opslag zijn bewaard",
    )
    privacy.add_arguments(
        sub.add_parser("purge", help="persoonsgegevens van oude meldingen opschonen (AVG)")
    )
    archive.add_arguments(
        sub.add_parser("archive", help="archiveer oude afgesloten en verwijderde meldingen")
    )
    compact_log.add_arguments(
        sub.add_parser(
            "compact-log",
            help="Google Sheet: werkbladen bijwerken en het wijzigingenlog samenvatten (cron)",
        )
    )
    args = parser.parse_args(argv)

    if args.command in ops_commands.COMMANDS:
        return ops_commands.run(args)

    if args.command == "digest":
        return digest.run(config_module.load(), state_dir=args.state_dir, send=not args.print)
    if args.command == "purge":
        config = config_module.load()
        return privacy.purge_command(
            config, open_repository(config), dry_run=args.dry_run, by=args.door
        )
    if args.command == "archive":
        config = config_module.load()
        return archive.archive_command(config, open_repository(config), dry_run=args.dry_run)
    if args.command == "compact-log":
        config = config_module.load()
        return compact_log.run(config, open_repository(config), args.older_than)
    if args.command == "fetch-mail":
        config = config_module.load()
        return inbound.fetch_mail_command(config, open_repository(config), config.imap)
    if args.command == "deliver-queued":
        config = config_module.load()
        return intake.deliver_command(config, open_repository(config))
    if args.command in ("add-user", "set-password"):
        try:
            return _people_command(args)
        except Refused as e:
            print(f"Geweigerd: {e}", file=sys.stderr)
            return REFUSED
        except validation.ValidationError as e:
            print("Geweigerd:\n" + _lines(e.errors), file=sys.stderr)
            return REFUSED

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
        if demo.has_demo_reports(repo):  # the same seed again would replay the same reports
            print(
                "Er staan al demomeldingen in de opslag; eerst make demo-reset om opnieuw te beginnen."
            )
            return 0
        print(
            f"{demo.seed_demo(repo, tickets=args.tickets, config=config)} demomeldingen toegevoegd."
        )
    elif args.command == "demo-reset":
        removed = demo.remove_demo(repo)
        print("Verwijderd: " + ", ".join(f"{t} {n}" for t, n in removed.items() if n))
    elif args.command == "export":
        for path in transfer.export(repo, args.out):
            print(path)
    elif args.command == "migrate" and args.to == "postgresql":
        # From the embedded file to the server database of [store] database_url.
        if not config.database_url.startswith("postgresql"):
            print("Stel eerst database_url voor PostgreSQL in ([store] in secrets.toml).")
            return REFUSED
        source = SqlRepository.at_path(args.from_db)
        counts = transfer.migrate(source, repo)
        print(f"Gemigreerd van {source.label} naar {repo.label}:")
        print("\n".join(f"  {t}: {n} rijen, versies gecontroleerd" for t, n in counts.items()))
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


def _help(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-h", "--help", action="help", help="toon deze uitleg en stop")


def _explained_parser(sub, name: str, summary: str, explanation: str) -> argparse.ArgumentParser:
    """A subcommand whose --help shows `explanation` as written (line breaks kept), in Dutch."""
    parser = sub.add_parser(
        name,
        help=summary,
        description=explanation,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        add_help=False,
    )
    _help(parser)
    return parser


def _people_command(args: argparse.Namespace) -> int:
    """add-user and set-password: every input is checked before the store is opened."""
    config = config_module.load()
    local = config.sign_in == "local"
    if args.command == "set-password":
        email = _checked_email(args.email)
        password = _password(required=True)
        repo = open_repository(config)
        repo.setup()
        row = accounts.set_password_on_server(repo, email, password, temporary=args.temporary)
        print(f"Wachtwoord ingesteld voor {row['name']} <{people.normal_email(email)}>.")
        if args.temporary:
            print("Het is tijdelijk: bij de volgende aanmelding kiest de persoon een eigen.")
        if not row["active"]:
            print("Let op: deze persoon is niet actief en kan zich niet aanmelden.")
        if not local:
            print("Let op: aanmelden gaat via de identiteitsprovider ([auth] in secrets.toml).")
        return 0

    f = validation.Form()
    name = f.check("name", validation.text, args.name, "Naam")
    email = f.check("email", validation.email, args.email)
    roles = f.check("roles", _roles, args.roles)
    f.done()
    password = _password(required=False, stdin=args.password_stdin, prompt=local)
    repo = open_repository(config)
    repo.setup()
    what, temporary = accounts.add_on_server(
        repo, name=name, email=email, roles=roles, password=password
    )
    labels = ", ".join(ROLE_LABELS[r] for r in Role if r in roles)
    print(f"{name} <{email}> {what}: {labels}.")
    if password is not None and temporary:
        print(f"Tijdelijk wachtwoord ingesteld: bij de eerste aanmelding kiest {name} een eigen.")
    elif password is not None:
        print("Wachtwoord ingesteld.")
    elif local:
        print(
            "Geen wachtwoord ingesteld; dat kan met: python -m lib.cli set-password "
            f"--email {email} (of door de Manager Algemene Zaken op Beheer)."
        )
    return 0


def _checked_email(value: str) -> str:
    f = validation.Form()
    email = f.check("email", validation.email, value)
    f.done()
    return email


def _roles(value: str) -> frozenset[Role]:
    """'maz,directie' -> the roles; ValueError (Dutch) for an unknown or missing one."""
    known = {str(r): r for r in Role}
    words = [_plain(w) for w in (value or "").split(",") if w.strip()]
    unknown = [w for w in words if w not in known]
    if unknown or not words:
        start = f"Onbekende rol '{unknown[0]}'" if unknown else "Geef minstens één rol"
        raise ValueError(f"{start}; kies uit: {', '.join(known)}.")
    return frozenset(known[w] for w in words)


def _plain(word: str) -> str:
    """'Financiën ' -> 'financien'."""
    decomposed = unicodedata.normalize("NFKD", word.strip().lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _password(*, required: bool, stdin: bool = False, prompt: bool = True) -> str | None:
    """The password from stdin (one line) or, in a terminal, asked twice; never echoed."""
    terminal = sys.stdin is not None and sys.stdin.isatty()
    if terminal and not stdin and prompt:
        hint = "" if required else " (leeg laten: geen wachtwoord instellen)"
        first = getpass.getpass(f"Wachtwoord{hint}: ")
        if not first and not required:
            return None
        if getpass.getpass("Wachtwoord (nogmaals): ") != first:
            raise Refused("de twee wachtwoorden zijn niet gelijk.")
    elif stdin or required:
        line = sys.stdin.readline() if sys.stdin is not None else ""
        first = line.removesuffix("\n").removesuffix("\r")
        if not first:
            raise Refused("geen wachtwoord ontvangen (verwacht: één regel op stdin).")
    else:
        return None
    problem = accounts.password_problem(first)
    if problem:
        raise Refused(problem[0].lower() + problem[1:])
    return first


def _lines(errors: dict[str, str]) -> str:
    return "\n".join(f"- {m}" for m in errors.values())


if __name__ == "__main__":
    sys.exit(main())
