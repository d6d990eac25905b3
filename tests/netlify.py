"""netlify.toml as Netlify applies it, so that tests can serve a built site the way Netlify will.

Header rules match as in netlify-cli's emulation (@netlify/headers-parser): "*" at the end of a
rule matches the rest of the path, ":name" one segment, a trailing slash is optional, case does not
matter; when several rules match, a later rule's value wins for a header both set.
"""

from __future__ import annotations

import re
import tomllib
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from site_src.inputs.settings import ROOT

NETLIFY_TOML = ROOT / "netlify.toml"


def load_config() -> dict[str, Any]:
    """netlify.toml, parsed."""
    with NETLIFY_TOML.open("rb") as file:
        return tomllib.load(file)


def rule_pattern(rule: str) -> re.Pattern[str]:
    """The paths a header or redirect rule such as "/assets/*" matches."""
    parts = []
    for part in rule.strip("/").split("/"):
        if part == "*":
            parts.append(".*")
        elif part.startswith(":"):
            parts.append("[^/]+")
        elif part:
            parts.append(re.escape(part))
    return re.compile("^/" + "/".join(parts) + "/?$", re.IGNORECASE)


def headers_for(path: str, config: dict[str, Any]) -> dict[str, str]:
    """The custom headers Netlify sends with `path`, by lower-case name."""
    headers: dict[str, str] = {}
    for rule in config.get("headers", []):
        if rule_pattern(rule["for"]).match(path):
            headers.update({name.lower(): " ".join(value.split()) for name, value in rule["values"].items()})
    return headers


def not_found_page(config: dict[str, Any]) -> str | None:
    """The page a 404 redirect rule for every path serves, such as "/404.html"."""
    for rule in config.get("redirects", []):
        if rule.get("status") == HTTPStatus.NOT_FOUND and rule_pattern(rule["from"]).match("/anything/at/all"):
            return str(rule["to"])
    return None


class NetlifyHandler(SimpleHTTPRequestHandler):
    """Serves a built site with netlify.toml's headers and 404 page."""

    config: dict[str, Any] = load_config()

    def end_headers(self) -> None:
        for name, value in headers_for(unquote(urlsplit(self.path).path), self.config).items():
            self.send_header(name, value)
        super().end_headers()

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = not_found_page(self.config)
        body = Path(self.directory, page.lstrip("/")) if page and code == HTTPStatus.NOT_FOUND else None
        if body is None or not body.is_file():
            super().send_error(code, message, explain)
            return
        data = body.read_bytes()
        self.send_response(code)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        pass
