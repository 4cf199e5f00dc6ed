#!/usr/bin/env python3
"""A real SMTP server for the SMTP client tests, on Debian's python3-aiosmtpd.

Binds 127.0.0.1, prints `PORT <n>` on stdout once listening (flushed), serves until SIGTERM/SIGINT.

Options:
  --port N                  port to bind (0: any free port)
  --tls-cert F --tls-key F  a certificate and key: STARTTLS is offered (or used from the first byte with --implicit-tls)
  --implicit-tls            TLS from the first byte (port-465 style); needs --tls-cert/--tls-key
  --require-tls             refuse everything but EHLO/NOOP/QUIT before STARTTLS (530)
  --auth USER:PASS          AUTH PLAIN and LOGIN, required before MAIL
  --auth-mechanisms LIST    offer only these (comma-separated, e.g. LOGIN)
  --maildir DIR             each accepted message is written atomically as DIR/<n>.json (n = 1, 2, ...)
  --tempfail-first N        answer 451 to the first N messages (after the data), then accept
  --reject-rcpt ADDR=CODE:TEXT  refuse RCPT TO:<ADDR> with `CODE TEXT` (repeatable)
  --reject-data CODE:TEXT   answer every message with `CODE TEXT`
  --idle-timeout SECONDS    close a connection that sent nothing for this long (default 300)
  --stall-after WHAT        stop answering at that point: CONNECT (no greeting), a command name (EHLO, MAIL,
                            RCPT, DATA, ...: no reply to it), or MESSAGE (the data is read, no final reply)

Each DIR/<n>.json holds {"mail_from", "rcpt_tos", "data" (the message as text, after un-stuffing),
"data_base64" (its exact bytes), "connection" (1-based number of the TCP connection it came on),
"tls" (whether that connection was encrypted), "auth_user" (the AUTH login or null)}.
"""

import argparse
import asyncio
import base64
import json
import os
import signal
import ssl
import sys
import warnings

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

warnings.simplefilter("ignore")


def parse_reply(text, option):
    code, sep, message = text.partition(":")
    if not sep or not code.isdigit() or len(code) != 3:
        sys.exit(f"{option}: expected CODE:TEXT, got {text!r}")
    return f"{code} {message}".rstrip()


def parse_args():
    parser = argparse.ArgumentParser(description="SMTP test server")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--implicit-tls", action="store_true")
    parser.add_argument("--require-tls", action="store_true")
    parser.add_argument("--auth")
    parser.add_argument("--auth-mechanisms")
    parser.add_argument("--maildir")
    parser.add_argument("--tempfail-first", type=int, default=0)
    parser.add_argument("--reject-rcpt", action="append", default=[])
    parser.add_argument("--reject-data")
    parser.add_argument("--stall-after")
    parser.add_argument("--idle-timeout", type=float, default=300.0)
    args = parser.parse_args()
    if (args.tls_cert is None) != (args.tls_key is None):
        sys.exit("--tls-cert and --tls-key go together")
    if args.implicit_tls and args.tls_cert is None:
        sys.exit("--implicit-tls needs --tls-cert and --tls-key")
    if args.require_tls and args.tls_cert is None:
        sys.exit("--require-tls needs --tls-cert and --tls-key")
    if args.auth is not None and ":" not in args.auth:
        sys.exit("--auth: expected USER:PASS")
    rejections = {}
    for item in args.reject_rcpt:
        address, sep, reply = item.partition("=")
        if not sep:
            sys.exit(f"--reject-rcpt: expected ADDR=CODE:TEXT, got {item!r}")
        rejections[address.lower()] = parse_reply(reply, "--reject-rcpt")
    args.rejections = rejections
    args.data_reply = parse_reply(args.reject_data, "--reject-data") if args.reject_data else None
    args.stall = args.stall_after.upper() if args.stall_after else None
    return args


class State:
    """What the handler shares across connections (one event loop: no locking needed)."""

    def __init__(self, args):
        self.args = args
        self.connections = 0
        self.messages = 0
        self.tempfails_left = args.tempfail_first


async def stall_forever():
    await asyncio.get_running_loop().create_future()


class Handler:
    def __init__(self, state):
        self.state = state

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.state.args.stall == "RCPT":
            await stall_forever()
        reply = self.state.args.rejections.get(address.lower())
        if reply is not None:
            return reply
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        args = self.state.args
        if args.stall == "MESSAGE":
            await stall_forever()
        if args.data_reply is not None:
            return args.data_reply
        if self.state.tempfails_left > 0:
            self.state.tempfails_left -= 1
            return "451 4.7.1 Try again later"
        self.state.messages += 1
        if args.maildir:
            data = envelope.original_content or b""
            auth = session.auth_data.login.decode("utf-8", "replace") if isinstance(
                session.auth_data, LoginPassword) else None
            record = {
                "mail_from": envelope.mail_from,
                "rcpt_tos": list(envelope.rcpt_tos),
                "data": data.decode("utf-8", "replace"),
                "data_base64": base64.b64encode(data).decode("ascii"),
                "connection": server.connection_number,
                "tls": bool(args.implicit_tls or session.ssl is not None),
                "auth_user": auth,
            }
            final = os.path.join(args.maildir, f"{self.state.messages}.json")
            temporary = os.path.join(args.maildir, f".{self.state.messages}.json.tmp")
            with open(temporary, "w", encoding="utf-8") as file:
                json.dump(record, file)
                file.flush()
                os.fsync(file.fileno())
            os.rename(temporary, final)
        return "250 2.0.0 OK queued"


def make_authenticator(credentials):
    user, _, password = credentials.partition(":")
    expected = (user.encode("utf-8"), password.encode("utf-8"))

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == expected
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)

    return authenticator


class TestSMTP(SMTP):
    """aiosmtpd's server plus a connection number and the stall points."""

    state = None

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        TestSMTP.state.connections += 1
        self.connection_number = TestSMTP.state.connections

    async def _handle_client(self):
        if TestSMTP.state.args.stall == "CONNECT":
            await stall_forever()
        await super()._handle_client()


def install_stall(command):
    """Makes `command` never answer (RCPT and MESSAGE stall in the handler instead)."""
    if command in (None, "CONNECT", "RCPT", "MESSAGE"):
        return
    name = "smtp_" + command
    if not hasattr(SMTP, name):
        sys.exit(f"--stall-after: unknown command {command}")

    async def stalled(self, arg):
        await stall_forever()

    setattr(TestSMTP, name, stalled)


async def watch_parent(stop):
    """Stops the server when the process that started it is gone (a killed test run leaves nothing behind)."""
    parent = os.getppid()
    while not stop.done():
        if os.getppid() != parent:
            stop.set_result(None)
            return
        await asyncio.sleep(0.5)


async def main():
    args = parse_args()
    state = State(args)
    TestSMTP.state = state
    install_stall(args.stall)
    if args.maildir:
        os.makedirs(args.maildir, exist_ok=True)

    context = None
    if args.tls_cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.tls_cert, args.tls_key)

    options = dict(
        hostname="smtp.test", data_size_limit=10 * 1024 * 1024, auth_require_tls=False, timeout=args.idle_timeout)
    if args.auth:
        options.update(auth_required=True, authenticator=make_authenticator(args.auth))
        if args.auth_mechanisms:
            offered = {name.strip().upper() for name in args.auth_mechanisms.split(",")}
            known = {name[len("auth_"):] for name in dir(SMTP) if name.startswith("auth_")}
            options.update(auth_exclude_mechanism=sorted(known - offered))
    if context is not None and not args.implicit_tls:
        options.update(tls_context=context, require_starttls=args.require_tls)

    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: TestSMTP(Handler(state), loop=loop, **options),
        host="127.0.0.1",
        port=args.port,
        ssl=context if args.implicit_tls else None,
    )
    port = server.sockets[0].getsockname()[1]
    print(f"PORT {port}", flush=True)

    stop = loop.create_future()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, lambda: stop.done() or stop.set_result(None))
    watcher = loop.create_task(watch_parent(stop))
    await stop
    watcher.cancel()
    server.close()


if __name__ == "__main__":
    # A parent that blocks signals in the spawning thread (Swift test runners do) passes its mask on:
    # unblock everything so SIGTERM works.
    signal.pthread_sigmask(signal.SIG_SETMASK, [])
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, signal.SIG_DFL)
    asyncio.run(main())
