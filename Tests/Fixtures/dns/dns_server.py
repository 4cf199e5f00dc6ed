#!/usr/bin/env python3
"""A tiny authoritative DNS server for tests (Debian's python3-dnslib), UDP and TCP on one loopback port.

The records come from a JSON file read again on every query, so a test can change them between lookups:
    {"example.test": {"TXT": ["v=spf1 include:_spf.purrpurr.test ~all"]},
     "alias.example.test": {"CNAME": "target.example.test"},
     "broken.example.test": {"RCODE": "SERVFAIL"}}
A name not in the file is NXDOMAIN. TXT values longer than 255 octets are split into several strings, as DNS
hosting panels do. UDP answers over 512 octets are truncated (TC set), so clients must retry over TCP.
Prints "PORT <n>" once both listeners are up.
"""
import argparse
import json
import sys
import time

from dnslib import CNAME, QTYPE, RCODE, RR, TXT
from dnslib.server import BaseResolver, DNSHandler, DNSLogger, DNSServer


class FileResolver(BaseResolver):
    def __init__(self, path):
        self.path = path

    def resolve(self, request, handler):
        reply = request.reply()
        name = str(request.q.qname).rstrip(".").lower()
        with open(self.path) as f:
            entry = json.load(f).get(name)
        if entry is None:
            reply.header.rcode = RCODE.NXDOMAIN
            return reply
        if "RCODE" in entry:
            reply.header.rcode = getattr(RCODE, entry["RCODE"])
            return reply
        qtype = QTYPE[request.q.qtype]
        if qtype == "TXT":
            for value in entry.get("TXT", []):
                chunks = [value[i:i + 255] for i in range(0, len(value), 255)] or [""]
                reply.add_answer(RR(request.q.qname, QTYPE.TXT, rdata=TXT(chunks), ttl=60))
        if "CNAME" in entry and qtype in ("CNAME", "TXT"):
            reply.add_answer(RR(request.q.qname, QTYPE.CNAME, rdata=CNAME(entry["CNAME"]), ttl=60))
        return reply


class TruncatingHandler(DNSHandler):
    udplen = 512


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", required=True)
    args = parser.parse_args()
    resolver = FileResolver(args.records)
    logger = DNSLogger(log="-request,-reply,-truncated,-data,-recv,-send", prefix=False)
    for _ in range(50):  # a free UDP port whose TCP twin may be taken: try another
        udp = DNSServer(resolver, port=0, address="127.0.0.1", handler=TruncatingHandler, logger=logger)
        port = udp.server.server_address[1]
        try:
            tcp = DNSServer(resolver, port=port, address="127.0.0.1", tcp=True, handler=TruncatingHandler, logger=logger)
            break
        except OSError:
            udp.server.server_close()
    else:
        return 1
    udp.start_thread()
    tcp.start_thread()
    print(f"PORT {port}", flush=True)
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    sys.exit(main())
