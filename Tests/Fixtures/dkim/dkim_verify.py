#!/usr/bin/env python3
"""Verifies the first DKIM-Signature of the message on stdin with Debian's python3-dkim (dkimpy), an
independent implementation. DNS is not asked: the key record is answered from the arguments.

    dkim_verify.py <selector>._domainkey.<domain> "v=DKIM1; k=rsa; p=<base64>"  < message.eml

Prints PASS or FAIL (and dkimpy's complaint on stderr); exit status 0 either way, 2 on bad usage.
"""
import logging
import sys

import dkim


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    expected, record = sys.argv[1].lower(), sys.argv[2]
    message = sys.stdin.buffer.read()

    def dnsfunc(name, timeout=5):
        name = name.decode() if isinstance(name, bytes) else name
        return record.encode() if name.rstrip(".").lower() == expected else None

    logging.basicConfig(stream=sys.stderr, level=logging.DEBUG)
    verifier = dkim.DKIM(message, logger=logging.getLogger("dkim"))
    try:
        ok = verifier.verify(dnsfunc=dnsfunc)
    except dkim.DKIMException as error:
        print(f"dkim: {error}", file=sys.stderr)
        ok = False
    print("PASS" if ok else "FAIL")
    return 0


if __name__ == "__main__":
    sys.exit(main())
