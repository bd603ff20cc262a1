"""A DNS server on loopback for the tests that need real UDP lookups (sender authentication,
DNS budgets): it answers TXT queries from a dict."""
from __future__ import annotations

import socket
import threading

import dns.message
import dns.rcode
import dns.rrset


class LoopbackDNS:
    """Answers from `zone` (name -> TXT strings, "servfail" or "drop"). A name not in it gets
    NXDOMAIN, or with `unknown="drop"` no answer at all (a server that never answers); the names
    dropped are kept in `dropped`."""

    def __init__(self, zone: dict, *, unknown: str = "nxdomain") -> None:
        self.zone = zone
        self.unknown = unknown
        self.dropped: list[str] = []
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.running = True
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while self.running:
            try:
                data, peer = self.sock.recvfrom(4096)
            except OSError:
                continue
            query = dns.message.from_wire(data)
            qname = query.question[0].name
            answer = self.zone.get(qname.to_text(omit_final_dot=True).lower(), self.unknown)
            if answer == "drop":
                self.dropped.append(qname.to_text())
                continue
            response = dns.message.make_response(query)
            if answer == "servfail":
                response.set_rcode(dns.rcode.SERVFAIL)
            elif answer == "nxdomain":
                response.set_rcode(dns.rcode.NXDOMAIN)
            else:
                response.answer.append(dns.rrset.from_text(qname, 300, "IN", "TXT", *answer))
            self.sock.sendto(response.to_wire(), peer)

    def close(self) -> None:
        self.running = False
        self.thread.join()
        self.sock.close()
