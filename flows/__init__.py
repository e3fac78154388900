"""Orchestration: Prefect flows, settings and the `tpm-match` CLI. Nothing imports flows/."""
