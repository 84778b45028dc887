-- The audit log: per jobcenter 16 lanes of hash chains (functions/audit_append.sql). audit_requests
-- holds one link per request and jobcenter, audit_entries one small row per object (104 bytes;
-- columns ordered so nothing is padded: 8-byte ones, UUIDs, then 4 and 2 bytes; bench/
-- audit_size.py). Kinds, field names and bases are append-only dictionaries per jobcenter.
-- The service's role only reads (its jobcenter's rows); records come in through audit_append,
-- which runs as the owner. Partitioned by month (audit_partitions.sql). Entries are found by
-- subject alone: B-tree deduplication keeps that index at about 9 bytes an entry.

CREATE TABLE audit_chain_heads (
    tenant_id uuid NOT NULL,
    seq integer NOT NULL,
    hash bytea NOT NULL,
    lane smallint NOT NULL,
    CONSTRAINT pk_audit_chain_heads PRIMARY KEY (tenant_id, lane),
    CONSTRAINT fk_audit_chain_heads_tenant_id_tenants FOREIGN KEY (tenant_id) REFERENCES tenants (id)
);
ALTER TABLE audit_chain_heads ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_chain_heads FORCE ROW LEVEL SECURITY;
CREATE POLICY chain_keeping ON audit_chain_heads
    USING (true)
    WITH CHECK (true);
GRANT SELECT ON audit_chain_heads TO casework_app;

CREATE TABLE audit_kinds (
    tenant_id uuid NOT NULL,
    code smallint NOT NULL,
    action varchar(10) NOT NULL,
    object_type varchar(40) NOT NULL,
    CONSTRAINT pk_audit_kinds PRIMARY KEY (tenant_id, code),
    CONSTRAINT uq_audit_kinds_tenant_id_action_object_type UNIQUE (tenant_id, action, object_type),
    CONSTRAINT fk_audit_kinds_tenant_id_tenants FOREIGN KEY (tenant_id) REFERENCES tenants (id)
);
ALTER TABLE audit_kinds ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_kinds FORCE ROW LEVEL SECURITY;
CREATE POLICY dictionary_keeping ON audit_kinds TO CURRENT_USER
    USING (true)
    WITH CHECK (true);
CREATE POLICY tenant_isolation ON audit_kinds FOR SELECT
    USING (tenant_id = app_current_tenant());
GRANT SELECT ON audit_kinds TO casework_app;

CREATE TABLE audit_fields (
    tenant_id uuid NOT NULL,
    kind smallint NOT NULL,
    "bit" smallint NOT NULL,
    name varchar(100) NOT NULL,
    CONSTRAINT pk_audit_fields PRIMARY KEY (tenant_id, kind, "bit"),
    CONSTRAINT uq_audit_fields_tenant_id_kind_name UNIQUE (tenant_id, kind, name),
    CONSTRAINT ck_audit_fields_bit_fits_the_mask CHECK ((("bit" >= 0) AND ("bit" <= 62))),
    CONSTRAINT fk_audit_fields_tenant_id_tenants FOREIGN KEY (tenant_id) REFERENCES tenants (id)
);
ALTER TABLE audit_fields ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_fields FORCE ROW LEVEL SECURITY;
CREATE POLICY dictionary_keeping ON audit_fields TO CURRENT_USER
    USING (true)
    WITH CHECK (true);
CREATE POLICY tenant_isolation ON audit_fields FOR SELECT
    USING (tenant_id = app_current_tenant());
GRANT SELECT ON audit_fields TO casework_app;

CREATE TABLE audit_bases (
    tenant_id uuid NOT NULL,
    code integer NOT NULL,
    name varchar(100) NOT NULL,
    CONSTRAINT pk_audit_bases PRIMARY KEY (tenant_id, code),
    CONSTRAINT uq_audit_bases_tenant_id_name UNIQUE (tenant_id, name),
    CONSTRAINT fk_audit_bases_tenant_id_tenants FOREIGN KEY (tenant_id) REFERENCES tenants (id)
);
ALTER TABLE audit_bases ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_bases FORCE ROW LEVEL SECURITY;
CREATE POLICY dictionary_keeping ON audit_bases TO CURRENT_USER
    USING (true)
    WITH CHECK (true);
CREATE POLICY tenant_isolation ON audit_bases FOR SELECT
    USING (tenant_id = app_current_tenant());
GRANT SELECT ON audit_bases TO casework_app;

CREATE TABLE audit_requests (
    occurred_at timestamptz NOT NULL,
    tenant_id uuid NOT NULL,
    request_id uuid NOT NULL,
    actor_id uuid NOT NULL,
    actor_organisation_id uuid,
    seq integer NOT NULL,
    lane smallint NOT NULL,
    actor_kind varchar(10) NOT NULL,
    operation varchar(100) NOT NULL,
    hash bytea NOT NULL,
    CONSTRAINT pk_audit_requests PRIMARY KEY (tenant_id, lane, seq, occurred_at),
    CONSTRAINT fk_audit_requests_tenant_id_tenants FOREIGN KEY (tenant_id) REFERENCES tenants (id)
) PARTITION BY RANGE (occurred_at);
ALTER TABLE audit_requests ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_requests FORCE ROW LEVEL SECURITY;
CREATE POLICY append_only ON audit_requests FOR INSERT
    WITH CHECK (true);
CREATE POLICY tenant_isolation ON audit_requests FOR SELECT
    USING (tenant_id = app_current_tenant());
GRANT SELECT ON audit_requests TO casework_app;

CREATE TABLE audit_entries (
    occurred_at timestamptz NOT NULL,
    fields bigint NOT NULL,
    tenant_id uuid NOT NULL,
    subject_id uuid NOT NULL,
    object_id uuid,
    seq integer NOT NULL,
    basis integer NOT NULL,
    kind smallint NOT NULL,
    entry smallint NOT NULL,
    lane smallint NOT NULL,
    CONSTRAINT pk_audit_entries PRIMARY KEY (tenant_id, lane, seq, occurred_at, entry),
    CONSTRAINT fk_audit_entries_tenant_id_tenants FOREIGN KEY (tenant_id) REFERENCES tenants (id)
) PARTITION BY RANGE (occurred_at);
CREATE INDEX ix_audit_entries_subject_id ON ONLY audit_entries (subject_id);
ALTER TABLE audit_entries ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_entries FORCE ROW LEVEL SECURITY;
CREATE POLICY append_only ON audit_entries FOR INSERT
    WITH CHECK (true);
CREATE POLICY tenant_isolation ON audit_entries FOR SELECT
    USING (tenant_id = app_current_tenant());
GRANT SELECT ON audit_entries TO casework_app;

