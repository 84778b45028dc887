# Who may do what. This file decides; Python only supplies facts (service/policy/).
# Read it with DESIGN.md's "Actors" table beside you. A change here is a change of who sees
# what: it needs a changed row in tests/policy/.
#
# The classes Python registers:
#   User    service.identity.actor.Actor: kind, roles (has_role), user_id, tenant_id,
#           organisation_id. ("Actor" is a Polar built-in name.)
#   Access  service.policy.facts.Access: what a user is to one client's data at one place in
#           the API: relations (strings), consents (Consent), flags (strings).
#   Consent service.policy.facts.ConsentFact: purpose, direction, categories, explicit_special,
#           grantee_id, deputy_id (the person a deputy consent names), active (valid now and
#           not revoked).
# Constants: CASE_CATEGORIES (every category but partners' report texts), SPECIAL_CATEGORIES
# (health, addiction: Art. 9 GDPR), DOCUMENT_CATEGORIES (what a document can be classified as).

# ---------------------------------------------------------------------------------------------
# Identity

# Everyone signed in may see who they are: their kind, roles and jobcenter or organisation.
allow(user: User, "identity:read", user);

# ---------------------------------------------------------------------------------------------
# Personal data, by data category (service/policy/guard.py asks authorized_fields once per
# distinct Access in a request and reuses the answer for every row).

# Nobody reads anything of an object past its access-until date (documents), and nobody but
# the data-protection officer reads the data of a client whose processing is restricted
# (Sperrung, Art. 18 GDPR).
allow_field(user: User, "read", access: Access, category: String) if
    not "access_expired" in access.flags and
    not_restricted_for(user, access, category) and
    may_read(user, access, category);

not_restricted_for(_user: User, access: Access, _category: String) if
    not "restricted" in access.flags;
not_restricted_for(user: User, _access: Access, _category: String) if
    user.has_role("data_protection_officer");
# The client's right of access (Art. 15 GDPR) holds during a restriction too.
not_restricted_for(user: User, _access: Access, "access_report") if
    user.has_role("client");

# --- Jobcenter staff

# The case manager of a case reads all of it, including the protected case-management area.
may_read(user: User, access: Access, category: String) if
    user.has_role("case_manager") and
    acts_as_case_manager(user, access) and
    category in CASE_CATEGORIES;

acts_as_case_manager(_user: User, access: Access) if
    "responsible_case_manager" in access.relations;

# A deputy only under the client's deputy consent that names them, and only in its period
# (domain/001: Vertretung nur nach Rücksprache mit dem Kunden und seinem Einverständnis). The
# client agrees to a person for an absence: a consent given for another colleague, or for an
# earlier absence, grounds nothing, so a replaced deputy needs a new consent.
acts_as_case_manager(user: User, access: Access) if
    "deputy_case_manager" in access.relations and
    consent in access.consents and
    consent.purpose = "deputy" and
    consent.grantee_id = user.tenant_id and
    consent.deputy_id = user.user_id and
    consent.active;

# What a partner reported reaches the jobcenter only under a consent in that direction.
may_read(user: User, access: Access, "progress_reports") if
    user.has_role("case_manager") and
    acts_as_case_manager(user, access) and
    consent in access.consents and
    consent.purpose = "referral" and
    consent.direction = "to_jobcenter" and
    consent.active and
    "progress_reports" in consent.categories;

# Team leads steer caseloads: who the client is and where the case stands, not its content and
# not its outcome. A case list filtered by one case manager would otherwise be that person's
# results (case_closure: closing reasons), which domain/002 rules out ("keine Ergebnisse ...,
# welche auf einzelne Mitarbeiterinnen oder Mitarbeiter bezogen werden können").
may_read(user: User, access: Access, category: String) if
    user.has_role("team_lead") and
    "same_jobcenter" in access.relations and
    category in ["identity", "case_status"];

# Placement officers see their proposals and what became of them, up to the closing reason
# (the client may come back to them); not the reasoning, which is protected content.
may_read(user: User, access: Access, category: String) if
    user.has_role("placement_officer") and
    "proposer" in access.relations and
    category in ["identity", "intake", "case_status", "case_closure"];

# The placement officer a closed case is handed back to (domain/004: Rückgabe an die
# Arbeitsvermittlung) learns who comes back and what became of the case, not how it began:
# the intake is the proposer's, the closing talk the case manager's.
may_read(user: User, access: Access, category: String) if
    user.has_role("placement_officer") and
    "handover_recipient" in access.relations and
    category in ["identity", "case_status", "case_closure"];

# --- Network partners

# The referral itself: what was asked of them, by when, and its status.
may_read(user: User, access: Access, "referral") if
    user.has_role("partner_counsellor") and
    "referral_recipient" in access.relations;

# What they reported themselves.
may_read(user: User, access: Access, "progress_reports") if
    user.has_role("partner_counsellor") and
    "report_author" in access.relations;

# Of the client and the case: exactly what an active consent of the client, for this
# organisation and this referral, covers in the direction jobcenter → partner. Health and
# addiction only where the client consented to them explicitly. And only while the referral is
# open: the consent serves its purpose, and with a final status (declined, completed, aborted,
# no-show; closing the case aborts open referrals) or once the case is finally closed (a
# referral made in after-care ends with the after-care: service/referrals/access.py) the
# purpose has ended (§ 78 SGB X, domain/000 Zweckbindungsprinzip). The referral record and
# the partner's own reports stay readable above.
may_read(user: User, access: Access, category: String) if
    user.has_role("partner_counsellor") and
    "referral_recipient" in access.relations and
    "referral_open" in access.flags and
    consent in access.consents and
    consent.purpose = "referral" and
    consent.direction = "to_partner" and
    consent.grantee_id = user.organisation_id and
    consent.active and
    category in consent.categories and
    (not category in SPECIAL_CATEGORIES or consent.explicit_special) and
    protected_area_named(access, consent);

# A document of the protected case-management area reaches a partner only under a consent that
# names protected-area documents, whatever else its category (domain/000: geschützter Bereich;
# a Befundbericht there is health data as well, so it needs both and the explicit consent).
protected_area_named(access: Access, _consent: Consent) if
    not "protected_area" in access.flags;
protected_area_named(access: Access, consent: Consent) if
    "protected_area" in access.flags and
    "protected_documents" in consent.categories;

# --- Clients

# Their own data, outside the protected case-management area: what `subject_reads` gives.
may_read(user: User, access: Access, category: String) if
    user.has_role("client") and
    "data_subject" in access.relations and
    subject_reads(access, category);

subject_reads(_access: Access, category: String) if
    category in ["identity", "contact", "household", "case_status", "case_closure",
                 "integration_plan", "referral", "consents"];

# Not in that list: the intake, the assessment, the case manager's reasoning and notes
# (case_notes) and the partners' report texts: the protected case-management area (domain/000)
# is the case manager's working space, while the plan is drawn up with the client and shared
# with them (§ 15 SGB II, Kooperationsplan).

# Which documents their case file holds (the list); of each document only what the rule below
# gives.
subject_reads(access: Access, "documents") if
    not "filed_document" in access.flags;

# Their documents that the case manager marked visible to them, whatever their category.
subject_reads(access: Access, category: String) if
    "visible_to_client" in access.flags and
    category in DOCUMENT_CATEGORIES;

# --- The ground of a read, for the audit and the client's Auskunft (who saw what, and why).
# Asked by service/policy/guard.py once per situation and category, for reads allowed above: a
# read stands on the first active consent (in the order the facts list them) that grounds it for
# this user; where none does, on the user's relations to the client, which Python writes out.
ground(user: User, access: Access, category: String, consent: Consent) if
    consent in access.consents and
    consent.active and
    grounds(user, access, category, consent);

# A partner reads under the referral consent given to its own organisation for the category,
# never under another organisation's.
grounds(user: User, _access: Access, category: String, consent: Consent) if
    user.kind = "partner" and
    consent.purpose = "referral" and
    consent.direction = "to_partner" and
    consent.grantee_id = user.organisation_id and
    category in consent.categories;

# A deputy stands on the deputy consent naming them, for whatever they read in the case; the
# responsible case manager never needs it.
grounds(user: User, access: Access, _category: String, consent: Consent) if
    user.kind = "staff" and
    consent.purpose = "deputy" and
    not "responsible_case_manager" in access.relations and
    "deputy_case_manager" in access.relations and
    consent.deputy_id = user.user_id;

# Staff read what a consent toward the jobcenter covers (a partner's reports) under it. A client
# reads their own data as its subject: the consents they gave ground none of their reads.
grounds(user: User, _access: Access, category: String, consent: Consent) if
    user.kind = "staff" and
    consent.purpose != "deputy" and
    consent.direction = "to_jobcenter" and
    category in consent.categories;

# ---------------------------------------------------------------------------------------------
# Network, referrals and consents (object level). `access` is the same fact object as above.

# Jobcenter staff see their jobcenter's network; partner users their own organisation.
allow(user: User, "network:read", "network") if user.kind = "staff";
allow(user: User, "network:read", "network") if user.has_role("partner_counsellor");

# A referral is visible to whoever may read its referral data.
allow(user: User, "referral:read", access: Access) if
    may_read(user, access, "referral");

# The case manager of an admitted case refers the client, and may withdraw the referral.
allow(user: User, "referral:create", access: Access) if
    user.has_role("case_manager") and acts_as_case_manager(user, access);
allow(user: User, "referral:withdraw", access: Access) if
    user.has_role("case_manager") and acts_as_case_manager(user, access);

# The partner it went to accepts or declines it, moves it on and reports back.
allow(user: User, action: String, access: Access) if
    action in ["referral:respond", "referral:update_status", "referral:report"] and
    user.has_role("partner_counsellor") and
    "referral_recipient" in access.relations;

# A client exists for a user who may read some of their data where they stand (service/clients/
# access.py): their case manager, a deputy under consent, the team lead and data-protection
# officer of their jobcenter, a placement officer who proposed them, the client themselves. To
# anyone else a client's id is as unknown as a random one: NOT_FOUND (DESIGN.md, "Not yours is
# one answer"), so that nobody learns who is a client of the jobcenter by trying ids.
allow(user: User, "client:read", access: Access) if
    may_read(user, access, _category);

# A client's consents, listed or by id, for whoever reads consent data (not the ids of consents
# whose every field would be refused).
allow(user: User, "consent:read", access: Access) if
    may_read(user, access, "consents");

# Consents for a referral are recorded and revoked by the client's case manager — a deputy
# standing in under their active deputy consent too, since the absent colleague's referrals go on
# — or by the client.
allow(user: User, action: String, access: Access) if
    action in ["consent:record", "consent:revoke"] and
    user.has_role("case_manager") and acts_as_case_manager(user, access);

# A deputy consent only by the responsible case manager or the client, never by a deputy: who
# stands in, and for which absence, is agreed between the client and their case manager
# (domain/001); a deputy who could record it would grant himself the protected area.
allow(user: User, action: String, access: Access) if
    action in ["consent:record_deputy", "consent:revoke_deputy"] and
    user.has_role("case_manager") and "responsible_case_manager" in access.relations;

allow(user: User, action: String, access: Access) if
    action in ["consent:record", "consent:revoke", "consent:record_deputy",
               "consent:revoke_deputy"] and
    user.has_role("client") and "data_subject" in access.relations;

# ---------------------------------------------------------------------------------------------
# --- Cases (object level). `access` is what the user is to the case (service/cases/access.py),
# or, for actions on no case yet (proposing, caseloads, indicators), to the jobcenter: then it
# holds only "same_jobcenter".

# A case exists for a user only if they may read its status; everyone else gets "not found".
# So a registered deputy without the client's active deputy consent does not see the case.
allow(user: User, "case:read", access: Access) if
    may_read(user, access, "case_status");

# Placement officers and case managers propose clients of their jobcenter for intake.
allow(user: User, "case:propose", access: Access) if
    "same_jobcenter" in access.relations and
    (user.has_role("placement_officer") or user.has_role("case_manager"));

# The case manager the proposal names decides on admission (domain/000: Übergabe).
allow(user: User, "case:decide_intake", access: Access) if
    user.has_role("case_manager") and
    "responsible_case_manager" in access.relations;

# The work on an admitted case — assessment, plan, steering, agreement, reviews, documents,
# closure, after-care — by its case manager, or a deputy under the client's active consent.
allow(user: User, "case:work", access: Access) if
    user.has_role("case_manager") and
    acts_as_case_manager(user, access);

# Team leads (re)assign the responsible case manager and see caseloads.
allow(user: User, action: String, access: Access) if
    action in ["case:assign", "caseload:read"] and
    user.has_role("team_lead") and
    "same_jobcenter" in access.relations;

# A deputy is registered by the team lead or by the responsible case manager.
allow(user: User, "case:register_deputy", access: Access) if
    user.has_role("team_lead") and "same_jobcenter" in access.relations;
allow(user: User, "case:register_deputy", access: Access) if
    user.has_role("case_manager") and "responsible_case_manager" in access.relations;

# Aggregated indicators of the jobcenter and its teams, never per employee, and for controlling
# alone: the leaders in the jobcenters take no part in the evaluation (domain/002, 4.: "Die
# Führungskräfte in den Job-Centern sind an der Erhebung und Auswertung ... nicht beteiligt").
allow(user: User, "indicators:read", access: Access) if
    user.has_role("controlling") and
    "same_jobcenter" in access.relations;

# ---------------------------------------------------------------------------------------------
# --- The case manager's diary (service/diary/): notes (Historienvermerke), appointments
# (Termine), follow-ups (Wiedervorlagen). Writing them is `case:work` above: the responsible
# case manager, or a deputy under the client's active deputy consent. Notes and follow-ups are
# case_notes, the protected area (domain/000: the case manager's working space): no team lead,
# no placement officer, no client, a partner only under a consent that names case_notes.

# The client reads their own appointments — when, where, what kind, whether held: they are the
# one who has to come (§ 59 SGB II with § 309 SGB III, Meldepflicht), and an appointment
# recorded as missed can have consequences for them (§ 32 SGB II). Not the internal note nor the
# reason recorded for a missed one: those are case_notes.
subject_reads(_access: Access, "appointments");

# The due list is a case manager's own: their follow-ups and appointments across the cases they
# work on (each case then asked as `case:work`). Team leads steer caseloads (`caseload:read`),
# and per-person counts of overdue follow-ups would be a measure of one employee's work, which
# domain/002 rules out for leaders ("keine Ergebnisse ..., welche auf einzelne Mitarbeiterinnen
# oder Mitarbeiter bezogen werden können"); they get no such list.
allow(user: User, "due_list:read", access: Access) if
    user.has_role("case_manager") and
    "same_jobcenter" in access.relations;

# ---------------------------------------------------------------------------------------------
# --- Administration (Stammdatenpflege). `access` is the jobcenter's ("same_jobcenter"), or a
# client as the jobcenter's directory shows them (flag "client_directory": the administration's
# own views and the client search, service/admin/directory.py; nowhere else).

# The jobcenter's administration registers and keeps its clients (also by bulk import from the
# system it comes from), its staff and teams, and its network of partners; it deactivates, never
# deletes (a client's or colleague's history and the audit go on naming them). It never reads
# case content: it stands in no relation to a case.
allow(user: User, action: String, access: Access) if
    action in ["client:register", "client:update", "client:deactivate", "staff:manage",
               "team:manage", "network:manage"] and
    user.has_role("jobcenter_admin") and
    "same_jobcenter" in access.relations;

# The master data it keeps: who the client is, how to reach them, their household — read back
# in its own views only, so the role opens no case, consent or Auskunft of anybody.
may_read(user: User, access: Access, category: String) if
    user.has_role("jobcenter_admin") and
    "same_jobcenter" in access.relations and
    "client_directory" in access.flags and
    category in ["identity", "contact", "household"];

# Whoever proposes clients for intake (placement officers, case managers; domain/000: Fallzugang
# über die Arbeitsvermittlung) finds them in the jobcenter's directory by customer number or
# name, and reads there who they are — not how to reach them or their household.
allow(user: User, "client:search", access: Access) if
    "same_jobcenter" in access.relations and
    (user.has_role("placement_officer") or user.has_role("case_manager") or
     user.has_role("jobcenter_admin"));

may_read(user: User, access: Access, "identity") if
    (user.has_role("placement_officer") or user.has_role("case_manager")) and
    "same_jobcenter" in access.relations and
    "client_directory" in access.flags;

# The jobcenter's active case managers, to propose a client to (and for the team lead who
# assigns, and the administration that keeps them). Names of colleagues, no client's data.
allow(user: User, "case_managers:read", access: Access) if
    "same_jobcenter" in access.relations and
    (user.has_role("placement_officer") or user.has_role("case_manager") or
     user.has_role("team_lead") or user.has_role("jobcenter_admin"));

# ---------------------------------------------------------------------------------------------
# Restriction and erasure (Sperrung, Löschung): the data-protection officer of the jobcenter.
allow(user: User, action: String, access: Access) if
    action in ["client:restrict", "client:erase"] and
    user.has_role("data_protection_officer") and
    "same_jobcenter" in access.relations;

# Restriction stops writes as well as reads (Art. 18(2) GDPR: restricted data is, apart from
# storage, not processed further). Every stored change to a client's data is asked here once
# more, at the flush (service/audit/writes.py), after the action itself was allowed above;
# `access` then carries only the flags of the written row. Audit records are not asked: they
# are no change to the client's data, so the client's Auskunft works during a restriction.
allow(_user: User, "client_data:write", access: Access) if
    not "restricted" in access.flags;
# Only the data-protection officer changes restricted data: lifting the restriction, erasure.
allow(user: User, "client_data:write", _access: Access) if
    user.has_role("data_protection_officer");
# Withdrawing a consent stays possible, for the client and for staff who may revoke it (Art.
# 7(3) GDPR: as easy as giving it, at any time), since it only reduces processing. Recording a
# new consent does not: it would open processing the restriction holds back.
allow(_user: User, "client_data:write", access: Access) if
    "consent_withdrawal" in access.flags;

# ---------------------------------------------------------------------------------------------
# --- Auskunft (Art. 15 GDPR, § 83 SGB X): who saw which of a client's data, when, on which
# occasion. The data-protection officer of the client's jobcenter, and the client themselves.
# The report names fields and categories that were read, never their values; it is itself
# personal data of the client (category "access_report") and reading it is recorded.
allow(user: User, "access_report:read", access: Access) if
    user.has_role("data_protection_officer") and
    "same_jobcenter" in access.relations;
allow(user: User, "access_report:read", access: Access) if
    user.has_role("client") and
    "data_subject" in access.relations;

may_read(user: User, access: Access, "access_report") if
    allow(user, "access_report:read", access);

# The copy of the data (Art. 15(3) GDPR): every item of their data the client reads in their
# own view (`subject_reads`), and nothing of the protected case-management area beyond it. The
# data-protection officer produces it for a client who asks without the portal, and reads
# exactly that, only in the copy (flag "data_copy", service/access_report/copy.py).
allow(user: User, "data_copy:read", access: Access) if
    allow(user, "access_report:read", access);

may_read(user: User, access: Access, category: String) if
    user.has_role("data_protection_officer") and
    "same_jobcenter" in access.relations and
    "data_copy" in access.flags and
    subject_reads(access, category);

# The right of access holds during a restriction, as for the Auskunft above: the copy with it.
not_restricted_for(user: User, access: Access, _category: String) if
    user.has_role("client") and
    "data_copy" in access.flags;

# ---------------------------------------------------------------------------------------------
# The audit chain: verified by the jobcenter's data-protection officer.
allow(user: User, "audit:verify", "audit") if
    user.kind = "staff" and user.has_role("data_protection_officer");
