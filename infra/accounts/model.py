"""What an account is, and the checks a new one passes before anything is stored."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal, get_args

from pydantic import Field, StringConstraints, field_validator, model_validator

from domain.values import Actor, Frozen, Identifier, Role

Language = Literal["it", "en"]
LANGUAGES: tuple[Language, ...] = get_args(Language)

SCOPED_ROLES = frozenset({Role.CASEWORKER, Role.SUPERVISOR})
"""Roles that act within one organisation; the others see the whole project."""

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024
"""The sign-in form refuses longer ones before hashing (argon2 is slow on purpose)."""

COMMON_WORDS = frozenset(
    (
        "password",
        "passw0rd",
        "pass",
        "passwort",
        "parola",
        "parolachiave",
        "motdepasse",
        "contraseña",
        "qwerty",
        "qwertyuiop",
        "qwertz",
        "azerty",
        "asdfgh",
        "asdfghjkl",
        "zxcvbn",
        "zxcvbnm",
        "letmein",
        "welcome",
        "welcomeback",
        "benvenuto",
        "benvenuti",
        "admin",
        "administrator",
        "amministratore",
        "root",
        "login",
        "accesso",
        "changeme",
        "iloveyou",
        "tiamo",
        "monkey",
        "dragon",
        "football",
        "calcio",
        "baseball",
        "sunshine",
        "princess",
        "trustno1",
        "master",
        "secret",
        "segreto",
        "abc",
        "abcdef",
        "abcdefgh",
        "abcdefghijkl",
        "test",
        "prova",
        "default",
        "guest",
        "user",
        "utente",
        "pathways",
        "percorso",
        "percorsi",
        "refugee",
        "rifugiato",
    )
)
"""What a common password is made of, once its digits and symbols are set aside."""

_RUNS = ("0123456789" * 2, "abcdefghijklmnopqrstuvwxyz", "qwertyuiopasdfghjklzxcvbnm")


class AccountError(Exception):
    """A refused account operation, with a stable code (the same shape as domain errors)."""

    def __init__(self, code: str, detail: str, field: str | None = None) -> None:
        super().__init__(f"{code}: {detail}")
        self.code, self.detail, self.field = code, detail, field


ACCOUNT_ERROR_CODES: dict[str, str] = {
    "invalid_account": "The account's details are invalid",
    "weak_password": "The password is too weak",
    "wrong_password": "The current password is not right",
    "account_exists": "An account with this id already exists",
    "account_not_found": "No such account",
    "organisation_not_found": "No such organisation",
    "organisation_exists": "An organisation with this id already exists",
    "invalid_organisation": "The organisation's details are invalid",
}


class Organisation(Frozen):
    """A partner organisation of the project: its caseworkers and supervisors belong to it."""

    id: Identifier
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class Account(Frozen):
    """A person who signs in. Never holds the password, only what is safe to show."""

    id: Identifier
    display_name: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)
    ]
    role: Role
    organisation_id: Identifier | None = None
    """The organisation a caseworker or supervisor works for; optional for the others."""
    email: str | None = Field(default=None, max_length=254)
    language: Language = "it"
    active: bool = True
    created_at: datetime | None = None
    contact_id: Identifier | None = None
    """The partner contact a partner account is bound to; None for the staff."""

    @field_validator("role")
    @classmethod
    def _people_only(cls, role: Role) -> Role:
        if role == Role.SYSTEM:
            raise ValueError("the system role is not for people")
        return role

    @field_validator("email")
    @classmethod
    def _email(cls, email: str | None) -> str | None:
        if email is None:
            return None
        local, at, domain = email.partition("@")
        if not (local and at and domain) or "@" in domain or any(c.isspace() for c in email):
            raise ValueError("not an e-mail address")
        return email

    @model_validator(mode="after")
    def _organisation_for_scoped_roles(self) -> Account:
        if self.role in SCOPED_ROLES and self.organisation_id is None:
            raise ValueError(f"a {self.role} belongs to an organisation: give organisation_id")
        if (self.role == Role.PARTNER) != (self.contact_id is not None):
            raise ValueError("a partner account, and only one, is bound to a partner contact")
        return self

    @property
    def actor(self) -> Actor:
        """The actor this person's commands are recorded as."""
        return Actor(id=self.id, role=self.role)


def check_password(password: str, account_id: str) -> None:
    """Refuse a password that is short or overlong, of too few characters, the account id,
    a common password with digits or symbols around it, or a run of the keyboard.

    Raises:
        AccountError: `weak_password`.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            "weak_password", f"use at least {MIN_PASSWORD_LENGTH} characters", "password"
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError(
            "weak_password", f"use at most {MAX_PASSWORD_LENGTH} characters", "password"
        )
    if len(set(password)) < 4 or account_id.lower() in password.lower():
        raise AccountError(
            "weak_password", "use more varied characters, not your user id", "password"
        )
    lowered = password.lower()
    letters = "".join(c for c in lowered if c.isalpha())
    words = "".join(c if c.isalpha() else " " for c in lowered).split()
    if letters in COMMON_WORDS or (words and all(w in COMMON_WORDS for w in words)):
        raise AccountError(
            "weak_password", "this is a common password: choose a phrase of your own", "password"
        )
    compact = "".join(c for c in lowered if c.isalnum())
    if len(compact) >= MIN_PASSWORD_LENGTH - 2 and any(
        compact in run or compact[::-1] in run for run in _RUNS
    ):
        raise AccountError("weak_password", "a run of the keyboard is easy to guess", "password")
