"""The tool's one network access: GET an address, every way it can fail turned into one problem.

urllib from the standard library is enough for one GET; the timeout bounds each wait (connecting,
and each read), which is what a dead or stalled server needs.
"""

from __future__ import annotations

import http.client
import urllib.error
import urllib.request

from site_src.errors import BuildError, Problem, Source

USER_AGENT = "paper-digest (build.py add --from-hf)"

_ADDRESS = "the API address: --api, or import_api in content/site.yaml"
_HINTS = {
    404: f"is there a list for that day? check the date, and {_ADDRESS}",
    429: "too many requests: wait a while and try again",
}
_OFFLINE_HINT = f"check the network connection, and {_ADDRESS}"


def _failed(url: str, message: str, hint: str) -> BuildError:
    return BuildError([Problem(Source(url), message, hint)])


def _timed_out(url: str, timeout: float) -> BuildError:
    return _failed(url, f"no answer within {timeout:g} s", "try again later, or wait longer with --timeout SECONDS")


def fetch(url: str, timeout: float) -> bytes:
    """The body of a 200 answer to a GET; raises BuildError, naming the address, on anything else."""
    headers = {"Accept": "application/json", "User-Agent": USER_AGENT}
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - http(s) only: check_url'ed setting
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - as above
            status, reason = response.status, response.reason
            data: bytes = response.read()
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
