"""Send a digest to one notification URL through Apprise, with retries and backoff.

A URL may hold references instead of secrets: `{env:NAME}` (an environment variable,
read through `flows.settings.environment_value` when the digest is sent) or
`{secret:BLOCK}` (a Prefect Secret block, `prefect.blocks.system.Secret.load(BLOCK)`).
Apprise picks the service from the scheme (`mailto://`, `json://`, `jsons://`,
`slack://`, `msteams://`, ...) and each service gets the digest in its own format: HTML
(e-mail: Apprise adds the text part), Markdown or plain text.

Apprise logs recipients and hosts; its log records are captured and dropped while a
digest is sent, so no address reaches the run's logs. Outcomes and errors name the
target by label (`mailto#1`), never by URL.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from flows.settings import environment_value
from matcher.digest import Digest, render

_REFERENCE_RE = re.compile(r"\{(env|secret):([A-Za-z_][A-Za-z0-9_.-]*)\}")
_SCHEME_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")


class NotifyError(ValueError):
    """A notification URL that cannot be used; the message names the target, not the URL."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """How sending one digest to one target ended."""

    ok: bool
    attempts: int
    error: str | None = None


def target_label(url: str, index: int) -> str:
    """A URL's printable name: its scheme and 1-based position in `alerts.notify`.

    >>> target_label("mailto://user:secret@example.com", 1)
    'mailto#1'
    """
    found = _SCHEME_RE.match(url)
    return f"{found.group(1).lower() if found else 'url'}#{index}"


def prefect_secret(name: str) -> str:
    """The value of the Prefect Secret block `name`."""
    from prefect.blocks.system import Secret

    return str(Secret.load(name).get())


def resolve_references(
    url: str,
    env: Callable[[str], str | None] = environment_value,
    secret: Callable[[str], str] = prefect_secret,
) -> str:
    """`url` with each `{env:NAME}` and `{secret:BLOCK}` replaced by its value.

    >>> resolve_references("json://h/{env:TOKEN}", env={"TOKEN": "t0k"}.get)
    'json://h/t0k'
    """

    def value(found: re.Match[str]) -> str:
        kind, name = found.groups()
        try:
            resolved = env(name) if kind == "env" else secret(name)
        except Exception as exc:  # Prefect's errors vary: name the reference, not the URL
            raise NotifyError(f"{{secret:{name}}}: cannot load the Prefect Secret block") from exc
        if resolved is None:
            raise NotifyError(f"{{env:{name}}}: the environment variable {name} is not set")
        return resolved

    return _REFERENCE_RE.sub(value, url)


@contextmanager
def _apprise_logs_captured() -> Iterator[None]:
    """Apprise's log records go to a discarded buffer, not to the run's log handlers."""
    import apprise
    from apprise.logger import LOGGER_NAME

    logger = logging.getLogger(LOGGER_NAME)
    propagate = logger.propagate
    logger.propagate = False
    try:
        with apprise.LogCapture(level=logging.WARNING):
            yield
    finally:
        logger.propagate = propagate


def _body(digest: Digest, notify_format: str) -> tuple[str, str]:
    """(body, its Apprise format) in the service's own format: html, markdown or text."""
    if notify_format == "html":
        return render(digest, "html"), "html"
    if notify_format == "markdown":
        return render(digest, "md"), "markdown"
    return render(digest, "text"), "text"


def send_digest(
    url: str,
    digest: Digest,
    *,
    retries: int,
    delay_s: float,
    sleep: Callable[[float], None] = time.sleep,
) -> Outcome:
    """Send `digest` to `url`, trying `retries` more times after `delay_s` (doubling)."""
    import apprise

    try:
        resolved = resolve_references(url)
    except NotifyError as exc:
        return Outcome(False, 1, str(exc))
    with _apprise_logs_captured():
        service = apprise.Apprise.instantiate(resolved)
    if service is None:
        scheme = target_label(url, 0).split("#")[0]
        return Outcome(False, 1, f"Apprise cannot use this {scheme}:// URL (see its wiki)")
    body, body_format = _body(digest, str(service.notify_format.value))
    sender = apprise.Apprise()
    sender.add(service)
    attempts = 0
    for attempt in range(retries + 1):
        attempts = attempt + 1
        with _apprise_logs_captured():
            ok = sender.notify(body=body, title=digest.subject, body_format=body_format)
        if ok:
            return Outcome(True, attempts)
        if attempt < retries:
            sleep(delay_s * 2**attempt)
    return Outcome(
        False, attempts, f"the service refused or could not be reached ({attempts} tries)"
    )
