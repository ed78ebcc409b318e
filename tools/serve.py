#!/usr/bin/env python3
"""Static file server for the browser app (build/wasm/site by default).

Differences from `python3 -m http.server`:
  * cross-origin isolation headers on every response (COOP same-origin, COEP require-corp,
    CORP same-origin), so SharedArrayBuffer / wasm threads are available to the page;
  * correct MIME types for .wasm (application/wasm, needed for streaming compilation), .js,
    .mjs, .daepack, .json;
  * gzip Content-Encoding for .wasm/.js/.daepack/... when the client accepts it (compressed on
    first request, kept in memory per file version);
  * `Cache-Control: no-cache` (the browser revalidates each load, so a rebuilt app is picked
    up at once; unchanged files still answer 304 via Last-Modified);
  * a Content-Security-Policy that allows what the app needs and nothing else (CSP below);
  * nothing outside the site: a path that resolves (through symbolic links or "..") outside
    the served folder is 404, folders are never listed, a NUL byte (%00) in a path is 400;
  * the headers on every response, errors and malformed requests included (a request line
    without a version is answered as HTTP/1.0, never as header-less HTTP/0.9);
  * idle keep-alive connections are closed after 30 s;
  * threaded; binds to 127.0.0.1 only.

Usage: tools/serve.py [--port N] [--bind ADDR] [--dir SITE] [--quiet] [--idle-timeout S]
       (PORT and DAE_SITE_DIR environment variables give the defaults)
"""

import argparse
import email.utils
import gzip
import http.server
import os
import sys
import threading
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# ".data" is Emscripten's preload package; ".ttf" the site's fonts (0.19 MB, 0.11 MB gzipped).
COMPRESSIBLE = {".wasm", ".js", ".mjs", ".daepack", ".data", ".html", ".css", ".json", ".txt",
                ".svg", ".glsl", ".map", ".ttf"}

# What the app needs, and nothing else: its own scripts (no inline code anywhere) and the
# WebAssembly compile ('wasm-unsafe-eval' is the CSP switch for WebAssembly.instantiate, not JS
# eval); its own styles; data packs, fonts and the .wasm fetched from the site; the data: favicon;
# workers (wasm threads) from the site. No plugins, no framing, no <base>, no form posts.
CSP = ("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; "
       "img-src 'self' data: blob:; connect-src 'self'; worker-src 'self' blob:; "
       "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")

_gzip_cache = {}  # path -> (mtime_ns, size, gzipped bytes)
_gzip_lock = threading.Lock()


def gzipped(path, st):
    key = (st.st_mtime_ns, st.st_size)
    with _gzip_lock:
        hit = _gzip_cache.get(path)
        if hit and hit[0] == key:
            return hit[1]
    with open(path, "rb") as f:
        raw = f.read()
    # Large data packs: faster level; the app and small files: better ratio.
    data = gzip.compress(raw, compresslevel=6 if len(raw) < (8 << 20) else 1, mtime=0)
    with _gzip_lock:
        _gzip_cache[path] = (key, data)
    return data


class Handler(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive (Content-Length is always sent)
    default_request_version = "HTTP/1.0"  # errors before the version is read still carry headers
    timeout = 30  # seconds an idle connection stays open (--idle-timeout; set on each socket)
    extensions_map = dict(http.server.SimpleHTTPRequestHandler.extensions_map)
    extensions_map.update({
        ".wasm": "application/wasm",
        ".js": "text/javascript",
        ".mjs": "text/javascript",
        ".json": "application/json",
        ".daepack": "application/octet-stream",
        ".glsl": "text/plain",
        ".html": "text/html; charset=utf-8",
        "": "application/octet-stream",
    })
    quiet = False
    csp = CSP

    def end_headers(self):
        self.send_header("Cross-Origin-Opener-Policy", "same-origin")
        self.send_header("Cross-Origin-Embedder-Policy", "require-corp")
        self.send_header("Cross-Origin-Resource-Policy", "same-origin")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("X-Content-Type-Options", "nosniff")
        if self.csp:
            self.send_header("Content-Security-Policy", self.csp)
        super().end_headers()

    def log_message(self, fmt, *args):
        if not self.quiet:
            super().log_message(fmt, *args)

    def list_directory(self, path):
        self.send_error(404, "File not found")  # never a listing
        return None

    def site_path(self):
        """The file the request names, or None (answered) when it is not to be served."""
        if "\x00" in urllib.parse.unquote(urllib.parse.urlsplit(self.path).path):
            self.send_error(400, "Bad request: NUL in the path")
            return None
        path = self.translate_path(self.path)
        site = os.path.realpath(self.directory)
        real = os.path.realpath(path)
        if real != site and not real.startswith(site + os.sep):
            self.send_error(404, "File not found")  # a link or ".." out of the site
            return None
        return path

    def send_head(self):
        path = self.site_path()
        if path is None:
            return None
        if os.path.isdir(path):
            index = os.path.join(path, "index.html")
            if os.path.isfile(index) and self.path.split("?", 1)[0].endswith("/"):
                path = index
            else:
                return super().send_head()  # redirect to "dir/" or listing
        ext = os.path.splitext(path)[1].lower()
        accepts_gzip = "gzip" in self.headers.get("Accept-Encoding", "").lower()
        if ext not in COMPRESSIBLE or not accepts_gzip or not os.path.isfile(path):
            return super().send_head()
        try:
            st = os.stat(path)
        except OSError:
            self.send_error(404, "File not found")
            return None
        # Conditional GET, as in SimpleHTTPRequestHandler.
        ims = self.headers.get("If-Modified-Since")
        if ims and "If-None-Match" not in self.headers:
            try:
                since = email.utils.parsedate_to_datetime(ims)
                if since is not None and int(st.st_mtime) <= since.timestamp():
                    self.send_response(304)
                    self.send_header("Last-Modified", self.date_time_string(st.st_mtime))
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return None
            except (TypeError, ValueError, OverflowError, IndexError):
                pass
        try:
            data = gzipped(path, st)
        except OSError:
            self.send_error(404, "File not found")
            return None
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Last-Modified", self.date_time_string(st.st_mtime))
        self.end_headers()
        if self.command == "HEAD":
            return None
        try:
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass
        return None


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8080")),
                    help="port (default: $PORT or 8080; 0 picks a free one)")
    ap.add_argument("--bind", default="127.0.0.1", help="address (default 127.0.0.1)")
    ap.add_argument("--dir", default=os.environ.get("DAE_SITE_DIR",
                                                    os.path.join(ROOT, "build", "wasm", "site")),
                    help="folder to serve (default build/wasm/site)")
    ap.add_argument("--quiet", action="store_true", help="no request log")
    ap.add_argument("--idle-timeout", type=float, default=30.0,
                    help="seconds before an idle connection is closed (default 30)")
    ap.add_argument("--no-csp", action="store_true",
                    help="send no Content-Security-Policy (for pages that are not the app: bench/tfjs.mjs)")
    args = ap.parse_args()

    site = os.path.abspath(args.dir)
    if not os.path.isfile(os.path.join(site, "index.html")):
        print(f"serve: {site}/index.html not found; build the app first "
              "(cmake --preset wasm && cmake --build --preset wasm)", file=sys.stderr)
        return 1
    Handler.quiet = args.quiet
    Handler.csp = None if args.no_csp else CSP
    Handler.timeout = args.idle_timeout

    def handler(*a, **kw):
        return Handler(*a, directory=site, **kw)

    try:
        httpd = Server((args.bind, args.port), handler)
    except OSError as e:
        print(f"serve: cannot listen on {args.bind}:{args.port}: {e}", file=sys.stderr)
        return 1
    host, port = httpd.server_address[:2]
    # Machine-readable first line (the e2e harness waits for it).
    print(f"serve: listening on http://{host}:{port}/ (serving {site})", flush=True)
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        httpd.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
