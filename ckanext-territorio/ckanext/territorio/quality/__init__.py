"""Quality audit: the scoring engine (plain Python) and its storage and aggregation."""
