"""The demo caseload as data: per pathway, the commands a caseworker would send, in order.

Pure and deterministic for a seed: no clock, no I/O. Every pathway draws from its own
`random.Random`, so pathway n is the same whatever the count, and the ids of the pathway
and of its commands come from it too: planning again with the same seed gives the same
command ids, so sending the plan twice changes nothing.
"""

from __future__ import annotations

import random
import uuid
from datetime import date, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict

from domain.calendar import add_months
from domain.commands import COMMAND_ADAPTER, CommandEnvelope
from domain.measures import MeasureKind
from domain.policy import Policy
from domain.values import Actor, ExitReason, Role, Stage
from workers import demo_data as data
from workers.demo_journey import Depth, Journey, MeasureChoice, assessment
from workers.demo_measures import MEASURE_SCRIPTS
from workers.demo_shapes import COVERAGE, IN_PROGRESS, Extra, Family, Shape, measure, random_shape

K, D = MeasureKind, Depth
COORDINATOR = Actor(id="cora", role=Role.COORDINATOR)


class DemoPathway(BaseModel):
    """One seeded pathway: the commands to send in order (the first opens it) and its end."""

    model_config = ConfigDict(frozen=True)

    index: int
    pathway_id: str
    organisation_id: str
    stage: Stage
    suspended: bool
    commands: tuple[CommandEnvelope, ...]

    def measure_kinds(self, command_type: str) -> set[MeasureKind]:
        """The kinds of the measures that commands of this type are sent for."""
        kinds = {
            planned.measure_id: planned.kind
            for envelope in self.commands
            if envelope.command.type == "propose_plan"
            for planned in envelope.command.measures
        }
        return {
            kinds[envelope.command.measure_id]
            for envelope in self.commands
            if envelope.command.type == command_type and hasattr(envelope.command, "measure_id")
        }


def plan_demo(today: date, count: int = 60, seed: int = 7, *, policy: Policy) -> list[DemoPathway]:
    """The demo caseload: `count` pathways, the first ones shaped by `COVERAGE`.

    From `len(COVERAGE)` (21) pathways on, every stage and every measure kind shows. Each
    pathway is opened under `policy`: the demo policy (`infra/policies/demo.toml`) compresses
    time, so that a pathway is followed up right after its exit.
    """
    return [_pathway(index, today, seed, policy) for index in range(count)]


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _actor(user: data.DemoUser) -> Actor:
    return Actor(id=user.user_id, role=user.role)


def _pathway(index: int, today: date, seed: int, policy: Policy) -> DemoPathway:
    rng = random.Random(f"pathways-demo:{seed}:{index}")
    pathway_id = _uuid(rng)
    shape = COVERAGE[index] if index < len(COVERAGE) else random_shape(rng)
    organisation = data.DEMO_ORGANISATIONS[index % len(data.DEMO_ORGANISATIONS)]
    writer = _Writer(rng, today, shape, pathway_id, organisation, index, policy)
    writer.write()
    commands = tuple(
        CommandEnvelope(
            command_id=_uuid(rng), actor=actor, command=COMMAND_ADAPTER.validate_python(command)
        )
        for command, actor in writer.journey.steps
    )
    return DemoPathway(
        index=index,
        pathway_id=pathway_id,
        organisation_id=organisation.organisation_id,
        stage=shape.stage,
        suspended=shape.suspended and shape.stage in IN_PROGRESS,
        commands=commands,
    )


class _Writer:
    """Writes one pathway's journey from its shape: the person, then stage after stage."""

    def __init__(
        self,
        rng: random.Random,
        today: date,
        shape: Shape,
        pathway_id: str,
        organisation: data.DemoOrganisation,
        index: int,
        policy: Policy,
    ) -> None:
        self.rng, self.today, self.shape, self.extras = rng, today, shape, shape.extras
        self.pathway_id, self.organisation, self.policy = pathway_id, organisation, policy
        self.index = index
        staff = [u for u in data.DEMO_USERS if u.organisation_id == organisation.organisation_id]
        self.caseworkers = [_actor(u) for u in staff if u.role == Role.CASEWORKER]
        supervisor = next(_actor(u) for u in staff if u.role == Role.SUPERVISOR)
        # Round robin: organisations first, then their caseworkers.
        turn = index // len(data.DEMO_ORGANISATIONS)
        caseworker = self.caseworkers[turn % len(self.caseworkers)]
        self.family = shape.family or rng.choices(list(Family), [55, 10, 28, 3, 4])[0]
        self.origin = rng.choices(data.ORIGINS, [o.weight for o in data.ORIGINS])[0]
        self.status = rng.choice(self.origin.statuses)
        self.adults = {Family.SINGLE: 1, Family.COUPLE: 2}.get(self.family) or rng.randint(1, 2)
        recent = Extra.RECENT_ARRIVAL in self.extras
        days = rng.randint(150, 300) if recent else rng.randint(400, 1500)
        self.journey = Journey(
            rng=rng,
            today=today,
            caseworker=caseworker,
            supervisor=supervisor,
            town=rng.choice(organisation.towns),
            minors=self._minors(),
            pregnancy=self.family in (Family.PREGNANT, Family.NEWBORN),
            resident_since=today - timedelta(days=days),
            condition={},
            languages=self.origin.languages,
            pathway_id=pathway_id,
            settle=shape.stage not in IN_PROGRESS,
        )
        self.journey.condition = self._baseline(recent)
        self.measure_count = 0

    def write(self) -> None:
        j, stage = self.journey, self.shape.stage
        opener = j.supervisor if self.rng.random() < 0.15 else j.caseworker
        j.emit("open_pathway", opener, **self._opening())
        if stage != Stage.RECEPTION:
            j.emit("record_baseline", condition=dict(j.condition))
        if stage not in (Stage.RECEPTION, Stage.ASSESSMENT):
            self._assess()
        if stage == Stage.PLANNING and self.shape.proposal != "none":
            self._propose(self._choose_measures())
            if self.shape.proposal == "rejected":
                j.emit("reject_plan", j.supervisor, reason=data.REJECTION)
        if stage in IN_PROGRESS and stage != Stage.ACTIVE:
            return self._pause_or_note()
        self._activate()
        if stage == Stage.ACTIVE:
            return self._pause_or_note()
        self._leave()

    # --- reception to planning ---------------------------------------------------------------

    def _minors(self) -> list[tuple[str, int]]:
        if self.family != Family.PARENT:
            return []
        ages = [self.rng.randint(6, 14), self.rng.randint(0, 5)]
        if self.rng.random() < 0.2:
            ages.append(self.rng.randint(0, 16))
        return [(f"m{n}", self.today.year - age) for n, age in enumerate(ages, start=1)]

    def _gender(self) -> str:
        if self.family in (Family.PREGNANT, Family.NEWBORN):
            return "female"
        roll, female = self.rng.random(), 0.6 if self.family == Family.PARENT else 0.25
        if roll < female:
            return "female"
        return "male" if roll < 0.97 else "not_stated"

    def _opening(self) -> dict[str, Any]:
        rng, today, origin, j = self.rng, self.today, self.origin, self.journey
        gender = self._gender()
        names = origin.female_names if gender == "female" else origin.male_names
        age = rng.randint(24, 45) if self.family == Family.PARENT else rng.randint(18, 40)
        if Extra.RENEW_PERMIT in self.extras:
            expires = today + timedelta(days=rng.randint(20, 80))
        else:
            expires = today + timedelta(
                days=rng.randint(90, int(365 * data.PERMIT_YEARS[self.status]))
            )
        centre = rng.choices(("sai", "cas", "none"), [6, 3, 1])[0]
        phone = f"+39 3{rng.randint(20, 99)} 000 {rng.randint(0, 9999):04d}"
        beneficiary = {
            "given_name": rng.choice(names),
            "family_name": rng.choice(origin.family_names),
            "birth_date": today - timedelta(days=365 * age + rng.randint(0, 364)),
            "gender": gender,
            "nationality": origin.code,
            "phone": phone if rng.random() < 0.85 else None,
            "document_number": f"DEMO-PS-{rng.randint(0, 999999):06d}",
        }
        if self.index == data.SEARCH_EXAMPLE_INDEX:
            beneficiary |= {**data.SEARCH_EXAMPLE, "phone": phone}
        j.beneficiary_name = f"{beneficiary['given_name']} {beneficiary['family_name']}"
        return {
            "pathway_id": self.pathway_id,
            "organisation_id": self.organisation.organisation_id,
            "caseworker_id": j.caseworker.id,
            "beneficiary": beneficiary,
            "protection_status": self.status,
            "permit_expires_on": expires,
            "household": self._household(),
            "reception_centre": {
                "kind": centre,
                "name": None if centre == "none" else f"{centre.upper()} {j.town}",
            },
            "resident_since": j.resident_since,
            "policy": self.policy,
        }

    def _household(self) -> dict[str, Any]:
        minors = [{"minor_id": mid, "birth_year": year} for mid, year in self.journey.minors]
        return {
            "adults": self.adults,
            "minors": minors,
            "pregnancy_declared": self.journey.pregnancy,
        }

    def _baseline(self, recent: bool) -> dict[str, Any]:
        rng = self.rng
        in_centre = rng.random() < 0.85
        housing = "reception_centre" if in_centre else rng.choice(("precarious", "homeless"))
        mobility = "foreign_licence" if recent else rng.choice(("none", "none", "public_transport"))
        return {
            "employment": rng.choices(("inactive", "unemployed", "employed"), [4, 5, 1])[0],
            "housing": housing,
            "housing_hardship": not in_centre or rng.random() < 0.5,
            "social_marginality": housing == "homeless" or rng.random() < 0.4,
            "mobility": mobility,
            "italian_level": rng.choice(("pre_a1", "a1", "a1", "a2", "a2", "b1")),
            "digital_skills": rng.random() < 0.3,
            "self_esteem": rng.randint(14, 28),
        }

    def _assess(self) -> None:
        j, rng = self.journey, self.rng
        education = rng.choice(
            ("none", "primary", "lower_secondary", "upper_secondary", "vocational", "tertiary")
        )
        wanted = any(m.kind == K.TITLE_RECOGNITION for m in self.shape.measures or ())
        if wanted or (education in ("upper_secondary", "tertiary") and rng.random() < 0.6):
            j.titles = (rng.choice(data.TITLES),)
            education = "tertiary" if j.titles[0].startswith("Laurea") else "upper_secondary"
        record = assessment(j, education, j.condition["italian_level"])
        j.emit("record_skills_assessment", assessment=record)

    # --- active ------------------------------------------------------------------------------

    def _activate(self) -> None:
        j, extras, today = self.journey, self.extras, self.today
        choices = self._choose_measures()
        if Extra.REJECTED_ONCE in extras:
            self._propose(choices[:1])
            j.emit("reject_plan", j.supervisor, reason=data.REJECTION)
        ids = self._propose(choices, add_months(today, 12) if Extra.EXTEND in extras else None)
        self._approve()
        if self.family == Family.NEWBORN:
            j.minors, j.pregnancy = [("m1", today.year)], False
            j.emit("update_household", household=self._household())
        if Extra.RESUMED in extras:
            j.emit("suspend_pathway", reason="other", note=data.SHORT_ABSENCE)
            j.emit("resume_pathway")
        for measure_id, choice in zip(ids, choices, strict=True):
            if choice.depth == D.CANCELLED:
                reason = self.rng.choice(data.CANCELLATIONS)
                j.emit("cancel_measure", measure_id=measure_id, reason=reason)
            elif choice.depth != D.PLANNED:
                MEASURE_SCRIPTS[choice.kind](j, measure_id, choice)
        if Extra.AMENDMENT in extras:
            reassessment = measure(K.SKILLS_ASSESSMENT)
            (measure_id,) = self._propose((reassessment,), note=data.AMENDMENT_NOTE)
            self._approve()
            MEASURE_SCRIPTS[K.SKILLS_ASSESSMENT](j, measure_id, reassessment)
        if Extra.RENEW_PERMIT in extras:
            # An asylum seeker's permit is renewed once the commission grants protection.
            asylum = self.status == "asylum_seeker"
            status = self.rng.choice(("refugee", "subsidiary_protection")) if asylum else None
            expires = add_months(today, 60 if asylum else 24)
            j.emit("renew_permit", permit_expires_on=expires, protection_status=status)
        if Extra.EXTEND in extras:
            j.emit(
                "extend_pathway",
                j.supervisor,
                end_date=add_months(today, 15),
                reason=data.EXTENSION,
            )
        if Extra.REASSIGN in extras:
            successor = next(c for c in self.caseworkers if c != j.caseworker)
            j.emit("reassign_caseworker", j.supervisor, caseworker_id=successor.id)
            j.caseworker = successor
        if Extra.AMENDMENT_PENDING in extras and self.shape.stage == Stage.ACTIVE:
            added = (measure(K.SOCIAL_EVENT, D.PLANNED), measure(K.SKILLS_ASSESSMENT, D.PLANNED))
            self._propose(added, note=data.AMENDMENT_NOTE)

    def _choose_measures(self) -> tuple[MeasureChoice, ...]:
        if self.shape.measures is not None:
            return self.shape.measures
        j, rng = self.journey, self.rng
        odds = {
            K.SKILLS_ASSESSMENT: 0.1,
            K.TITLE_RECOGNITION: 0.5 if j.titles else 0,
            K.TRAINING_COURSE: 0.7,
            K.WORK_GRANT: 0.45,
            K.CHILDCARE: 0.7 if j.minors or j.pregnancy else 0,
            K.MOBILITY: 0.4,
            K.SELF_EMPLOYMENT_ORIENTATION: 0.15,
            K.HOUSING_PLACEMENT: 0.5,
            K.ECONOMIC_SUPPORT: 0.3,
            K.SOCIAL_EVENT: 0.4,
            K.ASSOCIATION_MEMBERSHIP: 0.25,
            K.SCHOOL_SUPPORT: 0.8 if j.minors else 0,
        }
        kinds = [kind for kind, p in odds.items() if rng.random() < p] or [K.TRAINING_COURSE]
        if self.shape.stage == Stage.ACTIVE:
            depths = rng.choices((D.PLANNED, D.STARTED, D.COMPLETED), [2, 4, 4], k=len(kinds))
        else:
            depths = rng.choices((D.COMPLETED, D.CANCELLED), [85, 15], k=len(kinds))
        route = "licence_conversion" if Extra.RECENT_ARRIVAL in self.extras else None
        return tuple(
            measure(kind, depth, route if kind == K.MOBILITY else None)
            for kind, depth in zip(kinds, depths, strict=True)
        )

    def _propose(
        self,
        choices: tuple[MeasureChoice, ...],
        end_date: date | None = None,
        note: str | None = None,
    ) -> list[str]:
        ids, planned = [], []
        for choice in choices:
            self.measure_count += 1
            ids.append(f"{choice.kind.value}-{self.measure_count}")
            planned.append(
                {
                    "measure_id": ids[-1],
                    "kind": choice.kind,
                    "target_date": self.today + timedelta(days=self.rng.randint(30, 330)),
                    "description": data.DESCRIPTIONS[choice.kind.value],
                }
            )
        self.journey.emit("propose_plan", measures=planned, end_date=end_date, note=note)
        return ids

    def _approve(self) -> None:
        approver = COORDINATOR if self.rng.random() < 0.1 else self.journey.supervisor
        self.journey.emit("approve_plan", approver)

    # --- exit and after ----------------------------------------------------------------------

    def _leave(self) -> None:
        j, rng, stage, reason = self.journey, self.rng, self.shape.stage, self.shape.exit_reason
        if self.shape.suspended:  # out of touch first, then out of the pathway
            suspension, note = data.SUSPENSIONS[Stage.EXIT]
            j.emit("suspend_pathway", reason=suspension, note=note)
        outcomes = dict(j.condition)
        if reason == ExitReason.AUTONOMY:
            outcomes["self_esteem"] = min(outcomes["self_esteem"] + rng.randint(2, 8), 40)
        j.emit("record_exit", reason=reason, outcomes=outcomes, note=data.EXIT_NOTES[reason])
        if stage == Stage.CLOSED and reason != ExitReason.AUTONOMY:
            j.emit("close_pathway", j.supervisor, reason=data.EXIT_NOTES[reason])
        if stage in (Stage.FOLLOW_UP, Stage.CLOSED) and reason == ExitReason.AUTONOMY:
            later = {
                **outcomes,
                "self_esteem": min(outcomes["self_esteem"] + rng.randint(-2, 3), 40),
            }
            j.emit("record_follow_up", outcomes=later, note=rng.choice(data.FOLLOW_UP_NOTES))
            if stage == Stage.CLOSED:
                j.emit("close_pathway", j.supervisor)

    def _pause_or_note(self) -> None:
        j = self.journey
        if self.rng.random() < 0.4:
            j.emit("add_note", text=self.rng.choice(data.NOTES))
        if self.shape.suspended:
            reason, note = data.SUSPENSIONS[self.shape.stage]
            j.emit("suspend_pathway", reason=reason, note=note)
