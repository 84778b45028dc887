"""Named actions, as the policy spells them: `resource:verb`. Never write these as literals."""

from __future__ import annotations

from enum import StrEnum


class Action(StrEnum):
    READ_IDENTITY = "identity:read"
    READ_FIELD = "read"  # allow_field: one data category of one client's data
    CLIENT_DATA_WRITE = "client_data:write"  # any stored change to one client's data (flush)
    NETWORK_READ = "network:read"
    REFERRAL_READ = "referral:read"
    REFERRAL_CREATE = "referral:create"
    REFERRAL_RESPOND = "referral:respond"
    REFERRAL_UPDATE_STATUS = "referral:update_status"
    REFERRAL_WITHDRAW = "referral:withdraw"
    REFERRAL_REPORT = "referral:report"
    CLIENT_READ = "client:read"  # the client exists for the actor (ids of others: NOT_FOUND)
    CONSENT_READ = "consent:read"  # a client's consents, as a list or one by id
    CONSENT_RECORD = "consent:record"
    CONSENT_REVOKE = "consent:revoke"
    CONSENT_RECORD_DEPUTY = "consent:record_deputy"  # a deputy consent: never by the deputy
    CONSENT_REVOKE_DEPUTY = "consent:revoke_deputy"
    ACCESS_REPORT_READ = "access_report:read"  # the Auskunft of one client
    DATA_COPY_READ = "data_copy:read"  # the copy of one client's data (Art. 15(3) GDPR)
    CASE_READ = "case:read"
    CASE_PROPOSE = "case:propose"
    CASE_DECIDE_INTAKE = "case:decide_intake"
    CASE_WORK = "case:work"
    CASE_ASSIGN = "case:assign"
    CASE_REGISTER_DEPUTY = "case:register_deputy"
    CASELOAD_READ = "caseload:read"
    DUE_LIST_READ = "due_list:read"  # a case manager's follow-ups and appointments due
    INDICATORS_READ = "indicators:read"
    CLIENT_RESTRICT = "client:restrict"
    CLIENT_ERASE = "client:erase"
    AUDIT_VERIFY = "audit:verify"
    # Administration (Stammdatenpflege)
    CLIENT_REGISTER = "client:register"  # also the bulk import
    CLIENT_UPDATE = "client:update"
    CLIENT_DEACTIVATE = "client:deactivate"
    STAFF_MANAGE = "staff:manage"
    TEAM_MANAGE = "team:manage"
    NETWORK_MANAGE = "network:manage"
    CLIENT_SEARCH = "client:search"  # the jobcenter's client directory, by number or name
    CASE_MANAGERS_READ = "case_managers:read"  # whom a client can be proposed to
