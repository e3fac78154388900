"""Retries with exponential backoff that honour `Retry-After` (Scrapy's retry has neither).

Scrapy's RetryMiddleware re-schedules a failed request at once. Here the retry waits
first: `Retry-After` when the response gives one (seconds or an HTTP date), else
`RETRY_BACKOFF_BASE * 2**n` seconds with up to 25% jitter, capped at `RETRY_BACKOFF_MAX`.
The wait is an asyncio sleep (Scrapy's default asyncio reactor), so other requests go on.

A dead board fails fast: a refused connection, a failed DNS lookup or a TLS error is not
retried at all (`is_dead_host`); no backoff would make it answer tonight.
"""

from __future__ import annotations

import asyncio
import random
import ssl
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from OpenSSL.SSL import Error as TLSError
from scrapy import Request
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import CannotResolveHostError, DownloadConnectionRefusedError
from scrapy.http import Response
from scrapy.settings import BaseSettings
from scrapy.utils.response import response_status_message
from twisted.internet.error import ConnectionRefusedError as TxConnectionRefusedError
from twisted.internet.error import DNSLookupError
from twisted.web._newclient import _WrapperException

#: Failures that mean the host is down, unknown or cannot speak TLS with us.
DEAD_HOST = (
    DownloadConnectionRefusedError,
    CannotResolveHostError,
    TxConnectionRefusedError,
    ConnectionRefusedError,
    DNSLookupError,
    TLSError,
    ssl.SSLError,
)


def is_dead_host(exc: BaseException | None) -> bool:
    """True for a refused connection, a failed DNS lookup or a TLS error (also wrapped).

    >>> is_dead_host(DownloadConnectionRefusedError("refused")), is_dead_host(TimeoutError())
    (True, False)
    """
    seen = 0
    while exc is not None and seen < 8:
        if isinstance(exc, DEAD_HOST):
            return True
        if isinstance(exc, _WrapperException):  # Twisted's ResponseNeverReceived & co.
            return any(is_dead_host(reason.value) for reason in exc.reasons)
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


def retry_after_seconds(value: str | bytes | None, now: datetime | None = None) -> float | None:
    """Parse a Retry-After header: delta seconds or an HTTP date; None when absent or bad.

    >>> retry_after_seconds(b"3"), retry_after_seconds("soon")
    (3.0, None)
    >>> now = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)
    >>> retry_after_seconds("Thu, 01 Jan 2026 12:00:10 GMT", now)
    10.0
    """
    if value is None:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if not text:
        return None
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class BackoffRetryMiddleware(RetryMiddleware):
    """RetryMiddleware that sleeps before each retry (backoff or Retry-After)."""

    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        self.backoff_base = settings.getfloat("RETRY_BACKOFF_BASE", 1.0)
        self.backoff_max = settings.getfloat("RETRY_BACKOFF_MAX", 60.0)

    def delay_for(self, request: Request, response: Response | None) -> float:
        """Seconds to wait before retrying `request` (after `response`, if any)."""
        if response is not None:
            hinted = retry_after_seconds(response.headers.get(b"Retry-After"))
            if hinted is not None:
                return min(hinted, self.backoff_max)
        attempt = int(request.meta.get("retry_times", 0))
        delay = self.backoff_base * (2**attempt)
        delay += random.uniform(0, delay / 4)
        return min(delay, self.backoff_max)

    async def _wait_then_retry(
        self, request: Request, reason: str | Exception, response: Response | None
    ) -> Request | None:
        retry = self._retry(request, reason)
        if retry is not None:
            delay = self.delay_for(request, response)
            retry.meta["tpm_retry_delay"] = delay
            self.crawler.stats.inc_value("tpm/retry/wait_seconds", delay)
            if delay > 0:
                await asyncio.sleep(delay)
        return retry

    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response
    ) -> Request | Response:
        """Retry a response whose status is in RETRY_HTTP_CODES, after waiting."""
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        reason = response_status_message(response.status)
        return await self._wait_then_retry(request, reason, response) or response

    async def process_exception(  # type: ignore[override]
        self, request: Request, exception: Exception
    ) -> Request | Response | None:
        """Retry a timeout or a lost connection, after waiting; never a dead host."""
        if is_dead_host(exception):
            self.crawler.stats.inc_value("tpm/retry/dead_host")
            return None
        if isinstance(exception, self.exceptions_to_retry) and not request.meta.get(
            "dont_retry", False
        ):
            return await self._wait_then_retry(request, exception, None)
        return None
