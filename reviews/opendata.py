"""The open data of a published cycle as files: CSV (UTF-8 with a BOM, so that Excel reads Thai) and JSON, each
with its data dictionary, and the same document for the API. Rows and descriptions come from reviews.results; this
module only writes them."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from indicators.models import AwardCycle
from reviews.exports import table_csv
from reviews.results import data_dictionary, open_data_rows

DICTIONARY_HEADERS = ("name", "type", "description_th", "description_en")


def _json_value(value: object) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    return value


def open_data_csv(cycle: AwardCycle) -> bytes:
    names, rows = open_data_rows(cycle)
    return table_csv(names, ([row[name] for name in names] for row in rows))


def open_data_document(cycle: AwardCycle) -> dict[str, Any]:
    """The open data as one JSON-ready document: the cycle, the dictionary of the columns and the rows (numbers as
    JSON numbers). The JSON download writes it; the API answers it."""
    names, rows = open_data_rows(cycle)
    return {
        "cycle": cycle.code,
        "name_th": cycle.name_th,
        "name_en": cycle.name_en,
        "published_at": cycle.results_published_at.isoformat() if cycle.results_published_at else None,
        "columns": data_dictionary(cycle),
        "rows": [{name: _json_value(row[name]) for name in names} for row in rows],
    }


def open_data_json(cycle: AwardCycle) -> bytes:
    return json.dumps(open_data_document(cycle), ensure_ascii=False, indent=1).encode()


def dictionary_csv(cycle: AwardCycle) -> bytes:
    entries = data_dictionary(cycle)
    return table_csv(DICTIONARY_HEADERS, ([entry[name] for name in DICTIONARY_HEADERS] for entry in entries))


def dictionary_json(cycle: AwardCycle) -> bytes:
    return json.dumps({"cycle": cycle.code, "columns": data_dictionary(cycle)}, ensure_ascii=False, indent=1).encode()
