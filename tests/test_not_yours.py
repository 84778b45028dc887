"""One answer for "not yours" (DESIGN.md, Purpose, people and time): an id the actor may not see —
another jobcenter's, another client's or another case manager's or partner's, or a random one —
gets the same error, word for word, in queries and mutations alike. Any difference between the
three would tell the actor that the thing exists.

Given three places — the actor's own (a jobcenter with a case manager, client, case, referral,
consent, plan, team and partner), a colleague's in the same jobcenter, and another jobcenter's —
each operation is asked once with the colleague's id, once with the other jobcenter's and once
with a random one.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from service.cases.models import PlanItem
from service.cases.vocabulary import AssessmentSubcategory, PlanItemKind
from service.identity.roles import Role
from service.staff.models import Team
from tests.cases.factories import CaseFactories
from tests.diary.conftest import diary_rows
from tests.factories import Factories, Jobcenter, Organisation, Person
from tests.graphql import post_graphql
from tests.referral_factories import (
    ALL_INFORMED,
    ReferralSetting,
    admitted_case,
    consent,
    referral,
)

NOT_FOUND = {"code": "NOT_FOUND", "message": "not found", "messageDe": "nicht gefunden"}
ERRORS = "errors { field code message messageDe }"
TOMORROW = (date.today() + timedelta(days=1)).isoformat()
IN_A_YEAR = (datetime.now(UTC) + timedelta(days=365)).isoformat()

CASE = "query Case($id: ID!) { case(id: $id) { id status } }"
CONSENTS = "query Consents($id: ID!) { consents(clientId: $id) { id active } }"
ACCESS_REPORT = """
query Report($id: ID!, $from: DateTime!, $to: DateTime!) {
  accessReport(clientId: $id, from: $from, to: $to) { clientName }
}
"""
DATA_COPY = """
query Q($id: ID!) { dataCopy(clientId: $id) { clientId } }
"""
REFERRAL = "query Referral($id: ID!) { referral(id: $id) { id status } }"
INDICATORS = """
query Indicators($id: ID) {
  indicators(from: "2025-01-01", to: "2025-03-31", teamId: $id) { admissions { value } }
}
"""


def mutation(name: str, arguments: str, payload: str) -> str:
    return f"mutation Do($id: ID!) {{ {name}({arguments}) {{ {payload} {ERRORS} }} }}"


ISSUE_LINK = mutation("issueAuskunftLink", "clientId: $id", "link { url }")


def case_mutation(name: str, fields: str) -> str:
    return mutation(name, f"input: {{ {fields} }}", "case { id }")


ADD_GOAL = case_mutation("addGoal", 'caseId: $id, title: "Ziel"')
DECIDE_INTAKE = case_mutation(
    "decideIntake", 'caseId: $id, admit: true, careVariant: FULL_HANDOVER, reasoning: "passt"'
)
ADD_ENTRY = case_mutation(
    "addAssessmentEntry",
    'caseId: $id, kind: STABILISATION_NEED, subcategory: DEBTS, subject: "Schulden"',
)
REASSESS = case_mutation("reassessEntry", 'entryId: $id, kind: STRENGTH, subject: "geregelt"')
ADD_SUB_GOAL = case_mutation(
    "addSubGoal", f'goalId: $id, title: "Teilziel", targetDate: "{TOMORROW}"'
)
ADD_ACTIVITY = case_mutation(
    "addActivity", f'parentId: $id, title: "Termin", responsible: CLIENT, targetDate: "{TOMORROW}"'
)
RECORD_OUTCOME = case_mutation(
    "recordOutcome", f'itemId: $id, outcome: ACHIEVED, on: "{date.today().isoformat()}"'
)
EDIT_PLAN_ITEM = case_mutation("editPlanItem", 'itemId: $id, title: "Neu", reason: "präzisiert"')
REDATE_PLAN_ITEM = case_mutation(
    "redatePlanItem", f'itemId: $id, targetDate: "{TOMORROW}", reason: "später"'
)
WITHDRAW_PLAN_ITEM = case_mutation("withdrawPlanItem", 'itemId: $id, reason: "erledigt"')
CORRECT_OUTCOME = case_mutation(
    "correctOutcome",
    f'itemId: $id, outcome: ACHIEVED, on: "{date.today().isoformat()}", reason: "Irrtum"',
)
CLOSE_CASE = case_mutation(
    "closeCase",
    'caseId: $id, reason: NO_PROSPECT, reasoning: "kein", retrospective: "r", prospective: "p", '
    "clientTookPart: true",
)
REGISTER_DEPUTY = case_mutation("registerDeputy", "caseId: $id, deputyId: null")
ADD_DOCUMENT = case_mutation(
    "addDocument",
    'caseId: $id, title: "Brief", area: INTEGRATION, mediaType: "text/plain", '
    f'contentBase64: "{base64.b64encode(b"Brief").decode()}"',
)
ASSIGN = """
mutation Do($id: ID!, $staff: ID!) {
  assignCaseManager(input: { caseId: $id, caseManagerId: $staff }) {
    case { id } errors { field code message messageDe }
  }
}
"""
DEPUTY = """
mutation Do($case: ID!, $id: ID!) {
  registerDeputy(input: { caseId: $case, deputyId: $id }) {
    case { id } errors { field code message messageDe }
  }
}
"""
CREATE_REFERRAL = """
mutation Do($id: ID!, $partner: ID!, $due: Date!) {
  createReferral(input: { caseId: $id, partnerOrganisationId: $partner,
      serviceCategory: DEBT_COUNSELLING, purpose: "Schulden klären", firstReportDue: $due }) {
    referral { id } errors { field code message messageDe }
  }
}
"""
RECORD_CONSENT = """
mutation Do($input: RecordConsentInput!) {
  recordConsent(input: $input) { consent { id } errors { field code message messageDe } }
}
"""
REVOKE_CONSENT = mutation("revokeConsent", "consentId: $id, channel: LETTER", "consent { id }")
RESTRICT = mutation("restrictClient", 'clientId: $id, reason: "Widerspruch"', "restricted")
LIFT = mutation("liftRestriction", "clientId: $id", "restricted")
ERASE = mutation("eraseClient", "clientId: $id", "restricted")
PROPOSE = """
mutation Do($id: ID!) {
  proposeCase(input: { clientId: $id, profile: STABILISATION, intakeReasoning: "mehrere Bedarfe",
      profilingItems: [{ category: CAPACITY, detail: "eingeschränkt belastbar" }] }) {
    case { id } errors { field code message messageDe }
  }
}
"""
RESPOND = mutation("respondToReferral", "referralId: $id, accept: true", "referral { id }")
MOVE_REFERRAL = mutation(
    "updateReferralStatus", "referralId: $id, status: IN_PROGRESS", "referral { id }"
)
WITHDRAW_REFERRAL = mutation(
    "updateReferralStatus", "referralId: $id, status: ABORTED", "referral { id }"
)
REPORT_PROGRESS = mutation(
    "reportProgress",
    f'input: {{ referralId: $id, reportedOn: "{date.today().isoformat()}", '
    'attendance: ATTENDED, text: "Erstgespräch geführt" }',
    "referral { id }",
)
DIARY = "query Diary($id: ID!) { diary(caseId: $id) { case { id } } }"


def diary_mutation(name: str, fields: str) -> str:
    return mutation(name, f"input: {{ {fields} }}", "changedId")


ADD_CASE_NOTE = diary_mutation(
    "addCaseNote",
    f'caseId: $id, kind: PHONE, notedOn: "{date.today().isoformat()}", subject: "Anruf", '
    'text: "Rückruf"',
)
PLAN_APPOINTMENT = diary_mutation(
    "planAppointment",
    f'caseId: $id, kind: CONSULTATION, startsAt: "{TOMORROW}T09:00:00+01:00", '
    f'endsAt: "{TOMORROW}T10:00:00+01:00", place: "Raum 1"',
)
RECORD_APPOINTMENT = diary_mutation(
    "recordAppointmentStatus", "appointmentId: $id, status: CANCELLED"
)
ADD_FOLLOW_UP = diary_mutation(
    "addFollowUp", f'caseId: $id, dueOn: "{TOMORROW}", reason: "Nachfassen"'
)
COMPLETE_FOLLOW_UP = mutation("completeFollowUp", "followUpId: $id", "changedId")
ACTIVITY_WITH_PARTNER = """
mutation Do($goal: ID!, $id: ID!, $target: Date!) {
  addActivity(input: { parentId: $goal, title: "Beratung", responsible: NETWORK_PARTNER,
      targetDate: $target, partnerOrganisationId: $id }) {
    case { id } errors { field code message messageDe }
  }
}
"""


@dataclass(frozen=True)
class Place:
    """One case manager's corner of a jobcenter: a client with an admitted case and its data."""

    jobcenter: Jobcenter
    case_manager: Person
    client: Person
    case_id: uuid.UUID
    organisation: Organisation
    counsellor: Person
    referral_id: uuid.UUID
    consent_id: uuid.UUID
    goal_id: uuid.UUID
    entry_id: uuid.UUID
    team_id: uuid.UUID
    dpo: Person
    appointment_id: uuid.UUID
    follow_up_id: uuid.UUID


async def _place(factories: Factories, jobcenter: Jobcenter | None = None) -> Place:
    jobcenter = jobcenter or await factories.jobcenter()
    case_manager = await factories.staff(jobcenter, Role.CASE_MANAGER)
    client = await factories.client(jobcenter)
    case_id = await admitted_case(factories, jobcenter, client, case_manager)
    organisation = await factories.organisation(jobcenter)
    counsellor = await factories.partner_user(organisation)
    setting = ReferralSetting(jobcenter, case_manager, client, case_id, organisation, counsellor)
    referral_id = await referral(factories, setting)
    consent_id = await consent(factories, setting, referral_id, "identity")
    entry_id = await CaseFactories(factories).entry(
        jobcenter, case_id, case_manager, AssessmentSubcategory.DEBTS
    )
    goal = PlanItem(
        tenant_id=jobcenter.id, id=uuid.uuid4(), case_id=case_id, kind=PlanItemKind.GOAL, title="Z"
    )
    team = Team(tenant_id=jobcenter.id, id=uuid.uuid4(), name=f"Team {uuid.uuid4().hex[:6]}")
    _, (appointment, follow_up) = _diary_rows(jobcenter, case_id, case_manager)
    async with factories._session(tenant=jobcenter.id) as session:
        session.add_all([goal, team, appointment, follow_up])
    dpo = await factories.staff(jobcenter, Role.DATA_PROTECTION_OFFICER)
    return Place(
        jobcenter,
        case_manager,
        client,
        case_id,
        organisation,
        counsellor,
        referral_id,
        consent_id,
        goal.id,
        entry_id,
        team.id,
        dpo,
        appointment.id,
        follow_up.id,
    )


def _diary_rows(jobcenter: Jobcenter, case_id: uuid.UUID, author: Person):
    (note, appointment, follow_up), _ = diary_rows(jobcenter.id, case_id, author.id)
    appointment.id, follow_up.id = uuid.uuid4(), uuid.uuid4()
    appointment.status = "planned"
    return note, (appointment, follow_up)


@dataclass(frozen=True)
class Places:
    mine: Place  # the actor's own
    neighbour: Place  # a colleague's, same jobcenter
    elsewhere: Place  # another jobcenter's
    controlling: Person  # of the actor's jobcenter
    team_lead: Person  # of the actor's jobcenter


@pytest.fixture(scope="module")
async def places(factories) -> Places:
    mine = await _place(factories)
    neighbour = await _place(factories, mine.jobcenter)
    elsewhere = await _place(factories)
    controlling = await factories.staff(mine.jobcenter, Role.CONTROLLING)
    team_lead = await factories.staff(mine.jobcenter, Role.TEAM_LEAD)
    return Places(mine, neighbour, elsewhere, controlling, team_lead)


@dataclass(frozen=True)
class Operation:
    """One operation asked by one actor with an id; `extra` adds the other variables it needs."""

    field: str
    document: str
    actor: Callable[[Places], Person]
    id_of: Callable[[Place], uuid.UUID]
    within_jobcenter: bool = True  # whether a colleague's id is one the actor may not see
    extra: Callable[[Places], dict[str, Any]] = lambda places: {}
    variables: Callable[[Places, uuid.UUID], dict[str, Any]] | None = None

    def variables_for(self, places: Places, id_: uuid.UUID) -> dict[str, Any]:
        if self.variables is not None:
            return self.variables(places, id_)
        return {"id": str(id_), **self.extra(places)}

    def variants(self, places: Places) -> list[uuid.UUID]:
        if self.id_of is staff_member:
            # A colleague who is no case manager; another jobcenter's case manager; nobody.
            return [places.neighbour.dpo.id, places.elsewhere.case_manager.id, uuid.uuid4()]
        ids = [self.id_of(places.elsewhere), uuid.uuid4()]
        return [self.id_of(places.neighbour), *ids] if self.within_jobcenter else ids


def _consent_input(places: Places, client_id: uuid.UUID) -> dict[str, Any]:
    return {
        "input": {
            "clientId": str(client_id),
            "purpose": "REFERRAL",
            "granteeOrganisationId": str(places.mine.organisation.id),
            "referralId": str(places.mine.referral_id),
            "categories": ["identity"],
            "validUntil": IN_A_YEAR,
            "evidenceReference": "Einwilligungserklärung",
            "informed": ALL_INFORMED,
        }
    }


def case_manager(places: Places) -> Person:
    return places.mine.case_manager


def team_lead(places: Places) -> Person:
    return places.team_lead


def partner(places: Places) -> Person:
    return places.mine.counsellor


def the_client(places: Places) -> Person:
    return places.mine.client


def dpo(places: Places) -> Person:
    return places.mine.dpo


def case(place: Place) -> uuid.UUID:
    return place.case_id


def client(place: Place) -> uuid.UUID:
    return place.client.id


def referral_of(place: Place) -> uuid.UUID:
    return place.referral_id


def consent_of(place: Place) -> uuid.UUID:
    return place.consent_id


def goal(place: Place) -> uuid.UUID:
    return place.goal_id


REPORT_PERIOD = {"from": "2025-01-01T00:00:00Z", "to": "2026-01-01T00:00:00Z"}

OPERATIONS = {
    # queries
    "case(id)": Operation("case", CASE, case_manager, case),
    "consents(clientId)": Operation("consents", CONSENTS, case_manager, client),
    "consents(clientId) by a client": Operation("consents", CONSENTS, the_client, client),
    "accessReport(clientId) by a client": Operation(
        "accessReport", ACCESS_REPORT, the_client, client, extra=lambda _: REPORT_PERIOD
    ),
    "accessReport(clientId) by a case manager": Operation(
        "accessReport", ACCESS_REPORT, case_manager, client, extra=lambda _: REPORT_PERIOD
    ),
    "accessReport(clientId) by the DPO": Operation(
        "accessReport",
        ACCESS_REPORT,
        dpo,
        client,
        within_jobcenter=False,
        extra=lambda _: REPORT_PERIOD,
    ),
    "dataCopy(clientId) by a client": Operation("dataCopy", DATA_COPY, the_client, client),
    "dataCopy(clientId) by a case manager": Operation("dataCopy", DATA_COPY, case_manager, client),
    "dataCopy(clientId) by the DPO": Operation(
        "dataCopy", DATA_COPY, dpo, client, within_jobcenter=False
    ),
    "issueAuskunftLink by a client": Operation("issueAuskunftLink", ISSUE_LINK, the_client, client),
    "issueAuskunftLink by a case manager": Operation(
        "issueAuskunftLink", ISSUE_LINK, case_manager, client
    ),
    "issueAuskunftLink by the DPO": Operation(
        "issueAuskunftLink", ISSUE_LINK, dpo, client, within_jobcenter=False
    ),
    "referral(id)": Operation("referral", REFERRAL, case_manager, referral_of),
    "referral(id) by a partner": Operation("referral", REFERRAL, partner, referral_of),
    "indicators(teamId)": Operation(
        "indicators",
        INDICATORS,
        lambda places: places.controlling,
        lambda place: place.team_id,
        within_jobcenter=False,
    ),
    # case mutations
    "addGoal": Operation("addGoal", ADD_GOAL, case_manager, case),
    "decideIntake": Operation("decideIntake", DECIDE_INTAKE, case_manager, case),
    "addAssessmentEntry": Operation("addAssessmentEntry", ADD_ENTRY, case_manager, case),
    "reassessEntry": Operation(
        "reassessEntry", REASSESS, case_manager, lambda place: place.entry_id
    ),
    "addSubGoal": Operation("addSubGoal", ADD_SUB_GOAL, case_manager, goal),
    "addActivity": Operation("addActivity", ADD_ACTIVITY, case_manager, goal),
    "recordOutcome": Operation("recordOutcome", RECORD_OUTCOME, case_manager, goal),
    "editPlanItem": Operation("editPlanItem", EDIT_PLAN_ITEM, case_manager, goal),
    "redatePlanItem": Operation("redatePlanItem", REDATE_PLAN_ITEM, case_manager, goal),
    "withdrawPlanItem": Operation("withdrawPlanItem", WITHDRAW_PLAN_ITEM, case_manager, goal),
    "correctOutcome": Operation("correctOutcome", CORRECT_OUTCOME, case_manager, goal),
    "closeCase": Operation("closeCase", CLOSE_CASE, case_manager, case),
    "registerDeputy": Operation("registerDeputy", REGISTER_DEPUTY, case_manager, case),
    "addDocument": Operation("addDocument", ADD_DOCUMENT, case_manager, case),
    "assignCaseManager by a team lead": Operation(
        "assignCaseManager",
        ASSIGN,
        team_lead,
        case,
        within_jobcenter=False,  # a team lead sees every case of their jobcenter
        extra=lambda places: {"staff": str(places.mine.case_manager.id)},
    ),
    "registerDeputy by a team lead": Operation(
        "registerDeputy", REGISTER_DEPUTY, team_lead, case, within_jobcenter=False
    ),
    "proposeCase": Operation(
        "proposeCase", PROPOSE, case_manager, client, within_jobcenter=False
    ),  # any client of one's own jobcenter may be proposed
    # the case manager's diary (service/diary)
    "diary(caseId)": Operation("diary", DIARY, case_manager, case),
    "diary(caseId) by a client": Operation("diary", DIARY, the_client, case),
    "addCaseNote": Operation("addCaseNote", ADD_CASE_NOTE, case_manager, case),
    "planAppointment": Operation("planAppointment", PLAN_APPOINTMENT, case_manager, case),
    "recordAppointmentStatus": Operation(
        "recordAppointmentStatus",
        RECORD_APPOINTMENT,
        case_manager,
        lambda place: place.appointment_id,
    ),
    "addFollowUp": Operation("addFollowUp", ADD_FOLLOW_UP, case_manager, case),
    "completeFollowUp": Operation(
        "completeFollowUp", COMPLETE_FOLLOW_UP, case_manager, lambda place: place.follow_up_id
    ),
    # A team lead reads the colleague's case, not its appointments: their ids are not found.
    "recordAppointmentStatus by a team lead": Operation(
        "recordAppointmentStatus", RECORD_APPOINTMENT, team_lead, lambda place: place.appointment_id
    ),
    # referral mutations
    "createReferral": Operation(
        "createReferral",
        CREATE_REFERRAL,
        case_manager,
        case,
        extra=lambda places: {
            "partner": str(places.mine.organisation.id),
            "due": (date.today() + timedelta(days=21)).isoformat(),
        },
    ),
    "updateReferralStatus (withdraw)": Operation(
        "updateReferralStatus", WITHDRAW_REFERRAL, case_manager, referral_of
    ),
    "respondToReferral": Operation("respondToReferral", RESPOND, partner, referral_of),
    "updateReferralStatus": Operation("updateReferralStatus", MOVE_REFERRAL, partner, referral_of),
    "reportProgress": Operation("reportProgress", REPORT_PROGRESS, partner, referral_of),
    # consent and privacy mutations
    "recordConsent": Operation(
        "recordConsent", RECORD_CONSENT, case_manager, client, variables=_consent_input
    ),
    "recordConsent by a client": Operation(
        "recordConsent", RECORD_CONSENT, the_client, client, variables=_consent_input
    ),
    "revokeConsent": Operation("revokeConsent", REVOKE_CONSENT, case_manager, consent_of),
    "revokeConsent by a client": Operation("revokeConsent", REVOKE_CONSENT, the_client, consent_of),
    "restrictClient by the DPO": Operation(
        "restrictClient", RESTRICT, dpo, client, within_jobcenter=False
    ),
    "restrictClient by a case manager": Operation("restrictClient", RESTRICT, case_manager, client),
    "liftRestriction by the DPO": Operation(
        "liftRestriction", LIFT, dpo, client, within_jobcenter=False
    ),
    "eraseClient by the DPO": Operation("eraseClient", ERASE, dpo, client, within_jobcenter=False),
}


async def _answer(http, tokens, places: Places, operation: Operation, id_: uuid.UUID):
    """What the actor is told: the error of the operation, top-level or in its payload."""
    response = await post_graphql(
        http,
        operation.document,
        headers=tokens.headers(operation.actor(places)),
        variables=operation.variables_for(places, id_),
    )
    assert response.status_code == 200, response.text
    body = response.json()
    if body.get("errors"):
        (error,) = body["errors"]
        return {"path": error["path"], **error["extensions"], "message": error["message"]}
    return {"payload": body["data"][operation.field]}


@pytest.mark.parametrize("name", OPERATIONS)
async def test_an_id_that_is_not_yours_gets_the_one_answer(client, tokens, places, name):
    operation = OPERATIONS[name]

    answers = [
        await _answer(client, tokens, places, operation, id_) for id_ in operation.variants(places)
    ]

    assert answers[0] == {"path": [operation.field], **NOT_FOUND}
    assert all(answer == answers[0] for answer in answers), answers


def _refused(field: str, code: str, message: str, message_de: str) -> dict[str, Any]:
    return {"field": field, "code": code, "message": message, "messageDe": message_de}


NOT_IN_NETWORK = (
    "not a network partner of this jobcenter",
    "kein Netzwerkpartner dieses Jobcenters",
)
NOT_A_CASE_MANAGER = (
    "NOT_A_CASE_MANAGER",
    "not an active case manager of this jobcenter",
    "keine aktive Fachkraft im Fallmanagement dieses Jobcenters",
)


def staff_member(place: Place) -> uuid.UUID:
    return place.case_manager.id


def organisation(place: Place) -> uuid.UUID:
    return place.organisation.id


def consent_naming(key: str) -> Callable[[Places, uuid.UUID], dict[str, Any]]:
    def variables(places: Places, id_: uuid.UUID) -> dict[str, Any]:
        values = _consent_input(places, places.mine.client.id)
        values["input"][key] = str(id_)
        return values

    return variables


# Ids named in the input of a step on one's own object: refused on the field, as input to
# correct, with one answer whether the id is someone else's or nobody's.
NAMED_IN_INPUT = {
    "addActivity partnerOrganisationId": (
        Operation(
            "addActivity",
            ACTIVITY_WITH_PARTNER,
            case_manager,
            organisation,
            within_jobcenter=False,  # the colleague's partner is in the same network
            extra=lambda places: {"goal": str(places.mine.goal_id), "target": TOMORROW},
        ),
        _refused("partnerOrganisationId", "VALIDATION", *NOT_IN_NETWORK),
    ),
    "createReferral partnerOrganisationId": (
        Operation(
            "createReferral",
            CREATE_REFERRAL,
            case_manager,
            organisation,
            within_jobcenter=False,
            variables=lambda places, id_: {
                "id": str(places.mine.case_id),
                "partner": str(id_),
                "due": (date.today() + timedelta(days=21)).isoformat(),
            },
        ),
        _refused("partnerOrganisationId", "VALIDATION", *NOT_IN_NETWORK),
    ),
    "recordConsent granteeOrganisationId": (
        Operation(
            "recordConsent",
            RECORD_CONSENT,
            case_manager,
            organisation,
            within_jobcenter=False,
            variables=consent_naming("granteeOrganisationId"),
        ),
        _refused("granteeOrganisationId", "VALIDATION", *NOT_IN_NETWORK),
    ),
    "recordConsent referralId": (
        Operation(
            "recordConsent",
            RECORD_CONSENT,
            case_manager,
            referral_of,
            variables=consent_naming("referralId"),
        ),
        _refused(
            "referralId",
            "VALIDATION",
            "no referral of this client to that organisation",
            "keine Vermittlung dieser Person an diese Organisation",
        ),
    ),
    "assignCaseManager caseManagerId": (
        Operation(
            "assignCaseManager",
            ASSIGN,
            team_lead,
            staff_member,
            variables=lambda places, id_: {"id": str(places.mine.case_id), "staff": str(id_)},
        ),
        _refused("caseManagerId", *NOT_A_CASE_MANAGER),
    ),
    "registerDeputy deputyId": (
        Operation(
            "registerDeputy",
            DEPUTY,
            team_lead,
            staff_member,
            variables=lambda places, id_: {"case": str(places.mine.case_id), "id": str(id_)},
        ),
        _refused("deputyId", *NOT_A_CASE_MANAGER),
    ),
}


@pytest.mark.parametrize("name", NAMED_IN_INPUT)
async def test_an_id_named_in_the_input_gets_one_answer_too(client, tokens, places, name):
    operation, refusal = NAMED_IN_INPUT[name]

    answers = [
        await _answer(client, tokens, places, operation, id_) for id_ in operation.variants(places)
    ]

    assert answers[0]["payload"]["errors"] == [refusal]
    assert all(answer == answers[0] for answer in answers), answers


async def test_who_may_see_the_case_but_not_change_it_is_told_forbidden(
    client, tokens, places, factories
):
    """A team lead reads every case of the jobcenter, so FORBIDDEN tells them nothing new; the
    goal they cannot read is not found, as for anyone else."""
    team_lead = await factories.staff(places.mine.jobcenter, Role.TEAM_LEAD)
    as_team_lead = Operation("addGoal", ADD_GOAL, lambda _: team_lead, case)
    sub_goal = Operation("addSubGoal", ADD_SUB_GOAL, lambda _: team_lead, goal)

    on_case = await _answer(client, tokens, places, as_team_lead, places.mine.case_id)
    on_goal = await _answer(client, tokens, places, sub_goal, places.mine.goal_id)

    assert on_case["code"] == "FORBIDDEN"
    assert on_goal == {"path": ["addSubGoal"], **NOT_FOUND}


async def test_nothing_of_the_others_changed(client, tokens, places):
    """Every refused mutation above changed nothing: the colleague still reads their case, plan,
    consent and referral as before."""
    colleague = places.neighbour.case_manager
    body = (
        await post_graphql(
            client,
            """
            query Check($case: ID!, $client: ID!, $referral: ID!) {
              case(id: $case) { status goals { title } }
              consents(clientId: $client) { active }
              referral(id: $referral) { status }
            }
            """,
            headers=tokens.headers(colleague),
            variables={
                "case": str(places.neighbour.case_id),
                "client": str(places.neighbour.client.id),
                "referral": str(places.neighbour.referral_id),
            },
        )
    ).json()

    assert "errors" not in body, body
    assert body["data"] == {
        "case": {"status": "ADMITTED", "goals": [{"title": "Z"}]},
        "consents": [{"active": True}],
        "referral": {"status": "ACCEPTED"},
    }
