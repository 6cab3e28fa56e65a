"""Words both intelligence apps use for a metric: whether higher is better, what kind of number
it is, and the shape of its id. A module of the ``intelligence`` package, not of either app, so
the council's warehouse and the platform's pool share one definition without importing each
other (the import contracts in pyproject.toml)."""

from django.core.validators import RegexValidator
from django.db import models


class Polarity(models.TextChoices):
    HIGHER = "higher", "Higher is better"
    LOWER = "lower", "Lower is better"
    NEITHER = "neither", "Neither"


class MetricKind(models.TextChoices):
    COUNT = "count", "Count"
    RATE = "rate", "Rate"
    PERCENTAGE = "percentage", "Percentage"
    CURRENCY = "currency", "Currency"
    SCORE = "score", "Score"


metric_id_validator = RegexValidator(
    r"^[a-z0-9][a-z0-9_.-]{0,63}$",
    "A metric id is 1-64 lower-case letters, digits, '_', '.' or '-'.",
)


class Theme(models.TextChoices):
    """The service area a benchmark metric belongs to (how the benchmarks page groups measures)."""

    ADULT_SOCIAL_CARE = "adult-social-care", "Adult social care"
    CHILDREN = "children", "Children's services"
    HOUSING = "housing", "Housing"
    WASTE = "waste", "Waste and recycling"
    PLANNING = "planning", "Planning"
    PUBLIC_HEALTH = "public-health", "Public health"
    FINANCE = "finance", "Finance and council tax"
    LIBRARIES = "libraries", "Libraries and culture"
    ROADS = "roads", "Roads and transport"
    ENVIRONMENT = "environment", "Environment"
    CONTEXT = "context", "Context (population and place)"
