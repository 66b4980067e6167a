"""The data keys of a process: the master key from the settings, a keyring on the database.

Every process that talks to Temporal or reads events builds one here (docs/privacy.md); its
stores take it through the composition root (`workers.composition.Stores`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from infra.config import Settings
from workers.failures import Refused

if TYPE_CHECKING:
    from infra.crypto.keyring import Keyring
    from infra.crypto.master import MasterKey
    from infra.db import Pool


def configured_master_key(settings: Settings, *, keep_in_data_dir: bool = False) -> MasterKey:
    """PATHWAYS_MASTER_KEY(_FILE), else the key kept in the data dir (made by `up`).

    Raises:
        Refused: `invalid_master_key`, `master_key_required`.
    """
    from infra.crypto.master import MasterKeyError, master_key

    try:
        return master_key(settings, keep_in_data_dir=keep_in_data_dir)
    except MasterKeyError as err:
        raise Refused(err.code, err.message) from None


def keyring_on(settings: Settings, pool: Pool | str, *, eager: bool = False) -> Keyring:
    """A keyring on `pool` (or a conninfo, opened on first use) under the configured master.

    The master key is loaded when a data key is first needed: `master_key_required` then.
    """
    from infra.crypto.keyring import Keyring

    if eager:  # a worker or web process: no use starting without it
        return Keyring(pool, configured_master_key(settings))
    return Keyring(pool, lambda: configured_master_key(settings))
