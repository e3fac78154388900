"""Item pipelines, one concern per module: validation, normalisation, title filter, dedup."""
