"""What people see: template helpers (``helpers``) and the quality pages' view-models
(``quality``: tables, charts, downloads, the PDF and the scoreboard).

Nothing here knows Flask or runs SQL: builders call the actions and the engines' readers,
the views render what they build.
"""
