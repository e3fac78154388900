"""Alternative groups: concepts one clause lists as "any one of them".

"PMP or PgMP certification", "AWS, Azure or GCP", "Jira/Confluence", "one of Python, Go
or Java" and "tools such as Jira, Asana, or similar" each ask for one concept out of a
list; "PMP and CSM", "Jira, Confluence and Slack" and separate list items ask for each.

Two concept spans next to each other in one sentence form a list when only joiners and
fillers (`cues.yaml`, `alternatives`) stand between them. A list's "or" joiners make
alternatives; an undecided comma takes the kind of the next joiner to its right, else an
"or" closer after the last member ("or similar", "etc.") or an example opener before the
first ("such as", when the list ends at its last member) makes it "or". An opener such
as "one of" or "either" makes the whole list alternatives. A required concept and a
preferred one never share a group, and a slash list that runs on past its concepts
("scope/tradeoffs/dependencies/release readiness") is a list of duties, not
alternatives.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from matcher.cues import AlternativeCues, fold


@dataclass(frozen=True, slots=True)
class Member:
    """One concept mention: where it is, its sentence, and whether it is required."""

    start: int
    end: int
    sentence_start: int
    sentence_end: int
    required: bool


def resolve(joiners: Sequence[str], *, default: str, every_or: bool = False) -> list[str]:
    """Each joiner as "or" or "and": a comma takes the next joiner's kind, else `default`.

    >>> resolve([",", "or"], default="and"), resolve([",", "and"], default="or")
    (['or', 'or'], ['and', 'and'])
    >>> resolve(["or", ","], default="and"), resolve([","], default="and", every_or=True)
    (['or', 'and'], ['or'])
    """
    if every_or:
        return ["or"] * len(joiners)
    out: list[str] = []
    current = default
    for joiner in reversed(joiners):
        if joiner != ",":
            current = joiner
        out.append(current)
    return out[::-1]


def _chains(
    text: str, members: Sequence[Member], cues: AlternativeCues
) -> list[tuple[list[int], list[str]]]:
    """Runs of member indexes that form one list, each with the joiners between members."""
    chains: list[tuple[list[int], list[str]]] = []
    for i, member in enumerate(members):
        prev = members[i - 1] if i else None
        between = text[prev.end : member.start] if prev is not None else ""
        joiner = (
            cues.joiner(between)
            if prev is not None
            and prev.sentence_start == member.sentence_start
            and prev.required == member.required
            and prev.end <= member.start
            and "\n" not in between
            else None
        )
        if joiner is None:
            chains.append(([i], []))
        else:
            chains[-1][0].append(i)
            chains[-1][1].append(joiner)
    return chains


def alternative_groups(
    text: str, members: Sequence[Member], cues: AlternativeCues
) -> list[int | None]:
    """The alternative group of each member (1, 2, ... in order), None when it stands alone.

    `members` are in text order; `text` is the text their offsets point into.

    >>> from matcher.cues import load_cues
    >>> alt = load_cues().alternatives
    >>> text = "AWS, Azure or GCP. PMP and CSM."
    >>> spans = [(0, 3), (5, 10), (14, 17), (19, 22), (27, 30)]
    >>> alternative_groups(text, [Member(s, e, 0, 18, True) for s, e in spans[:3]]
    ...     + [Member(s, e, 19, 31, True) for s, e in spans[3:]], alt)
    [1, 1, 1, None, None]
    """
    groups: list[int | None] = [None] * len(members)
    number = 0
    for chain, joiners in _chains(text, members, cues):
        if len(chain) < 2:
            continue
        first, last = members[chain[0]], members[chain[-1]]
        before = fold(text[first.sentence_start : first.start])
        after = fold(text[last.end : last.sentence_end])
        if cues.run_on_before.search(before) or cues.run_on_after.match(after):
            continue
        examples = cues.example_openers.search(before) and cues.list_end.match(after)
        or_list = bool(cues.closers.match(after) or examples)
        kinds = resolve(
            joiners,
            default="or" if or_list else "and",
            every_or=bool(cues.openers.search(before)),
        )
        run_open = False
        for k, kind in enumerate(kinds):
            if kind != "or":
                run_open = False
                continue
            if not run_open:
                number += 1
                run_open = True
                groups[chain[k]] = number
            groups[chain[k + 1]] = number
    return groups


def renumber(groups: Sequence[int | None]) -> list[int | None]:
    """Drop groups left with one member and number the others 1, 2, ... in order.

    >>> renumber([3, None, 5, 3, 7, 5])
    [1, None, 2, 1, None, 2]
    """
    sizes: dict[int, int] = {}
    for group in groups:
        if group is not None:
            sizes[group] = sizes.get(group, 0) + 1
    numbers: dict[int, int] = {}
    out: list[int | None] = []
    for group in groups:
        if group is None or sizes[group] < 2:
            out.append(None)
        else:
            out.append(numbers.setdefault(group, len(numbers) + 1))
    return out
