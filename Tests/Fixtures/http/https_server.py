"""A TLS HTTP/1.1 server for the HTTP client's tests: Python's http.server behind ssl.

Usage: https_server.py CERT_PEM KEY_PEM PORT_FILE
Listens on 127.0.0.1 (an ephemeral port, written to PORT_FILE once listening), keeps connections alive.
  GET /chunked  -> a chunked body "hello, chunked"
  GET <path>    -> "sni=<server name the client sent> path=<path>", with Content-Length
  POST <path>   -> the request body echoed back
"""
import http.server
import os
import ssl
import sys

cert, key, port_file = sys.argv[1:4]
seen_sni = {}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        if self.path == "/chunked":
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for part in (b"hello, ", b"chunked"):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
            self.wfile.write(b"0\r\n\r\n")
            return
        body = ("sni=%s path=%s" % (seen_sni.get("name"), self.path)).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def remember_sni(sock, name, context):
    seen_sni["name"] = name


context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(cert, key)
context.sni_callback = remember_sni
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.socket = context.wrap_socket(server.socket, server_side=True)
with open(port_file + ".tmp", "w") as out:
    out.write(str(server.server_address[1]))
os.rename(port_file + ".tmp", port_file)
server.serve_forever()
