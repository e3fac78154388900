"""Spider arguments: default hosts named after the board, `api_base`, required fields."""

from __future__ import annotations

import pytest

from crawlers.spiders import registry


@pytest.mark.parametrize(
    ("kind", "args", "base"),
    [
        ("recruitee", {"company": "acme"}, "https://acme.recruitee.com"),
        ("personio", {"company": "acme"}, "https://acme.jobs.personio.de"),
        ("smartrecruiters", {"company": "Acme"}, "https://api.smartrecruiters.com"),
        ("workable", {"account": "acme"}, "https://apply.workable.com"),
        (
            "workday",
            {"tenant": "acme", "site": "Ext", "host": "acme.wd1.myworkdayjobs.com"},
            "https://acme.wd1.myworkdayjobs.com",
        ),
    ],
)
def test_default_hosts_and_api_base(kind: str, args: dict[str, str], base: str) -> None:
    spider = registry()[kind]
    assert spider(**args).api_base == base
    assert spider(**args, api_base="http://127.0.0.1:8/x/").api_base == "http://127.0.0.1:8/x"
    assert spider(**args).board == spider.board_key(args)
    with pytest.raises(ValueError, match=f"the {kind} spider needs"):
        spider(**{k: v for k, v in args.items() if k != spider.board_args()[-1]})
