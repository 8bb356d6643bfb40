from django import template
from django.db.models import QuerySet

from integrations.models import Assessment
from integrations.selectors import mappable_assessments as _mappable_assessments

register = template.Library()


@register.simple_tag
def mappable_assessments() -> QuerySet[Assessment]:
    """{% mappable_assessments as assessments %}: what a recruiter can send."""
    return _mappable_assessments()
