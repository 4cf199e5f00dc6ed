#!/usr/bin/env python3
"""Verifies every DKIM-Signature of the message on stdin with Debian's python3-dkim (dkimpy), an independent
implementation (rsa-sha256, and ed25519-sha256 through python3-nacl). DNS is not asked: the key records are
answered from the arguments.

    dkim_verify.py <selector>._domainkey.<domain> "v=DKIM1; k=rsa; p=<base64>" [<name> <record> ...] < message.eml

Prints "PASS <a=,a=,…>" (the algorithms, top signature first) when every signature verifies, else "FAIL" (and
dkimpy's complaint on stderr); exit status 0 either way, 2 on bad usage.
"""
import logging
import re
import sys

import dkim


def main():
    if len(sys.argv) < 3 or len(sys.argv) % 2 != 1:
        print(__doc__, file=sys.stderr)
        return 2
    records = {sys.argv[i].lower(): sys.argv[i + 1] for i in range(1, len(sys.argv), 2)}
    message = sys.stdin.buffer.read()

    def dnsfunc(name, timeout=5):
        name = name.decode() if isinstance(name, bytes) else name
        record = records.get(name.rstrip(".").lower())
        return record.encode() if record else None

    logging.basicConfig(stream=sys.stderr, level=logging.DEBUG)
    header_block = message.split(b"\r\n\r\n", 1)[0]
    count = len(re.findall(rb"^DKIM-Signature:", header_block, re.IGNORECASE | re.MULTILINE))
    algorithms = []
    for index in range(count):
        verifier = dkim.DKIM(message, logger=logging.getLogger("dkim"))
        try:
            ok = verifier.verify(idx=index, dnsfunc=dnsfunc)
        except dkim.DKIMException as error:
            print(f"dkim: {error}", file=sys.stderr)
            ok = False
        if not ok:
            print("FAIL")
            return 0
        algorithms.append(verifier.signature_fields[b"a"].decode())
    print("PASS " + ",".join(algorithms) if algorithms else "FAIL")
    return 0


if __name__ == "__main__":
    sys.exit(main())
