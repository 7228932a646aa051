"""A real IMAP server on loopback for the fetch-mail tests: Debian's Dovecot.

`Dovecot` writes a small configuration into a fresh folder, starts `dovecot -F`
(in the foreground, so the test owns the process and ends it by its id) on free
ports of 127.0.0.1: plain IMAP with STARTTLS on one, IMAP over TLS on the
other, with a self-signed certificate for localhost and 127.0.0.1. Every user
name signs in with `PASSWORD` and gets a Maildir of its own in that folder, so
each test takes a fresh mailbox by naming one. Fill a mailbox with `append`
(IMAP APPEND, as a mail server delivering would) and read its state back with
`flags`.

Needs Debian's package `dovecot-imapd` (installed by .ci/run in CI).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import getpass
import imaplib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from tests.smtp_server import free_port, make_certificate  # one TLS helper for both servers

PACKAGE = "dovecot-imapd"
PASSWORD = "Bevestig-2026!"


def dovecot_binary() -> str | None:
    return shutil.which("dovecot") or next(
        (p for p in ("/usr/sbin/dovecot", "/usr/local/sbin/dovecot") if Path(p).exists()), None
    )


class Dovecot:
    """Dovecot on 127.0.0.1 with its own configuration and Maildirs, until `stop`."""

    def __init__(self) -> None:
        binary = dovecot_binary()
        if binary is None:
            raise FileNotFoundError(f"dovecot ontbreekt: installeer Debian's pakket '{PACKAGE}'.")
        self.binary = binary
        # Not under pytest's tmp folders: those are closed to other users, and Dovecot
        # runs its mail processes as its own user when started as root.
        self.root = Path(tempfile.mkdtemp(prefix="kivido-imap-"))
        self.root.chmod(0o755)
        self.port, self.tls_port = free_port(), free_port()
        self.cert, self.key = make_certificate(self.root)
        (self.root / "mail").mkdir()
        if os.geteuid() == 0:  # the Debian package's users; mail is never read as root
            internal, login, mail_user = "dovecot", "dovenull", "dovecot"
            shutil.chown(self.root / "mail", user=mail_user, group=mail_user)
        else:
            internal = login = mail_user = getpass.getuser()
        self.config = self.root / "dovecot.conf"
        self.config.write_text(
            f"""
base_dir = {self.root}/run
state_dir = {self.root}/state
log_path = {self.root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <{self.cert}
ssl_key = <{self.key}
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 1
first_valid_gid = 1
default_internal_user = {internal}
default_login_user = {login}
mail_location = maildir:{self.root}/mail/%u
passdb {{
  driver = static
  args = password={PASSWORD}
}}
userdb {{
  driver = static
  args = uid={mail_user} gid={mail_user} home={self.root}/mail/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {self.tls_port}
  }}
}}
service anvil {{
  chroot =
}}
"""
        )
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 20.0) -> Dovecot:
        self.process = subprocess.Popen(
            [self.binary, "-F", "-c", str(self.config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"dovecot stopte meteen: {self.process.stderr.read().decode()}")
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), timeout=1) as s,
            ):
                if s.recv(100).startswith(b"* OK"):
                    return self
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"dovecot luisterde niet binnen {timeout:.0f} s:\n{self.log()}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self.process = None
        shutil.rmtree(self.root, ignore_errors=True)

    def log(self) -> str:
        path = self.root / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def _session(self, user: str) -> imaplib.IMAP4:
        imap = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
        imap.login(user, PASSWORD)
        return imap

    def append(
        self,
        user: str,
        data: bytes,
        *,
        flags: str = "",
        arrived: dt.datetime | None = None,
        folder: str = "INBOX",
    ) -> None:
        """Deliver `data` into the mailbox, with these flags and arrival time (INTERNALDATE)."""
        imap = self._session(user)
        try:
            if folder != "INBOX":
                imap.create(folder)
            when = imaplib.Time2Internaldate(arrived or dt.datetime.now(dt.UTC))
            status, answer = imap.append(folder, f"({flags})" if flags else None, when, data)
            assert status == "OK", answer
        finally:
            imap.logout()

    def flags(self, user: str, folder: str = "INBOX") -> dict[str, str]:
        """Every message's flags by UID (without \\Recent), read without changing them."""
        imap = self._session(user)
        try:
            imap.select(folder, readonly=True)
            status, data = imap.uid("FETCH", "1:*", "(FLAGS)")
            found = {}
            for line in data:
                if not line:
                    continue
                text = line.decode()
                uid = text.split("UID ")[1].split()[0].rstrip(")")
                flags = text.split("FLAGS (")[1].split(")")[0].split()
                found[uid] = " ".join(f for f in flags if f != "\\Recent")  # per session
            return found
        finally:
            imap.logout()
