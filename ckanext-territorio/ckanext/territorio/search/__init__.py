"""Embedded PostgreSQL search backend for CKAN (the default engine)."""
