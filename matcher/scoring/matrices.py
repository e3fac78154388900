"""The matrices behind all-pairs scoring (see matcher/scoring/kernel.py for the kernel).

Candidates: their options per concept (`scoring.options`: the best credit per concept,
whether they meet it, and per-concept option lists with years), and one-hot "groups" for
the context components: candidates with the same total years share a years group, the
same (degree rank, field) a degree group, and so on. Postings: the asks as units
(`scoring.units`); a unit of one ask without years goes into the coverage matrix,
pre-scaled by component weight and total; the others ("special": alternative groups and
asks with years) are kept as member rows the kernel scores over the options. Then the
credential-penalty coefficients and the context attributes. Every posting-side value
comes from `scoring.posting_asks` and the same helpers `scoring.score_pair` uses.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from matcher.models import Extraction, Posting
from matcher.profile import CandidateFacts
from matcher.scoring.config import LOCATION_CASES, REMOTE_PREFS, ScoringConfig
from matcher.scoring.options import CandidateOptions, ask_columns, build_options, penalty_columns
from matcher.scoring.pair import AskRow, annual_amount, field_match, place_matches
from matcher.taxonomy import Taxonomy

MODE_REMOTE, MODE_ONSITE, MODE_UNKNOWN, MODE_NONE = 0, 1, 2, -1
#: The context components, in the order their groups sit in the one-hot matrices.
CONTEXT: tuple[str, ...] = ("years", "degree", "level", "location", "salary")


@dataclass(slots=True)
class Space:
    """Indexes shared by both sides: concept ids, credential categories, currencies."""

    concepts: dict[str, int]
    categories: dict[str, int]
    credential_category: dict[str, str]
    currencies: dict[str, int]


@dataclass(slots=True)
class FlatAsks:
    """Every posting's ask rows (`scoring.posting_ask_rows`) as columns, posting by posting."""

    post: np.ndarray  # the posting index of each ask
    concept_id: tuple[str, ...]
    kind: tuple[str, ...]
    category: tuple[str, ...]
    required: np.ndarray  # bool
    weight: np.ndarray
    years: np.ndarray  # NaN: no years asked
    softened: np.ndarray  # bool
    group: tuple[int | None, ...] = ()


def flatten_asks(asks: Sequence[Sequence[AskRow]]) -> FlatAsks:
    """The columns of all postings' ask rows, in posting order then ask order."""
    lens = np.fromiter((len(rows) for rows in asks), np.int64, len(asks))
    flat = [row for rows in asks for row in rows]
    if not flat:
        empty = np.zeros(0)
        return FlatAsks(np.zeros(0, np.int64), (), (), (), empty > 0, empty, empty, empty > 0)
    cid, _name, kind, category, required, weight, years, _evidence, softened, group = zip(
        *flat, strict=True
    )
    return FlatAsks(
        post=np.repeat(np.arange(len(asks)), lens),
        concept_id=cid,
        kind=kind,
        category=category,
        required=np.fromiter(map(bool, required), bool, len(flat)),
        weight=np.array(weight, dtype=float),
        years=np.array([np.nan if y is None else y for y in years], dtype=float),
        softened=np.fromiter(map(bool, softened), bool, len(flat)),
        group=group,
    )


def build_space(
    candidates: Sequence[CandidateFacts],
    postings: Sequence[tuple[Posting, Extraction]],
    flat: FlatAsks,
    taxonomy: Taxonomy,
) -> Space:
    """Index the taxonomy's concepts (plus any unknown ids), categories and currencies."""
    ids = [c.id for c in taxonomy.concepts]
    extra = {cid for c in candidates for cid in c.concepts}
    extra.update(flat.concept_id)
    ids += sorted(i for i in extra if i not in taxonomy.by_id)
    cred = {c.id: c.category for c in taxonomy.concepts if c.kind == "credential"}
    for cid, kind, category in zip(flat.concept_id, flat.kind, flat.category, strict=True):
        if kind == "credential":
            cred.setdefault(cid, category)
    currencies = {(c.salary_currency or "").upper() for c in candidates}
    currencies |= {(p.salary_currency or "").upper() for p, _ in postings}
    currencies.discard("")
    return Space(
        concepts={cid: n for n, cid in enumerate(ids)},
        categories={k: n for n, k in enumerate(sorted(set(cred.values())))},
        credential_category=cred,
        currencies={k: n for n, k in enumerate(sorted(currencies))},
    )


def index_of(values: Sequence[object]) -> tuple[list, np.ndarray]:
    """Unique values in first-seen order and each value's index into them."""
    uniq: dict[object, int] = {}
    idx = np.fromiter((uniq.setdefault(v, len(uniq)) for v in values), np.int64, len(values))
    return list(uniq), idx


def _nan(value: float | None) -> float:
    return np.nan if value is None else float(value)


@dataclass(slots=True)
class CandidateMatrix:
    ids: list[str]
    options: CandidateOptions
    z_cov: np.ndarray  # n_concepts x n_c: the best base credit per concept, transposed
    z_ctx: np.ndarray  # (n_groups + 1) x n_c: one-hot context groups, then ones
    #: ones; total years known; level known; per currency: desired salary known in it
    z_den: np.ndarray
    #: meets (n_concepts), credential category held (n_categories), meets and its
    #: credential's category held (n_concepts): rows, candidates as columns
    z_pen: np.ndarray
    #: per context component: the groups' attributes (columns of a 2-D array)
    groups: dict[str, np.ndarray]
    fields: list[str | None]
    locations: list[str | None]


def build_candidates(
    candidates: Sequence[CandidateFacts], space: Space, taxonomy: Taxonomy, config: ScoringConfig
) -> CandidateMatrix:
    """The candidate-side matrices and context groups."""
    n, m = len(candidates), len(space.concepts)
    options = build_options(candidates, space.concepts, taxonomy, config)
    cat_held = np.zeros((n, len(space.categories)))
    for i, c in enumerate(candidates):
        for cid in c.concepts:
            if cid in space.credential_category:
                cat_held[i, space.categories[space.credential_category[cid]]] = 1.0
    cred_cat = np.full(m, -1, np.int64)
    for cid, cat in space.credential_category.items():
        cred_cat[space.concepts[cid]] = space.categories[cat]
    picked = cat_held[:, np.maximum(cred_cat, 0)] if space.categories else np.zeros((n, m))
    meets_cat = options.meets * np.where(cred_cat >= 0, picked, 0.0)
    fields, field_idx = index_of([c.degree_field for c in candidates])
    locations, loc_idx = index_of([c.location for c in candidates])
    ranks = config.degree.ranks
    attrs: dict[str, list[tuple[float, ...]]] = {k: [] for k in CONTEXT}
    for i, c in enumerate(candidates):
        cur = space.currencies.get((c.salary_currency or "").upper(), -1)
        desired = annual_amount(c.salary_min, c.salary_period, config) if cur >= 0 else None
        attrs["years"].append((_nan(c.total_years),))
        attrs["degree"].append((float(ranks.get(c.degree_level, 0)), float(field_idx[i])))  # type: ignore[call-overload]
        attrs["level"].append((_nan(c.level_rank),))
        attrs["location"].append((float(REMOTE_PREFS.index(c.remote_pref)), float(loc_idx[i])))
        attrs["salary"].append((_nan(desired), float(cur)))
    blocks, groups, group_idx = [], {}, {}
    for name in CONTEXT:
        rows = attrs[name]
        keys, idx = index_of(keys_of(rows))  # repr keys: NaN shares one group
        first: dict[object, tuple[float, ...]] = {}
        for row, key in zip(rows, keys_of(rows), strict=True):
            first.setdefault(key, row)
        groups[name] = np.array([first[k] for k in keys], dtype=float).reshape(len(keys), -1)
        onehot = np.zeros((len(keys), n))
        onehot[idx, np.arange(n)] = 1.0
        blocks.append(onehot)
        group_idx[name] = idx
    idx_years, idx_level, idx_salary = (group_idx[k] for k in ("years", "level", "salary"))
    ones = np.ones((1, n))
    sal = groups["salary"][idx_salary]
    known = [
        ~np.isnan(groups["years"][idx_years][:, 0]),
        ~np.isnan(groups["level"][idx_level][:, 0]),
        *[(sal[:, 1] == cur) & (np.nan_to_num(sal[:, 0]) > 0) for cur in space.currencies.values()],
    ]
    return CandidateMatrix(
        ids=[c.candidate_id for c in candidates],
        options=options,
        z_cov=np.ascontiguousarray(options.eff.T),
        z_ctx=np.ascontiguousarray(np.vstack([*blocks, ones])),
        z_den=np.vstack([ones, np.array(known, dtype=float).reshape(len(known), n)]),
        z_pen=np.ascontiguousarray(np.vstack([options.meets.T, cat_held.T, meets_cat.T])),
        groups=groups,
        fields=fields,
        locations=locations,
    )


def keys_of(rows: list[tuple[float, ...]]) -> list[tuple[str, ...]]:
    """The grouping key of each attribute row (repr, so that NaN equals NaN)."""
    return [tuple(repr(v) for v in t) for t in rows]


@dataclass(slots=True)
class PostingMatrix:
    ids: list[str]
    cov: sp.csr_matrix  # n_p x n_concepts: unit weight * component weight / total
    num_const: np.ndarray  # required credit when nothing is required, times its weight
    den_base: np.ndarray  # required weight (+ preferred weight when preferred asks exist)
    # members of the special units (groups, asks with years), ordered by posting
    s_post: np.ndarray
    s_unit: np.ndarray  # index into su_post / su_scale
    s_concept: np.ndarray
    s_years: np.ndarray  # NaN: no years asked
    su_post: np.ndarray
    su_scale: np.ndarray
    pen: sp.csr_matrix  # n_p x rows of `CandidateMatrix.z_pen`
    pen_const: np.ndarray
    # required credential groups, ordered by posting: penalty base, member concepts and
    # credential categories (indexes into `CandidateMatrix.z_pen` rows)
    g_post: np.ndarray
    g_base: np.ndarray
    g_members: list[np.ndarray]
    g_cats: list[np.ndarray]
    years_ask: np.ndarray
    degree_rank: np.ndarray
    degree_short: np.ndarray
    fieldset_idx: np.ndarray
    fieldsets: list[tuple[str, ...]]
    level_rank: np.ndarray
    mode: np.ndarray
    loc_idx: np.ndarray
    locations: list[str | None]
    salary_top: np.ndarray
    currency: np.ndarray


def build_postings(
    postings: Sequence[tuple[Posting, Extraction]],
    flat: FlatAsks,
    space: Space,
    taxonomy: Taxonomy,
    config: ScoringConfig,
) -> PostingMatrix:
    """The posting-side matrices (asks from `scoring.posting_ask_rows`, see `flatten_asks`)."""
    n, m = len(postings), len(space.concepts)
    u, num_const, den_base = ask_columns(flat, n, space, config)
    pen, pen_const, (g_post, g_base, g_members, g_cats) = penalty_columns(flat, u, n, space, config)
    plain = np.nonzero(~u.special)[0]
    special = np.nonzero(u.special)[0]
    su_of = np.full(u.first.size, -1, np.int64)
    su_of[special] = np.arange(special.size)
    s_rows = np.nonzero(u.special[u.unit])[0]  # asks of special units, in posting order
    dcfg = config.degree
    deg_rank, deg_short, fieldsets, levels, modes, locs, tops, curr = ([] for _ in range(8))
    for posting, ext in postings:
        d = ext.degree
        if d is not None and d.level in dcfg.ranks:
            short = dcfg.missing_credit
            short = max(short, dcfg.or_equivalent_credit) if d.or_equivalent else short
            short = max(short, dcfg.preferred_missing_credit) if not d.required else short
            deg_rank.append(float(dcfg.ranks[d.level]))  # type: ignore[index]
            deg_short.append(short)
            fieldsets.append(tuple(f for f in d.fields if f))
        else:
            deg_rank.append(np.nan), deg_short.append(0.0), fieldsets.append(())
        lv = taxonomy.by_id.get(ext.level) if ext.level else None
        levels.append(np.nan if lv is None or lv.rank is None else float(lv.rank))
        if posting.remote is None:
            modes.append(MODE_UNKNOWN if posting.location else MODE_NONE)
        else:
            modes.append(MODE_REMOTE if posting.remote else MODE_ONSITE)
        locs.append(posting.location)
        top = posting.salary_max if posting.salary_max is not None else posting.salary_min
        tops.append(_nan(annual_amount(top, posting.salary_period, config)))
        curr.append(space.currencies.get((posting.salary_currency or "").upper(), -1))
    fs_list, fs_idx = index_of(fieldsets)
    loc_list, loc_idx = index_of(locs)
    asked = [ext.min_years_experience for _, ext in postings]
    return PostingMatrix(
        ids=[p.id for p, _ in postings],
        cov=sp.csr_matrix((u.scale[plain], (u.post[plain], u.j[u.first[plain]])), shape=(n, m)),
        num_const=num_const,
        den_base=den_base,
        s_post=flat.post[s_rows],
        s_unit=su_of[u.unit[s_rows]],
        s_concept=u.j[s_rows],
        s_years=flat.years[s_rows],
        su_post=u.post[special],
        su_scale=u.scale[special],
        pen=pen,
        pen_const=pen_const,
        g_post=g_post,
        g_base=g_base,
        g_members=g_members,
        g_cats=g_cats,
        years_ask=np.array([y if y is not None and y > 0 else np.nan for y in asked], float),
        degree_rank=np.array(deg_rank, float),
        degree_short=np.array(deg_short, float),
        fieldset_idx=fs_idx,
        fieldsets=fs_list,
        level_rank=np.array(levels, float),
        mode=np.array(modes, dtype=np.int64),
        loc_idx=loc_idx,
        locations=loc_list,
        salary_top=np.array(tops, float),
        currency=np.array(curr, dtype=np.int64),
    )


@dataclass(slots=True)
class Tables:
    """Lookups between candidate-side and posting-side values."""

    field_ok: np.ndarray  # n_cand_fields x n_fieldsets (bool)
    place: np.ndarray  # n_cand_locations x n_posting_locations (bool)
    location: np.ndarray  # n_prefs x n_cases
    level: np.ndarray


def build_tables(cm: CandidateMatrix, pm: PostingMatrix, config: ScoringConfig) -> Tables:
    """Field matches and place matches per unique value pair, and the credit tables."""
    field_ok = np.array(
        [[not fs or field_match(f, list(fs)) for fs in pm.fieldsets] for f in cm.fields], bool
    ).reshape(len(cm.fields), len(pm.fieldsets))
    place = np.array(
        [[place_matches(a, b) for b in pm.locations] for a in cm.locations], bool
    ).reshape(len(cm.locations), len(pm.locations))
    loc = np.array([[config.location.credit(p, c) for c in LOCATION_CASES] for p in REMOTE_PREFS])
    return Tables(field_ok, place, loc, np.array(config.level.credit_by_distance, float))
