"""The DuckDB warehouse: every SQL statement (as .sql files), loads, publishing, queries."""

from warehouse.records import (
    CandidateRecord,
    DigestDelivery,
    LoadCounts,
    MatchRecord,
    RunRecord,
    SavedQuery,
    SkillDemandRow,
    WarehouseError,
)
from warehouse.staging import Staging
from warehouse.store import Reader, Warehouse

__all__ = [
    "CandidateRecord",
    "DigestDelivery",
    "LoadCounts",
    "MatchRecord",
    "Reader",
    "RunRecord",
    "SavedQuery",
    "SkillDemandRow",
    "Staging",
    "Warehouse",
    "WarehouseError",
]
