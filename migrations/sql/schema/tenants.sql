-- Jobcenters (tenants): global by design, the key every tenant table leads with (Citus:
-- reference table). The service's role reads them only.

CREATE TABLE tenants (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    slug varchar(63) NOT NULL,
    name varchar(200) NOT NULL,
    created_at timestamptz DEFAULT now() NOT NULL,
    CONSTRAINT pk_tenants PRIMARY KEY (id),
    CONSTRAINT uq_tenants_slug UNIQUE (slug)
);
GRANT SELECT ON tenants TO casework_app;

