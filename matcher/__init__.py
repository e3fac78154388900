"""Pure domain code: taxonomy, spaCy extraction, normalisation, profiles, scoring, reports.

No network, no SQL, no settings: text and taxonomy in, typed results out.
"""
