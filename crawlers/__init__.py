"""Scrapy project: spiders that parse job boards into `Posting` items (never the database)."""
