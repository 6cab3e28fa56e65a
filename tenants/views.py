from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from platform_core.api.throttling import ClientAddressThrottle

from . import actions
from .access import active_councils
from .forms import CouncilSignupForm


def platform_home(request):
    # Never the platform's own public tenant: it is the platform, not a council on it.
    councils = active_councils().prefetch_related("domains")
    return render(request, "tenants/platform_home.html", {"councils": councils})


def council_signup(request):
    form = CouncilSignupForm(request.POST or None)
    if request.method == "POST" and not ClientAddressThrottle("signup").allow(request):
        # Per client address (TRUSTED_PROXY_COUNT decides which), rate SIGNUP_THROTTLE.
        form = CouncilSignupForm(initial=request.POST.dict())
        return render(request, "tenants/signup.html", {"form": form, "throttled": True}, status=429)
    if request.method == "POST" and form.is_valid():
        try:
            actions.request_council(**form.cleaned_data)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                for message in messages:
                    form.add_error(field if field in form.fields else None, message)
        else:
            return redirect("council-signup-thanks")
    return render(
        request, "tenants/signup.html", {"form": form}, status=400 if form.errors else 200
    )


def council_signup_thanks(request):
    return render(request, "tenants/signup_thanks.html")
