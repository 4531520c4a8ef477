#!/usr/bin/python3
# aiosmtpd peer for the mail tests (Debian python3-aiosmtpd: run with /usr/bin/python3).
#   smtpd_peer.py CERT KEY LMTP_PORT PLAIN_PORT STARTTLS_PORT TLS_PORT
# PLAIN_PORT: no TLS, no AUTH offered. STARTTLS_PORT: STARTTLS and AUTH required. TLS_PORT: implicit TLS, AUTH
# required. Every accepted message is relayed over LMTP into Dovecot (LMTP_PORT), so it can be read over IMAP/POP3.
import signal, smtplib, ssl, sys
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

cert, key, lmtp_port, plain_port, starttls_port, tls_port = sys.argv[1:7]
USERS = {b"tester": b"secret"}


def authenticate(server, session, envelope, mechanism, auth_data):
    if isinstance(auth_data, LoginPassword) and USERS.get(auth_data.login) == auth_data.password:
        return AuthResult(success=True)
    return AuthResult(success=False, handled=False)


class LmtpRelay:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        # Dovecot has one user; every recipient lands in tester's mailbox (the test checks the To header).
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with smtplib.LMTP("127.0.0.1", int(lmtp_port)) as lmtp:
            lmtp.sendmail(envelope.mail_from, ["tester"], envelope.original_content)
        return "250 OK delivered via LMTP"


ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
ctx.load_cert_chain(cert, key)
handler = LmtpRelay()
controllers = [
    Controller(handler, hostname="127.0.0.1", port=int(plain_port), data_size_limit=200 * 1024 * 1024),
    Controller(handler, hostname="127.0.0.1", port=int(starttls_port), tls_context=ctx, require_starttls=True,
               authenticator=authenticate, auth_required=True, auth_require_tls=True,
               data_size_limit=200 * 1024 * 1024),
    Controller(handler, hostname="127.0.0.1", port=int(tls_port), ssl_context=ctx,
               authenticator=authenticate, auth_required=True, auth_require_tls=False,
               data_size_limit=200 * 1024 * 1024),
]
for c in controllers:
    c.start()
print("smtp peer ready", flush=True)
signal.sigwait({signal.SIGTERM, signal.SIGINT})
for c in controllers:
    c.stop()
