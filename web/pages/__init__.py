"""The server-rendered pages for people: Jinja2 templates, htmx, Italian and English.

To add a page: a module here with a `build_…_router()` that makes its router with
`page_router()`, routes that take `account: PageAccount` and return
`render(request, "template.html", **context)`, and one `include_router` line below.
"""

from __future__ import annotations

from fastapi import APIRouter

from web.pages.access_log import build_access_log_router
from web.pages.admin import build_admin_router
from web.pages.approvals import build_approvals_router
from web.pages.attendance_import import build_attendance_import_router
from web.pages.bank_account import build_bank_account_router
from web.pages.budget import build_budget_router
from web.pages.caseload import build_caseload_router
from web.pages.caseload_bulk import build_caseload_bulk_router
from web.pages.caseload_import import build_caseload_import_router
from web.pages.documents import build_documents_pages_router
from web.pages.duplicates import build_duplicates_router
from web.pages.erasure import build_erasure_router
from web.pages.group_activities import build_group_activities_router
from web.pages.history import build_history_router
from web.pages.inbox import build_inbox_router
from web.pages.indicator_downloads import build_indicator_downloads_router
from web.pages.indicators import build_indicators_router
from web.pages.invitation import build_invitation_router
from web.pages.language import build_language_router
from web.pages.my_day import build_my_day_router
from web.pages.opening import build_opening_router
from web.pages.partner_home import build_partner_home_router
from web.pages.partners import build_partners_router
from web.pages.password import build_password_router
from web.pages.password_reset import build_password_reset_router
from web.pages.pathway import build_pathway_router
from web.pages.payments import build_payments_router
from web.pages.policy import build_policy_router
from web.pages.referrals import build_referrals_router
from web.pages.referred_work import build_referred_work_router
from web.pages.render import environments
from web.pages.search import build_search_router
from web.pages.sign_in import build_sign_in_router
from web.pages.subject_access import build_subject_access_router


def build_pages_router() -> APIRouter:
    """Every page; reads the catalogs and builds the template environments now, at startup."""
    environments()
    router = APIRouter(include_in_schema=False)
    router.include_router(build_sign_in_router())
    router.include_router(build_language_router())
    router.include_router(build_password_router())
    router.include_router(build_password_reset_router())
    router.include_router(build_my_day_router())
    router.include_router(build_caseload_router())
    router.include_router(build_opening_router())  # before /pathways/{id}: owns /pathways/new
    router.include_router(build_pathway_router())
    router.include_router(build_documents_pages_router())
    router.include_router(build_approvals_router())
    router.include_router(build_history_router())
    router.include_router(build_erasure_router())
    router.include_router(build_subject_access_router())
    router.include_router(build_inbox_router())
    router.include_router(build_caseload_bulk_router())  # before /team: owns /team/...
    router.include_router(build_caseload_import_router())
    router.include_router(build_attendance_import_router())
    router.include_router(build_group_activities_router())
    router.include_router(build_admin_router())
    router.include_router(build_bank_account_router())
    router.include_router(build_budget_router())
    router.include_router(build_policy_router())
    router.include_router(build_payments_router())
    # before /indicators/{id}: owns /indicators/report
    router.include_router(build_indicator_downloads_router())
    router.include_router(build_indicators_router())
    router.include_router(build_access_log_router())
    router.include_router(build_partners_router())
    router.include_router(build_partner_home_router())
    router.include_router(build_referrals_router())
    router.include_router(build_referred_work_router())
    router.include_router(build_invitation_router())
    router.include_router(build_search_router())
    router.include_router(build_duplicates_router())
    return router
