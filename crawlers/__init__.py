"""Scrapy project: spiders that parse job boards into `Posting` items (never the database).

- `crawlers.spiders`: `greenhouse`, `lever`, `ashby`, `jsonld` (`scrapy crawl NAME -a ...`
  from the repository root, where scrapy.cfg points to `crawlers.settings`);
- `crawlers.pipelines`: validation, normalisation, the TPM title filter, dedup;
- `crawlers.sources`: `sources.yaml` (`load_sources`, `Source.key`);
- `crawlers.runner`: `crawl_source` / `crawl_sources` run each spider in a subprocess and
  return `CrawlResult`s (kept, dropped by the filter, rejected with reasons, errors);
- `crawlers.demo_board`: `DemoBoard`, a local server speaking the four formats.
"""
