-- Staff and teams. A team is dissolved (active = false), never deleted: staff and the
-- indicators of past months still name it; the jobcenter's administration keeps them.

CREATE TABLE teams (
    tenant_id uuid NOT NULL,
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    name varchar(100) NOT NULL,
    created_at timestamptz DEFAULT now() NOT NULL,
    active boolean DEFAULT true NOT NULL,
    CONSTRAINT pk_teams PRIMARY KEY (tenant_id, id),
    CONSTRAINT uq_teams_tenant_id_name UNIQUE (tenant_id, name),
    CONSTRAINT fk_teams_tenant_id_tenants FOREIGN KEY (tenant_id) REFERENCES tenants (id)
);
CREATE INDEX ix_teams_id ON teams (id);
ALTER TABLE teams ENABLE ROW LEVEL SECURITY;
ALTER TABLE teams FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON teams
    USING (tenant_id = app_current_tenant())
    WITH CHECK (tenant_id = app_current_tenant());
GRANT SELECT, INSERT, UPDATE ON teams TO casework_app;

CREATE TABLE staff_users (
    tenant_id uuid NOT NULL,
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    subject varchar(255) NOT NULL,
    display_name varchar(200) NOT NULL,
    roles varchar(40)[] DEFAULT '{}' NOT NULL,
    active boolean DEFAULT true NOT NULL,
    created_at timestamptz DEFAULT now() NOT NULL,
    team_id uuid,
    CONSTRAINT pk_staff_users PRIMARY KEY (tenant_id, id),
    CONSTRAINT uq_staff_users_tenant_id_subject UNIQUE (tenant_id, subject),
    CONSTRAINT fk_staff_users_tenant_id_team_id_teams FOREIGN KEY (tenant_id, team_id) REFERENCES teams (tenant_id, id),
    CONSTRAINT fk_staff_users_tenant_id_tenants FOREIGN KEY (tenant_id) REFERENCES tenants (id)
);
CREATE INDEX ix_staff_users_id ON staff_users (id);
CREATE INDEX ix_staff_users_tenant_id_team_id ON staff_users (tenant_id, team_id);
ALTER TABLE staff_users ENABLE ROW LEVEL SECURITY;
ALTER TABLE staff_users FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON staff_users
    USING (tenant_id = app_current_tenant())
    WITH CHECK (tenant_id = app_current_tenant());
GRANT SELECT, INSERT, UPDATE, DELETE ON staff_users TO casework_app;

