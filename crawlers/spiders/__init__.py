"""Spiders: `greenhouse`, `lever`, `ashby`, `jsonld`. They only parse; pipelines do the rest."""
