"""`/api/v1/me`, `/api/v1/users`, `/api/v1/organisations`: who works on the project.

Anyone signed in reads their own account; supervisors list their organisation's people,
the coordinator, auditor and admin everyone. Only an admin creates organisations and
accounts (with the same rules as `pathways user create`).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Request, status
from pydantic import BaseModel, Field

from domain.values import Role
from infra.accounts.model import Account, Language, Organisation
from web.auth import CurrentAccount
from web.dependencies import AccountsDep, AccountServiceDep
from web.problems import PROBLEM_RESPONSES, ProblemError
from web.scope import FORBIDDEN


class NewAccount(BaseModel):
    """An account to create; the password is hashed (argon2id) and never returned."""

    id: str
    display_name: str
    role: Role
    organisation_id: str | None = None
    email: str | None = None
    language: Language = "it"
    password: str | None = Field(default=None, description="At least 12 varied characters")


def _admin_only(account: Account, what: str) -> None:
    if account.role != Role.ADMIN:
        raise ProblemError(FORBIDDEN, f"only an admin may {what}", status=403)


def build_accounts_router() -> APIRouter:
    router = APIRouter(prefix="/api/v1", responses=PROBLEM_RESPONSES, tags=["accounts"])

    @router.get("/me", response_model=Account, summary="The signed-in account")
    async def me(account: CurrentAccount) -> Account:
        return account

    @router.get("/users", response_model=list[Account], summary="Accounts you may see")
    async def users(account: CurrentAccount, store: AccountsDep) -> list[Account]:
        """Your organisation's people for a supervisor; everyone for coordinator, auditor
        and admin; yourself for a caseworker."""
        if account.role == Role.CASEWORKER:
            return [account]
        if account.role == Role.SUPERVISOR:
            return await store.list_accounts(account.organisation_id)
        return await store.list_accounts()

    @router.post(
        "/users",
        response_model=Account,
        status_code=status.HTTP_201_CREATED,
        summary="Create an account (admin)",
    )
    async def create_user(
        request: Request,
        account: CurrentAccount,
        new: Annotated[NewAccount, Body()],
        service: AccountServiceDep,
    ) -> Account:
        _admin_only(account, "create accounts")
        fields = new.model_dump(exclude={"password"})
        return await service.create_account(fields, new.password)

    @router.get(
        "/organisations", response_model=list[Organisation], summary="The partner organisations"
    )
    async def organisations(
        request: Request, account: CurrentAccount, accounts: AccountsDep
    ) -> list[Organisation]:
        return await accounts.list_organisations()

    @router.post(
        "/organisations",
        response_model=Organisation,
        status_code=status.HTTP_201_CREATED,
        summary="Add an organisation (admin)",
    )
    async def create_organisation(
        request: Request,
        account: CurrentAccount,
        organisation: Annotated[Organisation, Body()],
        accounts: AccountsDep,
    ) -> Organisation:
        _admin_only(account, "add organisations")
        await accounts.create_organisation(organisation)
        return organisation

    return router
