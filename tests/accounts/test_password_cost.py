"""Production hashes passwords at argon2's recommended parameters; only the test processes
use the cheapest ones (tests/conftest.py), and a process started as the app starts keeps
the recommended ones."""

from __future__ import annotations

import subprocess
import sys

from argon2 import PasswordHasher, Type, extract_parameters, profiles

from infra.accounts import credentials


def test_the_recommended_hasher_is_argon2id_at_the_librarys_parameters() -> None:
    recommended = PasswordHasher()
    made = credentials.RECOMMENDED.hash("x")
    assert extract_parameters(made) == extract_parameters(recommended.hash("x"))
    assert extract_parameters(made).type is Type.ID
    assert extract_parameters(made).memory_cost >= 19 * 1024  # OWASP's floor for argon2id


def test_a_process_of_the_app_hashes_at_the_recommended_parameters() -> None:
    script = (
        "from argon2 import extract_parameters as p;"
        "from infra.accounts.credentials import hash_password as h, RECOMMENDED as r;"
        "print(p(h('x')) == p(r.hash('x')))"
    )
    ran = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert ran.stdout.strip() == "True", ran.stderr


def test_a_hash_of_the_recommended_parameters_verifies_in_the_test_processes() -> None:
    assert extract_parameters(credentials.hash_password("x")) == profiles.CHEAPEST
    assert credentials.verify_password(credentials.RECOMMENDED.hash("pw"), "pw")
    assert not credentials.verify_password(None, "pw")
