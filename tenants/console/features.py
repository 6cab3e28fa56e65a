"""The console's feature flags page for one council: each optional feature with its default
and its setting, and a form to switch one (tenants.actions.set_council_feature, audited in the
council's history)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from platform_core import features

from .. import actions
from ..models import CouncilEvent
from .access import access_council, console_view
from .forms import FeatureForm

ON_OFF = {True: "On", False: "Off"}


def feature_rows(council) -> list[dict]:
    defaults = features.defaults(council.schema_name)
    own = features.overrides(council.schema_name)
    rows = []
    for feature in features.features():
        default_on, source = defaults[feature.key]
        setting = own.get(feature.key)
        rows.append(
            {
                "feature": feature,
                "default": default_on,
                "default_source": source,
                "setting": setting,
                "enabled": default_on if setting is None else setting,
            }
        )
    return rows


@require_http_methods(["GET", "HEAD", "POST"])
@console_view("tenants.view_council")
def council_features(request, slug):
    """GET: the council's features. POST (needs tenants.change_council): switch one."""
    council = access_council(slug)
    can_change = request.user.has_perm("tenants.change_council")
    status = 200
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied("You may not change councils' features.")
        form = FeatureForm(request.POST, prefix="feature")
        if form.is_valid():
            data = form.cleaned_data
            try:
                changed = actions.set_council_feature(
                    council, data["feature"], data["state"], request.user, data["reason"]
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                label = features.get(data["feature"]).label
                now = features.resolve(council.schema_name)[data["feature"]]
                if changed:
                    messages.success(
                        request, f"{label} is {ON_OFF[now].lower()} for {council.name}."
                    )
                else:
                    messages.info(request, f"{label} was already set so for {council.name}.")
                return redirect("console-features", slug=council.slug)
        status = 400
    else:
        form = FeatureForm(prefix="feature", initial={"feature": request.GET.get("feature")})
    context = {
        "council": council,
        "rows": feature_rows(council),
        "form": form,
        "can_change": can_change,
        "events": CouncilEvent.objects.filter(
            council=council, kind=CouncilEvent.Kind.FEATURE_CHANGED
        ).select_related("actor")[:20],
    }
    return render(request, "console/features.html", context, status=status)
