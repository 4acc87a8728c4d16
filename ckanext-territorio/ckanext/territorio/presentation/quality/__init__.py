"""The quality audit for people: tables, charts, downloads, the PDF and the scoreboard.

Builders here call the quality actions (territorio_quality_summary/show/trend) and the
coverage counts and shape them into tables; the views render them as pages, CSV, JSON,
SVG or PDF. Nothing here knows Flask.
"""
