#!/usr/bin/env python3
"""tools/serve.py as a client would meet it, over raw sockets: it serves the site and nothing
outside it (a symbolic link or ".." out of the folder is 404, folders are not listed, a NUL in
the path is 400), every answer carries the isolation headers (errors and malformed requests
too), and an idle connection is closed. Run by ctest (native tree) as serve_py."""

import os
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
failures = []


def check(cond, what, detail=""):
    if not cond:
        failures.append(f"{what}\n    {detail[:300]!r}")


def ask(port, raw, wait_close=False):
    """Sends raw bytes, returns the answer (headers and body) as text."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(raw)
        data = b""
        s.settimeout(3)
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
                if not wait_close and b"\r\n\r\n" in data:
                    head, _, body = data.partition(b"\r\n\r\n")
                    length = [l for l in head.split(b"\r\n") if l.lower().startswith(b"content-length:")]
                    if length and len(body) >= int(length[0].split(b":")[1]):
                        break
        except socket.timeout:
            pass
    return data.decode("latin-1")


def start(site, *args):
    """tools/serve.py on a free port: (process, port)."""
    server = subprocess.Popen([sys.executable, os.path.join(ROOT, "tools", "serve.py"), "--port", "0",
                               "--dir", site, "--quiet", *args], stdout=subprocess.PIPE, text=True)
    line = server.stdout.readline()
    return server, int(line.split("http://127.0.0.1:")[1].split("/")[0])


def main():
    with tempfile.TemporaryDirectory() as tmp:
        site, outside = os.path.join(tmp, "site"), os.path.join(tmp, "outside")
        os.makedirs(os.path.join(site, "sub"))
        os.makedirs(outside)
        with open(os.path.join(site, "index.html"), "w") as f:
            f.write("<!doctype html><title>dae</title>")
        with open(os.path.join(site, "sub", "a.txt"), "w") as f:
            f.write("inside")
        with open(os.path.join(outside, "secret.txt"), "w") as f:
            f.write("SECRET")
        os.symlink(os.path.join(outside, "secret.txt"), os.path.join(site, "leak.txt"))
        os.symlink(outside, os.path.join(site, "leakdir"))
        os.symlink(os.path.join("sub", "a.txt"), os.path.join(site, "alias.txt"))  # inside: fine
        server, port = start(site, "--idle-timeout", "1")
        try:
            ok = ask(port, b"GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n")
            check(ok.startswith("HTTP/1.0 200") or ok.startswith("HTTP/1.1 200"), "index.html is served", ok)
            check("Cross-Origin-Embedder-Policy: require-corp" in ok, "a file has the isolation headers", ok)
            check("Content-Security-Policy: default-src 'self'" in ok, "a file has the CSP", ok)
            alias = ask(port, b"GET /alias.txt HTTP/1.1\r\nHost: x\r\n\r\n")
            check(" 200 " in alias.split("\r\n")[0] and alias.endswith("inside"), "a link inside the site is served", alias)
            for path in ["/leak.txt", "/leakdir/secret.txt", "/sub/../../outside/secret.txt",
                         "/%2e%2e/outside/secret.txt"]:
                r = ask(port, f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
                check("SECRET" not in r, f"{path} is not served", r)
                check(" 404 " in r.split("\r\n")[0], f"{path} is 404", r)
            listing = ask(port, b"GET /sub/ HTTP/1.1\r\nHost: x\r\n\r\n")
            check(" 404 " in listing.split("\r\n")[0] and "a.txt" not in listing, "a folder is not listed", listing)
            nul = ask(port, b"GET /index.html%00.txt HTTP/1.1\r\nHost: x\r\n\r\n")
            check(" 400 " in nul.split("\r\n")[0], "a NUL in the path is 400", nul)
            check("Cross-Origin-Opener-Policy: same-origin" in nul, "the 400 has the headers", nul)
            for raw in [b"GARBAGE\r\n\r\n", b"GET / FOO/1\r\n\r\n", b"GET /\r\n\r\n"]:
                r = ask(port, raw, wait_close=True)
                check(r.startswith("HTTP/"), f"{raw!r} gets a status line", r)
                check("Cross-Origin-Opener-Policy: same-origin" in r and "Content-Security-Policy:" in r,
                      f"{raw!r} is answered with the headers", r)
            # An idle connection is closed by the server (here after 1 s).
            with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
                t0 = time.monotonic()
                s.settimeout(10)
                try:
                    closed = s.recv(1) == b""
                except (socket.timeout, ConnectionResetError):
                    closed = False
                check(closed and time.monotonic() - t0 < 8, "an idle connection is closed",
                      f"{time.monotonic() - t0:.1f} s")
        finally:
            server.terminate()
            server.wait(10)
        # --no-csp (bench/tfjs.mjs serves TF.js with it): isolation headers, no CSP.
        server, port = start(site, "--no-csp")
        try:
            r = ask(port, b"GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n")
            check(" 200 " in r.split("\r\n")[0] and "Cross-Origin-Embedder-Policy: require-corp" in r,
                  "--no-csp: served with the isolation headers", r)
            check("Content-Security-Policy" not in r, "--no-csp: no CSP header", r)
        finally:
            server.terminate()
            server.wait(10)
    if failures:
        print("FAILED:\n  " + "\n  ".join(failures))
        return 1
    print("serve.py: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
