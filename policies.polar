# Who may do what. This file decides; Python only supplies facts (service/policy/).
# Read it with DESIGN.md's "Actors" table beside you. A change here is a change of who sees
# what: it needs a changed row in tests/policy/test_policy_table.py.
#
# User is service.identity.actor.Actor (kind, roles, tenant_id or organisation_id); "Actor" is
# a Polar built-in name. Resource blocks for cases, referrals and consents come with those
# domains, together with the has_permission rule that connects them to allow.

# Everyone signed in may see who they are: their kind, roles and jobcenter or organisation.
allow(user: User, "identity:read", user);
