"""What a network partner offers (Leistungsangebote im Netzwerk, domain/001 and domain/004)."""

from __future__ import annotations

from enum import StrEnum


class ServiceCategory(StrEnum):
    DEBT_COUNSELLING = "debt_counselling"  # Schuldnerberatung
    ADDICTION_COUNSELLING = "addiction_counselling"  # Suchtberatung
    HOUSING_HELP = "housing_help"  # Wohnungshilfe / Wohnungsnotfallhilfe
    CHILDCARE = "childcare"  # Kinderbetreuung
    HEALTH = "health"  # Gesundheitsberatung
    PSYCHOSOCIAL_COUNSELLING = "psychosocial_counselling"  # psychosoziale Beratung / Lebenslagen


SERVICE_CATEGORY_LABELS_DE: dict[ServiceCategory, str] = {
    ServiceCategory.DEBT_COUNSELLING: "Schuldnerberatung",
    ServiceCategory.ADDICTION_COUNSELLING: "Suchtberatung",
    ServiceCategory.HOUSING_HELP: "Wohnungshilfe",
    ServiceCategory.CHILDCARE: "Kinderbetreuung",
    ServiceCategory.HEALTH: "Gesundheitsberatung",
    ServiceCategory.PSYCHOSOCIAL_COUNSELLING: "Psychosoziale Beratung",
}
