"""The search index read model, on every store: the opening's beneficiary becomes keyed
tokens, found by any word of her name in any order, her document, phone or birth date,
narrowed to a scope; replaced when an append (or a rebuild) gives her again, emptied when
her data read as erased, and looked up across organisations for duplicate detection."""

from __future__ import annotations

from datetime import date

from activities.pathways.read_model_rebuild import rebuild_read_models
from domain.evolution import fold
from domain.projections import SearchSubject
from domain.read_models import read_models as domain_read_models
from domain.stream import stream_id_for
from domain.values import Beneficiary
from infra.eventstore.base import EventStore
from infra.eventstore.search_index import (
    SearchScope,
    pathways_with_document,
    pathways_with_name_and_birth_date,
)
from tests.eventstore.builders import read_models, records, summary
from tests.privacy.test_sealing import noted, opened

ANH = Beneficiary(
    given_name="Thị Ánh",
    family_name="Nguyễn",
    birth_date=date(1994, 5, 17),
    gender="female",
    nationality="VN",
    phone="+39 333 000 1234",
    document_number="YA 1234567",
)
AMINA = Beneficiary(
    given_name="Amina",
    family_name="Diallo",
    birth_date=date(1994, 5, 17),
    gender="female",
    nationality="GN",
)
EVERYONE = SearchScope()


async def append(
    store: EventStore,
    pathway_id: str,
    version: int,
    beneficiary: Beneficiary | None,
    *,
    organisation_id: str = "org-a",
    caseworker_id: str = "cw-1",
    indexed: bool = True,
) -> None:
    row = summary(
        pathway_id, version + 1, organisation_id=organisation_id, caseworker_id=caseworker_id
    )
    subject = SearchSubject(beneficiary=beneficiary) if indexed else None
    update = read_models(row).model_copy(update={"search": subject})
    await store.append(
        pathway_id, version, records(pathway_id, version, f"{pathway_id}-c{version}"), update
    )


async def test_a_name_is_found_by_every_word_in_any_order_accents_aside(
    store: EventStore,
) -> None:
    await append(store, "pw-anh", 0, ANH)
    await append(store, "pw-amina", 0, AMINA)
    for text in ("nguyen anh", "Ánh Nguyễn", "NGUYEN THI ANH", "thi"):
        assert await store.search_index.search(text, EVERYONE) == ["pw-anh"], text
    assert await store.search_index.search("nguyen amina", EVERYONE) == []
    assert await store.search_index.search("nguy", EVERYONE) == []  # no prefix tokens


async def test_document_phone_and_birth_date_find_her(store: EventStore) -> None:
    await append(store, "pw-anh", 0, ANH)
    await append(store, "pw-amina", 0, AMINA)
    assert await store.search_index.search("ya1234567", EVERYONE) == ["pw-anh"]
    assert await store.search_index.search("333 0001234", EVERYONE) == ["pw-anh"]
    assert await store.search_index.search("0039 333 000 1234", EVERYONE) == ["pw-anh"]
    assert await store.search_index.search("17/5/1994", EVERYONE) == ["pw-amina", "pw-anh"]
    assert await store.search_index.search("1994-05-17", EVERYONE) == ["pw-amina", "pw-anh"]


async def test_a_search_runs_within_its_scope(store: EventStore) -> None:
    await append(store, "pw-anh", 0, ANH)
    await append(store, "pw-anh-b", 0, ANH, organisation_id="org-b", caseworker_id="cw-b")
    index = store.search_index
    assert await index.search("nguyen anh", SearchScope(caseworker_id="cw-1")) == ["pw-anh"]
    assert await index.search("nguyen anh", SearchScope(organisation_id="org-b")) == ["pw-anh-b"]
    assert await index.search("nguyen anh", SearchScope(caseworker_id="cw-2")) == []
    assert await index.search("nguyen anh", EVERYONE) == ["pw-anh", "pw-anh-b"]
    assert await index.search("nguyen anh", EVERYONE, limit=1) == ["pw-anh"]


async def test_an_append_without_a_subject_keeps_the_tokens_an_erased_one_drops_them(
    store: EventStore,
) -> None:
    await append(store, "pw-anh", 0, ANH)
    await append(store, "pw-anh", 1, None, indexed=False)
    assert await store.search_index.search("nguyen anh", EVERYONE) == ["pw-anh"]
    await append(store, "pw-anh", 2, None)
    assert await store.search_index.search("nguyen anh", EVERYONE) == []
    assert await store.search_index.search("17/5/1994", EVERYONE) == []


async def test_a_rebuild_writes_the_tokens_again(store: EventStore) -> None:
    await append(store, "pw-anh", 0, None, indexed=False)
    assert await store.search_index.search("nguyen anh", EVERYONE) == []
    rebuilt = read_models(summary("pw-anh", 1)).model_copy(
        update={"search": SearchSubject(beneficiary=ANH)}
    )
    await store.replace_read_models(rebuilt)
    assert await store.search_index.search("nguyen anh", EVERYONE) == ["pw-anh"]


async def test_duplicate_lookups_run_across_organisations_and_return_ids_only(
    store: EventStore,
) -> None:
    await append(store, "pw-anh", 0, ANH)
    await append(store, "pw-anh-b", 0, ANH, organisation_id="org-b", caseworker_id="cw-b")
    await append(store, "pw-amina", 0, AMINA)
    found = await pathways_with_document(store.search_index, "ya-1234567")
    assert [(p.pathway_id, p.organisation_id) for p in found] == [
        ("pw-anh", "org-a"),
        ("pw-anh-b", "org-b"),
    ]
    assert await pathways_with_document(store.search_index, "--") == []
    same = await pathways_with_name_and_birth_date(
        store.search_index, "Nguyen Anh", date(1994, 5, 17)
    )
    assert [p.pathway_id for p in same] == ["pw-anh", "pw-anh-b"]
    assert (
        await pathways_with_name_and_birth_date(store.search_index, "Nguyen Anh", date(1994, 5, 18))
        == []
    )


async def test_the_opening_indexes_her_and_a_rebuild_indexes_pathways_opened_before_0018(
    store: EventStore,
) -> None:
    first = opened("pw-amina")
    update = domain_read_models(fold(first), first)
    assert update.search is not None and update.search.beneficiary is not None
    await store.append(stream_id_for("pw-amina"), 0, first, update)
    assert await store.search_index.search("diallo amina", EVERYONE) == ["pw-amina"]
    note = noted("pw-amina", 1, "Chiamata")
    assert domain_read_models(fold([*first, *note]), note).search is None

    erased = update.model_copy(update={"search": SearchSubject(beneficiary=None)})
    await store.replace_read_models(erased)
    assert await store.search_index.search("diallo amina", EVERYONE) == []
    assert await rebuild_read_models(store) == 1
    assert await store.search_index.search("diallo amina", EVERYONE) == ["pw-amina"]


def test_an_opening_read_as_erased_is_indexed_as_nobody() -> None:
    first = opened("pw-amina")
    erased = [first[0].model_copy(update={"erased": ("beneficiary.given_name",)}), *first[1:]]
    update = domain_read_models(fold(erased), erased)
    assert update.search == SearchSubject(beneficiary=None)
