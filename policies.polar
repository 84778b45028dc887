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
#           grantee_id, active (valid now and not revoked).
# Constants: CASE_CATEGORIES (every category but partners' report texts), SPECIAL_CATEGORIES
# (health, addiction: Art. 9 GDPR).

# ---------------------------------------------------------------------------------------------
# Identity

# Everyone signed in may see who they are: their kind, roles and jobcenter or organisation.
allow(user: User, "identity:read", user);

# ---------------------------------------------------------------------------------------------
# Personal data, by data category (service/policy/guard.py asks authorized_fields once per
# distinct Access in a request and reuses the answer for every row).

# Nobody reads anything of an object past its access-until date (documents).
allow_field(user: User, "read", access: Access, category: String) if
    not "access_expired" in access.flags and
    may_read(user, access, category);

# --- Jobcenter staff

# The case manager of a case reads all of it, including the protected case-management area.
may_read(user: User, access: Access, category: String) if
    user.has_role("case_manager") and
    acts_as_case_manager(user, access) and
    category in CASE_CATEGORIES;

acts_as_case_manager(_user: User, access: Access) if
    "responsible_case_manager" in access.relations;

# A deputy only while the client's deputy consent is active (domain/001: Vertretung nur mit
# Einwilligung der Kundin / des Kunden).
acts_as_case_manager(user: User, access: Access) if
    "deputy_case_manager" in access.relations and
    consent in access.consents and
    consent.purpose = "deputy" and
    consent.grantee_id = user.tenant_id and
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

# Team leads steer caseloads: who the client is and where the case stands, not its content.
may_read(user: User, access: Access, category: String) if
    user.has_role("team_lead") and
    "same_jobcenter" in access.relations and
    category in ["identity", "case_status"];

# Placement officers see their proposals and what became of them.
may_read(user: User, access: Access, category: String) if
    user.has_role("placement_officer") and
    "proposer" in access.relations and
    category in ["identity", "intake", "case_status"];

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
# addiction only where the client consented to them explicitly.
may_read(user: User, access: Access, category: String) if
    user.has_role("partner_counsellor") and
    "referral_recipient" in access.relations and
    consent in access.consents and
    consent.purpose = "referral" and
    consent.direction = "to_partner" and
    consent.grantee_id = user.organisation_id and
    consent.active and
    category in consent.categories and
    (not category in SPECIAL_CATEGORIES or consent.explicit_special);

# --- Clients

# Their own data, outside the protected case-management area.
may_read(user: User, access: Access, category: String) if
    user.has_role("client") and
    "data_subject" in access.relations and
    category in ["identity", "contact", "household", "case_status", "integration_plan",
                 "referral", "consents"];

# Their documents that the case manager marked visible to them.
may_read(user: User, access: Access, "documents") if
    user.has_role("client") and
    "data_subject" in access.relations and
    "visible_to_client" in access.flags;
