"""The tool's one network access: GET an address, every way it can fail turned into one problem.

urllib from the standard library is enough for one GET. The timeout bounds the whole exchange: a
server that sends a byte now and then, in its headers or its answer, is as stalled as a silent
one, and only a deadline on the whole catches it (each wait is bounded too, so that the exchange,
given up on, ends). An answer larger than any day's list could be is refused as it comes, not
read whole into memory first.
"""

from __future__ import annotations

import gzip
import http.client
import io
import threading
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from site_src.errors import BuildError, Problem, Source

USER_AGENT = "paper-digest (build.py add --from-hf)"

_ADDRESS = "the API address: --api, or import_api in the content folder's site.yaml"
_HINTS = {
    404: f"is there a list for that day? check the date, and {_ADDRESS}",
    429: "too many requests: wait a while and try again",
}
_OFFLINE_HINT = f"check the network connection, and {_ADDRESS}"


def _failed(url: str, message: str, hint: str) -> BuildError:
    return BuildError([Problem(Source(url), message, hint)])


def _timed_out(url: str, timeout: float) -> BuildError:
    return _failed(url, f"no answer within {timeout:g} s", "try again later, or wait longer with --timeout SECONDS")


MAX_ANSWER = 64 * 2**20
"""The most an answer may hold, in bytes (a day's list is about 100 KB)."""
_PART = 1 << 16


def _body(response: http.client.HTTPResponse, url: str) -> bytes:
    """The answer's body, read as it comes, within `MAX_ANSWER`, whole as its length says; unzipped
    when the server sent it gzipped although not asked to."""
    parts, size = [], 0
    while part := response.read1(_PART):
        size += len(part)
        if size > MAX_ANSWER:
            raise _failed(url, f"the answer is larger than {MAX_ANSWER // 2**20} MB", "is that the daily-papers API?")
        parts.append(part)
    length = response.getheader("Content-Length", "")
    if length.isdigit() and int(length) > size:
        raise _failed(url, f"the connection broke off after {size} of {int(length)} bytes", "try again later")
    data = b"".join(parts)
    if response.getheader("Content-Encoding", "").strip().lower() == "gzip":
        try:
            data = gzip.GzipFile(fileobj=io.BytesIO(data)).read(MAX_ANSWER + 1)
        except (OSError, EOFError):
            raise _failed(url, "the answer says it is gzipped but is not", "try again later") from None
        if len(data) > MAX_ANSWER:
            raise _failed(url, f"the answer is larger than {MAX_ANSWER // 2**20} MB", "is that the daily-papers API?")
    return data


class _WebRedirectsOnly(urllib.request.HTTPRedirectHandler):
    """Redirects followed to http(s) addresses only (urllib would follow one to ftp: too)."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: Any,
        code: int,
        msg: str,
        headers: Any,
        newurl: str,
    ) -> urllib.request.Request | None:
        if urllib.parse.urlsplit(newurl).scheme.lower() not in ("http", "https"):
            raise _failed(req.full_url, f"the server redirected to {newurl!r}", f"only http(s) is followed: {_ADDRESS}")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_OPENER = urllib.request.build_opener(_WebRedirectsOnly)


def fetch(url: str, timeout: float) -> bytes:
    """The body of a 200 answer to a GET within `timeout` seconds in all; raises BuildError, naming
    the address, on anything else. The exchange runs in a thread, given up on at the deadline."""
    outcome: list[bytes | BaseException] = []

    def exchange() -> None:
        try:
            outcome.append(_get(url, timeout))
        except BaseException as error:  # noqa: BLE001 - raised again in the caller's thread
            outcome.append(error)

    worker = threading.Thread(target=exchange, name="fetch", daemon=True)
    worker.start()
    worker.join(timeout)
    if not outcome:
        raise _timed_out(url, timeout)
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return outcome[0]


def _get(url: str, timeout: float) -> bytes:
    """`fetch`, with each wait bounded by `timeout`."""
    headers = {"Accept": "application/json", "User-Agent": USER_AGENT}
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - http(s) only: check_url'ed setting
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            status, reason = response.status, response.reason
            data = _body(response, url)
    except urllib.error.HTTPError as error:
        error.close()
        hint = _HINTS.get(error.code, "the server is in trouble: try again later" if error.code >= 500 else "")
        raise _failed(url, f"the server answered {error.code} {error.reason}", hint) from None
    except urllib.error.URLError as error:
        if isinstance(error.reason, TimeoutError):
            raise _timed_out(url, timeout) from None
        why = error.reason.strerror if isinstance(error.reason, OSError) and error.reason.strerror else error.reason
        raise _failed(url, f"cannot connect: {why}", _OFFLINE_HINT) from None
    except TimeoutError:
        raise _timed_out(url, timeout) from None
    except (OSError, http.client.HTTPException) as error:
        raise _failed(url, f"the connection broke off: {error!r}", "try again later") from None
    if status != 200:
        raise _failed(url, f"the server answered {status} {reason}", "expected 200 OK with the day's list")
    return data
