"""When an open posting closes: the rules of `Staging.load_postings`, and their settings.

The SQL does the work (`warehouse/statements/close_*.sql`, `select_source_presence.sql`,
`select_held_last_time.sql`); this module holds the one decision made in Python, which
sources are *held*:

- a source crawled successfully closes its open postings that the crawl did not see;
- unless it answered with fewer postings than `min_seen_share` of its open ones (an empty
  200 answer, a board half broken): then nothing of it closes tonight, the source is
  *held* (flagged in the run summary and `runs.held_sources`, the run is `partial`);
  if the latest published run (success or partial) that crawled it successfully held it
  too, this second night in a row closes them as usual (a night the board failed, or a
  run that failed, decides nothing);
- any open posting unseen for `close_after_nights` runs (tonight's included) closes,
  whatever its source did (a board failing every night, 404);
- a posting whose source is no longer configured (absent from `source_keys`) closes at
  once, unless it was seen tonight.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class LifecycleRules:
    """The settings of the closing rules (`min_seen_share`, `close_after_nights`).

    `source_keys` are the posting keys of every configured source (sources.yaml); None
    means the caller does not know them, and no posting closes for a removed source.
    """

    min_seen_share: float = 0.5
    close_after_nights: int = 7
    source_keys: frozenset[str] | None = None


@dataclass(frozen=True, slots=True)
class HeldSource:
    """A source whose open postings were kept open: how many were open, how many seen."""

    open: int
    seen: int

    def as_dict(self) -> dict[str, int]:
        """The JSON form stored in `runs.held_sources`."""
        return {"open": self.open, "seen": self.seen}


def held_sources(
    presence: Mapping[str, tuple[int, int]],
    held_last_time: Collection[str],
    min_seen_share: float,
) -> dict[str, HeldSource]:
    """The successfully crawled sources whose open postings stay open tonight.

    `presence` maps each successfully crawled source with open postings to (open before
    tonight, postings crawled tonight); `held_last_time` names the sources that the
    latest run crawling them successfully held already (those close now).

    >>> presence = {"a": (10, 0), "b": (10, 4), "c": (10, 5), "d": (3, 0)}
    >>> sorted(held_sources(presence, {"d"}, 0.5))  # c saw half; d is held a 2nd night
    ['a', 'b']
    >>> held_sources({"a": (1, 0)}, set(), 0.0)  # a share of 0 still holds an empty answer
    {'a': HeldSource(open=1, seen=0)}
    """
    held = {}
    for key, (open_count, seen) in sorted(presence.items()):
        short = seen == 0 or seen < min_seen_share * open_count
        if open_count > 0 and short and key not in held_last_time:
            held[key] = HeldSource(open_count, seen)
    return held


#: The rules with their default settings (no removed-source closing: sources unknown).
DEFAULT_RULES = LifecycleRules()
