"""Every table of the service: importing each domain's models completes `Base.metadata`.

For what walks the whole schema: Alembic (`migrations/env.py`: models and migrations agree),
erasure by the data map (`service/clients/erasure.py` finds a client's tables by their foreign
keys, wherever a domain declares them) and the schema checks in tests. At the top level, beside
`app.py` and `runtime.py`, because it knows every domain: `db/` stays below them all, and the
service never imports `migrations/`.
"""

from sqlalchemy import MetaData

from service.audit import models as audit_models
from service.cases import cooperation_models
from service.cases import models as case_models
from service.clients import models as client_models
from service.clients import privacy_models
from service.consent import models as consent_models
from service.db.base import Base
from service.diary import models as diary_models
from service.partners import models as partner_models
from service.referrals import models as referral_models
from service.staff import models as staff_models
from service.tenants import models as tenant_models

DOMAIN_MODELS = (
    audit_models,
    case_models,
    cooperation_models,
    client_models,
    privacy_models,
    consent_models,
    diary_models,
    partner_models,
    referral_models,
    staff_models,
    tenant_models,
)


def all_tables() -> MetaData:
    """The metadata of every table, each domain's models imported."""
    return Base.metadata
