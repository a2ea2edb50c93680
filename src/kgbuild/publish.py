"""Publish the built graphs to a SPARQL 1.1 server, then check what the server holds.

Each named graph is sent with the Graph Store HTTP Protocol: PUT replaces the graph (so
publishing again changes nothing) and, for a large graph, POSTs add the rest in chunks.
A server without a graph store gets SPARQL 1.1 Update instead (CLEAR, then INSERT DATA in
chunks, each POSTed directly as application/sparql-update). Afterwards the quads per graph
on the server are counted through SPARQLWrapper and compared with the local store.
Passwords are read from an environment variable and never printed.
"""
from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

from .remote import RemoteError, RemoteStore

CHUNK_LINES = 50_000          # triples per request: bounded memory on both sides
SPARQL_UPDATE = "application/sparql-update"


@dataclass
class PublishResult:
    graphs: int = 0
    triples: int = 0
    method: str = "graph store"
    differences: list[str] = field(default_factory=list)


class _Sender:
    """PUT/POST bodies with optional HTTP authentication. A digest login is negotiated with an
    empty request first: a server that answers 401 to a large body may close the connection
    before the client can retry with the login."""

    def __init__(self, url: str, user: str | None, password: str | None):
        self.user, self.password = user, password
        self.manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        if user:
            self.manager.add_password(None, url, user, password or "")

    def _authorization(self, method: str, url: str) -> str | None:
        probe = urllib.request.Request(url, data=b"", method=method)
        try:
            urllib.request.urlopen(probe, timeout=60).close()
            return None                      # no login asked for
        except urllib.error.HTTPError as exc:
            challenge = exc.headers.get("WWW-Authenticate", "")
            if exc.code != 401 or not challenge:
                return None
        except (urllib.error.URLError, OSError) as exc:
            raise RemoteError(f"{url.split('?')[0]}: cannot reach the server ({getattr(exc, 'reason', exc)})") from None
        scheme, _, rest = challenge.partition(" ")
        if scheme.lower() == "basic":
            import base64
            return "Basic " + base64.b64encode(f"{self.user}:{self.password or ''}".encode()).decode()
        if scheme.lower() == "digest":
            handler = urllib.request.HTTPDigestAuthHandler(self.manager)
            fields = urllib.request.parse_keqv_list(urllib.request.parse_http_list(rest))
            answer = handler.get_authorization(urllib.request.Request(url, method=method), fields)
            return f"Digest {answer}" if answer else None
        return None

    def send(self, method: str, url: str, body: bytes, content_type: str) -> None:
        headers = {"Content-Type": content_type}
        if self.user:
            authorization = self._authorization(method, url)
            if authorization:
                headers["Authorization"] = authorization
        request = urllib.request.Request(url, data=body, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=300) as response:
                response.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read()[:300].decode("utf-8", "replace").strip()
            raise RemoteError(f"{url.split('?')[0]}: HTTP {exc.code} {exc.reason}"
                              + (f": {detail.splitlines()[0]}" if detail else "")) from None
        except (urllib.error.URLError, OSError) as exc:
            # A server may hang up on a large body sent with a wrong login: ask it again
            # with an empty body to tell a refused login from a lost connection.
            if "Authorization" in headers and self._refused(url, headers["Authorization"]):
                raise RemoteError(f"{url.split('?')[0]}: HTTP 401 Unauthorized: the server refused the login") from None
            raise RemoteError(f"{url.split('?')[0]}: cannot reach the server ({getattr(exc, 'reason', exc)})") from None

    def _refused(self, url: str, authorization: str) -> bool:
        # POST with an empty body adds nothing, whatever the answer (a PUT would empty the graph).
        probe = urllib.request.Request(url, data=b"", method="POST", headers={"Authorization": authorization})
        try:
            urllib.request.urlopen(probe, timeout=60).close()
        except urllib.error.HTTPError as exc:
            return exc.code == 401
        except (urllib.error.URLError, OSError):
            return False
        return False


def _chunks(lines: list[bytes]):
    for start in range(0, max(len(lines), 1), CHUNK_LINES):
        yield b"".join(lines[start:start + CHUNK_LINES])


def _graph_url(graph_store: str, graph: str) -> str:
    separator = "&" if "?" in graph_store else "?"
    # Oxigraph and the protocol name the parameter `graph`; Virtuoso's CRUD endpoint `graph-uri`.
    name = "graph-uri" if "graph-crud" in graph_store else "graph"
    return f"{graph_store}{separator}{name}={urllib.parse.quote(graph, safe='')}"


def publish(store, endpoint: str, graph_store: str | None = None, update: str | None = None,
            user: str | None = None, password: str | None = None, progress=None) -> PublishResult:
    """Send every named graph of `store` to the server and compare the counts."""
    result = PublishResult()
    names = store.graph_names()
    sender = _Sender(graph_store or update or endpoint, user, password)
    for graph in names:
        lines = store.sorted_lines([graph])
        # N-Triples lines of the graph (sorted_lines gives N-Quads: drop the graph term).
        triples = [line.rsplit(b" <", 1)[0] + b" .\n" for line in lines]
        if graph_store:
            for i, chunk in enumerate(_chunks(triples)):
                sender.send("PUT" if i == 0 else "POST", _graph_url(graph_store, graph), chunk, "text/turtle")
        else:
            # The update itself is the body (application/sparql-update), not a form field:
            # form-encoding 50,000 triples made each request six times slower on both sides.
            result.method = "update"
            sender.send("POST", update or endpoint, f"CLEAR SILENT GRAPH <{graph}>".encode(), SPARQL_UPDATE)
            for chunk in _chunks(triples):
                if chunk:
                    sender.send("POST", update or endpoint,
                                f"INSERT DATA {{ GRAPH <{graph}> {{\n".encode() + chunk + b"} }", SPARQL_UPDATE)
        result.graphs += 1
        result.triples += len(triples)
        if progress:
            progress(f"published {graph} ({len(triples)} triples)")
    remote = RemoteStore(endpoint, user, password)
    local = store.counts()
    there = remote.counts()
    for graph in names:
        if there.get(graph, 0) != local.get(graph, 0):
            result.differences.append(f"{graph}: {local.get(graph, 0)} quads here, {there.get(graph, 0)} on the server")
    return result
