"""The quality audit's fixed terms: rating bands and the keys a summary groups by."""
from __future__ import annotations

# best first; stored on each score and named by the scoring file's bands
RATINGS = ("excellent", "good", "sufficient", "bad")
# territorio_quality_summary's group_by
GROUPINGS = ("organization", "region", "comuna", "dimension")
