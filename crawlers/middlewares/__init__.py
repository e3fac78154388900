"""Downloader middlewares of the tpm-match crawlers."""
