"""A figure read off the indicator pages: a dashboard tile's value, a funder report's cell.

Used by tests/web/test_indicator_filters_report.py on a fixed caseload and by
tests/integration/test_demo_caseload.py on the demo's.
"""

from __future__ import annotations

import re

import httpx


def shown(page: httpx.Response, indicator_id: str) -> str:
    found = re.search(rf'id="value-{indicator_id}">([^<]*)<', page.text)
    assert found is not None, page.text[:2000]
    return found.group(1)


def report_cell(page: str, indicator_id: str, column: str) -> str:
    row = re.search(rf'<tr id="row-{indicator_id}">(.*?)</tr>', page, re.DOTALL)
    assert row is not None, indicator_id
    cell = re.search(rf"<td[^>]*data-{column}>(.*?)</td>", row.group(1), re.DOTALL)
    assert cell is not None, (indicator_id, column)
    return " ".join(cell.group(1).split())
