"""Scrapy project: spiders that parse job boards into `Posting` items (never the database).

- `crawlers.spiders`: one module per board type (`greenhouse`, `lever`, `ashby`,
  `recruitee`, `smartrecruiters`, `workable`, `personio`, `workday`, `jsonld`);
  `registry()` maps each spider's `source_type` to its class;
- `crawlers.pipelines`: validation, normalisation, the TPM title filter, dedup;
- `crawlers.sources`: `sources.yaml` (`load_sources`, `Source.key`);
- `crawlers.runner`: `crawl(sources, out_dir, scrapy_settings, timeout_s)` runs every
  source as a crawler of one `CrawlerProcess` in one child process
  (`crawlers.crawl_process`) and returns a `CrawlResult` per source (kept, dropped by the
  filter, rejected with reasons, errors); `recrawl` retries a failed source alone;
- `crawlers.crawl_cache`: the crawl cache extension (unchanged API objects reuse their
  parse);
- `crawlers.demo_board`: `DemoBoard`, a local server speaking the nine formats.
"""
