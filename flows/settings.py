"""The one settings object. Environment variables are read here and nowhere else.

Precedence, highest first: explicit keyword arguments (the CLI's options), environment
variables (`TPM_MATCH_*`), the optional config file (YAML or TOML, named by
`TPM_MATCH_CONFIG` or `--config`), then the defaults below. Build it once, in the CLI
callback or at the top of a flow, and pass it down.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

import yaml
from pydantic import Field, model_validator
from pydantic_settings import (
    BaseSettings,
    InitSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

ENV_PREFIX = "TPM_MATCH_"


class SettingsError(ValueError):
    """A config file that cannot be read; the message names the file and the problem."""


def read_config_file(path: Path) -> dict[str, Any]:
    """Read a YAML or TOML config file into a dict (an empty file gives {})."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SettingsError(f"{path}: cannot read the config file ({exc.strerror})") from None
    try:
        data = tomllib.loads(text) if path.suffix == ".toml" else yaml.safe_load(text)
    except (tomllib.TOMLDecodeError, yaml.YAMLError) as exc:
        raise SettingsError(f"{path}: not valid {path.suffix.lstrip('.')}: {exc}") from None
    data = data or {}
    if not isinstance(data, dict):
        raise SettingsError(f"{path}: expected a mapping of setting names to values")
    return data.get("tpm_match", data)


class Settings(BaseSettings):
    """Every knob of tpm-match. Paths are relative to the working directory."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="forbid")

    config_file: Path | None = Field(default=None, description="YAML/TOML file of settings")
    warehouse_path: Path = Path("warehouse/tpm.duckdb")
    # the DuckDB storage format the warehouse file is written in: DuckDB this old and newer
    # opens it (warehouse.store.DEFAULT_STORAGE_VERSION; the oldest the schema allows)
    warehouse_storage_version: str = Field(default="v1.0.0", pattern=r"^v\d+\.\d+\.\d+$")
    sources_path: Path = Path("sources.yaml")
    taxonomy_path: Path = Path("skills_taxonomy.yaml")
    scoring_config_path: Path = Path("scoring.yaml")
    work_dir: Path = Path("out")
    reports_dir: Path = Path("reports")
    # scheduling
    schedule_cron: str = "0 2 * * *"
    timezone: str = "UTC"
    prefect_api_url: str | None = None
    # crawling
    # how many sources crawl at once (as crawlers of the one crawl process)
    crawl_concurrency: int = Field(default=2, ge=1)
    # each source's crawl closes after this (CLOSESPIDER_TIMEOUT)
    crawl_timeout_s: float = Field(default=900.0, gt=0)
    # how many times a source that failed is crawled again, alone, in a new crawl
    # process, after crawl_retry_delay_s (doubling after each try). Request retries
    # within a crawl are Scrapy's RETRY_TIMES (crawlers/settings.py).
    crawl_retries: int = Field(default=2, ge=0)
    crawl_retry_delay_s: float = Field(default=10.0, ge=0)
    # a source that failed on each of this many last nights is flagged in the run
    failing_source_nights: int = Field(default=3, ge=1)
    # posting lifecycle (warehouse/lifecycle.py): a board answering with fewer than this
    # share of its open postings keeps them open one night (flagged, run partial)
    min_seen_share: float = Field(default=0.5, ge=0, le=1)
    # an open posting unseen for this many runs (a board failing every night) closes
    close_after_nights: int = Field(default=7, ge=1)
    http_cache: bool = False
    user_agent: str = "tpm-match/0.1 (+https://github.com/tpm-match/tpm-match)"
    # extraction and scoring
    extract_batch_size: int = Field(default=256, ge=1)
    extract_n_process: int = Field(default=1, ge=1)
    top_k: int = Field(default=20, ge=1)
    # scaling out (docs/scaling.md): run the crawl, extraction and scoring units on a Dask
    # cluster: the scheduler at `dask_address` (tcp://HOST:8786), or a local cluster of
    # `dask_workers` worker processes started for the run; neither: in this process
    dask_address: str | None = None
    dask_workers: int | None = Field(default=None, ge=1)
    # seconds to wait for the scheduler in the preflight check
    dask_connect_timeout_s: float = Field(default=10.0, gt=0)
    # postings per extraction task, and per scoring partition (which carries every
    # candidate), on a cluster; the count of each is a multiple of the workers
    extract_task_size: int = Field(default=2000, ge=1)
    score_task_size: int = Field(default=1000, ge=1)
    log_level: str = "INFO"
    # match alerts (flows/alerts.py, docs/profile.md)
    # a match whose score rose by at least this many points is an "improved" event
    alert_improved_points: float = Field(default=10.0, ge=0, le=100)
    # a failed digest delivery is tried again this many times, after alert_retry_delay_s
    # (doubling after each try); it never fails the run
    alert_retries: int = Field(default=3, ge=0)
    alert_retry_delay_s: float = Field(default=30.0, ge=0)
    # False: digests are built and feeds written, but nothing is sent (the demo)
    alert_send: bool = True
    # how many of a candidate's latest events their Atom feed lists
    alert_feed_entries: int = Field(default=50, ge=1)

    @model_validator(mode="after")
    def _one_cluster(self) -> Settings:
        if self.dask_address and self.dask_workers:
            raise ValueError(
                "dask_address and dask_workers both set: give the address of a running "
                "cluster or a number of local workers, not both"
            )
        return self

    @property
    def cache_dir(self) -> Path:
        """Everything that can be rebuilt: deleting it is always safe."""
        return self.work_dir / "cache"

    @property
    def nlp_cache_dir(self) -> Path:
        """Built spaCy pipelines, keyed by the taxonomy's content hash."""
        return self.cache_dir / "nlp"

    @property
    def crawl_cache_dir(self) -> Path:
        """Last night's parse of each board's unchanged raw API objects."""
        return self.cache_dir / "crawl"

    @property
    def feeds_dir(self) -> Path:
        """The candidates' Atom feeds, `<candidate id>.xml`, rewritten by each run."""
        return self.work_dir / "feeds"

    @property
    def digests_dir(self) -> Path:
        """Digests written to files (`tpm-match nightly --demo`)."""
        return self.work_dir / "digests"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        init_kwargs = getattr(init_settings, "init_kwargs", {})
        config = init_kwargs.get("config_file") or os.environ.get(ENV_PREFIX + "CONFIG_FILE")
        if config:
            sources.append(InitSettingsSource(settings_cls, read_config_file(Path(config))))
        return tuple(sources)


def load_settings(**overrides: Any) -> Settings:
    """Build the settings once; `None` overrides are ignored (unset CLI options)."""
    return Settings(**{k: v for k, v in overrides.items() if v is not None})


def environment_value(name: str) -> str | None:
    """The environment variable `name` (the `{env:NAME}` references of notification URLs).

    Read at send time, so a secret is never stored in a profile or the warehouse.
    """
    return os.environ.get(name)
