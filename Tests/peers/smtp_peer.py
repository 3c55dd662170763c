#!/usr/bin/env python3
"""A real SMTP peer for Herald's email tests: aiosmtpd behind a throwaway CA.

Starts three servers on 127.0.0.1 and prints one line, `READY <starttls> <implicit> <plain> <ca.pem>`:
  - submission with STARTTLS required and AUTH only after TLS (like port 587),
  - implicit TLS from the first byte with AUTH (like port 465),
  - plain SMTP that offers no STARTTLS at all (to prove credentials are never sent in the clear).
Accepted messages are written to <dir>/<n>.eml; every SMTP command line received is appended to
<dir>/commands.log. The only account is alice / s3cret. Runs until stdin closes or it is killed.
"""
import asyncio
import os
import ssl
import subprocess
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

directory = sys.argv[1]
os.makedirs(directory, exist_ok=True)


def make_ca():
    """A CA and a server certificate for 127.0.0.1 and localhost, made with the openssl CLI."""
    def run(*args):
        subprocess.run(["openssl", *args], check=True, cwd=directory, capture_output=True)

    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=Herald Test CA",
        "-keyout", "ca.key", "-out", "ca.pem")
    with open(os.path.join(directory, "san.ext"), "w") as ext:
        ext.write("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    run("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", "server.key",
        "-out", "server.csr")
    run("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
        "-days", "2", "-extfile", "san.ext", "-out", "server.pem")


class Store:
    count = 0

    async def handle_DATA(self, server, session, envelope):
        Store.count += 1
        path = os.path.join(directory, f"{Store.count}.eml")
        with open(path, "wb") as out:
            out.write(envelope.original_content or envelope.content)
        with open(path + ".envelope", "w") as out:
            out.write(f"from {envelope.mail_from}\n")
            for rcpt in envelope.rcpt_tos:
                out.write(f"to {rcpt}\n")
            out.write(f"tls {server.transport.get_extra_info('ssl_object') is not None}\n")
        return "250 Message accepted for delivery"


def authenticator(server, session, envelope, mechanism, auth_data):
    if isinstance(auth_data, LoginPassword) and auth_data.login == b"alice" and auth_data.password == b"s3cret":
        return AuthResult(success=True)
    return AuthResult(success=False, handled=False)


class LoggingSMTP(SMTP):
    def _log(self, line):
        with open(os.path.join(directory, "commands.log"), "a") as log:
            log.write(line + "\n")

    def _tls(self):
        return self.transport is not None and self.transport.get_extra_info("ssl_object") is not None

    async def smtp_AUTH(self, arg):
        self._log(f"AUTH tls={self._tls()}")
        return await super().smtp_AUTH(arg)

    async def smtp_MAIL(self, arg):
        self._log(f"MAIL tls={self._tls()} auth={self.session.authenticated}")
        return await super().smtp_MAIL(arg)


class LoggingController(Controller):
    def __init__(self, *args, smtp_options=None, **kwargs):
        self.smtp_options = smtp_options or {}
        super().__init__(*args, **kwargs)

    def factory(self):
        return LoggingSMTP(self.handler, **self.smtp_options)


def free_port():
    import socket
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main():
    make_ca()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(os.path.join(directory, "server.pem"), os.path.join(directory, "server.key"))
    starttls = LoggingController(
        Store(), hostname="127.0.0.1", port=free_port(),
        smtp_options=dict(tls_context=context, require_starttls=True, auth_require_tls=True,
                          authenticator=authenticator, hostname="herald-test"))
    implicit = LoggingController(
        Store(), hostname="127.0.0.1", port=free_port(), ssl_context=context,
        smtp_options=dict(authenticator=authenticator, auth_require_tls=False, hostname="herald-test"))
    plain = LoggingController(
        Store(), hostname="127.0.0.1", port=free_port(),
        smtp_options=dict(authenticator=authenticator, auth_require_tls=False, hostname="herald-test"))
    ports = []
    for controller in (starttls, implicit, plain):
        controller.start()
        ports.append(controller.port)
    print("READY", *ports, os.path.join(directory, "ca.pem"), flush=True)
    try:
        sys.stdin.read()
    finally:
        for controller in (starttls, implicit, plain):
            controller.stop()


if __name__ == "__main__":
    main()
