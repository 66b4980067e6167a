"""Documents that leave the project: the funder report, the indicator tables, and the
expenditure report of the payments (`expenditure_report`).

Rendered alike for the pages (`web.pages.indicator_downloads`) and the CLI (`pathways report`), so
they live beside the pages, not among them: the CLI imports these and no page module
(the `workers-no-pages` contract in pyproject.toml).
"""
