"""A real SMTP server on loopback for the mail tests: aiosmtpd in the test process.

`SmtpServer` runs aiosmtpd's `Controller` on a free port of 127.0.0.1 with a
`Mailbox` handler that keeps every envelope it accepts, and that a test can
tell to answer a 4xx or 5xx (to RCPT TO for some or all addresses, or after
DATA), or to stall after DATA for longer than the client waits. Plain SMTP by
default; `tls="starttls"` or `tls="ssl"` (with a self-signed certificate that
`trust_certificate` makes the client's default context trust) and `users`
(AUTH LOGIN/PLAIN, only after TLS) for the settings a real provider asks for.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email
import email.policy
import ipaddress
import socket
import ssl
import threading
from collections import Counter
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from lib.mailer import SmtpSettings

SENDER = "storingen@kivido.example"


def free_port() -> int:
    """A port nothing listens on (also what a 'connection refused' test points at)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class Received:
    """One envelope as the server accepted it, with its raw bytes."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    data: bytes
    mail_options: tuple[str, ...]
    tls: bool
    login: str

    @property
    def message(self) -> EmailMessage:
        return email.message_from_bytes(self.data, policy=email.policy.default)

    @property
    def message_id(self) -> str:
        return str(self.message["Message-ID"])


@dataclass
class Mailbox:
    """The server's handler: what it answers, and everything it accepted, in order."""

    received: list[Received] = field(default_factory=list)
    rcpt_answer: str = ""  # answered to every RCPT TO, e.g. "450 4.2.0 Greylisted"
    rcpt_answers: dict[str, str] = field(default_factory=dict)  # per address
    data_answer: str = ""  # answered after DATA instead of accepting, e.g. "554 ..."
    stall: float = 0.0  # seconds to wait after DATA before accepting (client may give up)
    stalls_done: int = 0  # mails accepted after a stall
    _arrived: threading.Condition = field(default_factory=threading.Condition)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        answer = self.rcpt_answers.get(address.lower()) or self.rcpt_answer
        if answer:
            return answer
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.data_answer:
            return self.data_answer
        kept = Received(
            mail_from=envelope.mail_from,
            rcpt_tos=tuple(envelope.rcpt_tos),
            data=envelope.original_content or envelope.content,
            mail_options=tuple(envelope.mail_options),
            tls=server.transport.get_extra_info("ssl_object") is not None,
            login=_login(session),
        )
        if not self.stall:
            self._keep(kept)
            return "250 2.0.0 Ok: queued"
        # Shielded: when the client gives up and hangs up, the server still takes
        # the mail in, late (an unclear answer, as from a slow real server).
        return await asyncio.shield(self._keep_late(kept, self.stall))

    async def _keep_late(self, kept: Received, delay: float) -> str:
        await asyncio.sleep(delay)
        self._keep(kept, stalled=True)
        return "250 2.0.0 Ok: queued"

    def _keep(self, kept: Received, *, stalled: bool = False) -> None:
        with self._arrived:
            self.received.append(kept)
            self.stalls_done += stalled
            self._arrived.notify_all()

    def wait(self, condition, timeout: float = 10.0) -> bool:
        """Block until `condition()` holds (checked whenever mail arrives), or time out."""
        with self._arrived:
            return self._arrived.wait_for(condition, timeout)


def _login(session) -> str:
    data = getattr(session, "auth_data", None)
    return data.decode() if isinstance(data, bytes) else str(data or "")


class _Authenticator:
    def __init__(self, users: dict[str, str]):
        self.users = users

    def __call__(self, server, session, envelope, mechanism, auth_data):
        ok = (
            hasattr(auth_data, "login")
            and self.users.get(auth_data.login.decode()) == auth_data.password.decode()
        )
        return AuthResult(success=ok, handled=False, auth_data=auth_data.login if ok else None)


class SmtpServer:
    """aiosmtpd on 127.0.0.1:<free port>; use as a context manager or start()/stop()."""

    def __init__(
        self,
        *,
        tls: str = "none",
        certificate: tuple[Path, Path] | None = None,
        users: dict[str, str] | None = None,
    ):
        self.tls, self.users = tls, users or {}
        self.mailbox = Mailbox()
        self.port = free_port()
        kwargs: dict = {"server_hostname": "smtp.kivido.test", "ready_timeout": 10.0}
        if tls != "none":
            if certificate is None:
                raise ValueError("TLS needs a certificate: make_certificate(tmp_path)")
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(*map(str, certificate))
            if tls == "starttls":
                kwargs |= {"tls_context": context, "require_starttls": True}
            else:
                kwargs["ssl_context"] = context
        if self.users:
            # aiosmtpd 1.4 sees TLS only after STARTTLS; with "ssl" the whole session is TLS.
            kwargs |= {"authenticator": _Authenticator(self.users)}
            kwargs["auth_require_tls"] = tls == "starttls"
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port, **kwargs)

    def start(self) -> SmtpServer:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    def __enter__(self) -> SmtpServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # --- what the client needs --------------------------------------------------

    def secrets_table(self, **overrides) -> dict:
        """The [smtp] table of a secrets.toml that points at this server."""
        table = {
            "host": "127.0.0.1",
            "port": self.port,
            "security": self.tls,
            "sender": SENDER,
            "timeout": 10,
        }
        if self.users:
            user, password = next(iter(self.users.items()))
            table |= {"user": user, "password": password}
        return table | overrides

    def settings(self, **overrides) -> SmtpSettings:
        settings = SmtpSettings.from_secrets(self.secrets_table(**overrides))
        assert settings is not None
        return settings

    # --- what arrived -------------------------------------------------------------

    @property
    def received(self) -> list[Received]:
        with self.mailbox._arrived:
            return list(self.mailbox.received)

    def message_ids(self) -> Counter:
        """How often each Message-ID arrived."""
        return Counter(r.message_id for r in self.received)

    def wait_for(self, count: int, timeout: float = 30.0) -> list[Received]:
        """At least `count` messages, waiting up to `timeout` seconds (mail goes out async)."""
        self.mailbox.wait(lambda: len(self.mailbox.received) >= count, timeout)
        got = self.received
        assert len(got) >= count, f"{len(got)} of {count} mails arrived within {timeout:.0f} s"
        return got


def make_certificate(directory: Path, host: str = "localhost") -> tuple[Path, Path]:
    """A self-signed certificate for `host` and 127.0.0.1: (certificate, key) PEM files."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName(host), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "smtp-cert.pem", directory / "smtp-key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_path.chmod(0o600)
    return cert_path, key_path
