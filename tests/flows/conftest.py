"""Fixtures of the flow tests: Prefect telemetry off, a temporary Prefect test harness."""

from __future__ import annotations

import os

# Before anything imports Prefect (the Makefile exports these too): no telemetry.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
