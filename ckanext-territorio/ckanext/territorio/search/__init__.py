"""The territorio_search plugin: CKAN's search on PostgreSQL (plugin.py), usable on its own."""
