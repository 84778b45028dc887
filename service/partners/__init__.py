"""Network partners: organisations, their memberships in jobcenters' networks, their users."""
