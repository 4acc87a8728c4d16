"""The memos that spare each search re-parsing its filters keep few values and no moving ones."""
from __future__ import annotations

from ckanext.territorio.search import memo


def test_a_value_is_made_once_and_the_oldest_is_dropped():
    made: list[str] = []
    kept = memo.Memo[str](2)
    for key in ("a", "b", "a", "c", "b"):
        kept.get(key, lambda key=key: made.append(key) or key.upper())
    # "a" was used again before "c" came, so "b" was the oldest and went
    assert made == ["a", "b", "c", "b"]


def test_a_failed_make_keeps_nothing():
    kept = memo.Memo[int](4)

    def fails() -> int:
        raise ValueError("no")

    for _ in range(2):
        try:
            kept.get("x", fails)
        except ValueError:
            pass
    assert kept.get("x", lambda: 7) == 7


def test_date_math_on_now_is_never_kept():
    assert not memo.timeless("metadata_modified:[NOW-1DAY TO NOW]")
    assert not memo.timeless("issued:[* TO now]")
    assert memo.timeless('+capacity:public +permission_labels:("public")')
