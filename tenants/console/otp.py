"""Two-factor sign-in for the console (django-otp, TOTP).

Sign-in is two steps: the password (``ConsoleLoginView``), then a six-digit code from an
authenticator app (``verify``). Platform staff without a confirmed device are sent to ``enrol``
first: a new TOTP device, its QR code drawn here on the server as SVG (no third party sees the
secret), confirmed by entering one code. Every console page and the data editor underneath
(Django admin) require a verified session. A lost phone: another platform administrator deletes
the person's device under Platform data → TOTP devices, and they enrol again at next sign-in.
"""

from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
import structlog
from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import devices_for_user, user_has_device
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

log = structlog.get_logger(__name__)


def is_verified(request) -> bool:
    verified = getattr(request.user, "is_verified", None)
    return bool(verified and verified())


def safe_next(request, default: str = "/console/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def second_step(request, target: str):
    """Where a signed-in but unverified member of staff goes next: enrol or enter a code."""
    name = "console-verify" if user_has_device(request.user, confirmed=True) else "console-enrol"
    return redirect(f"{reverse(name)}?{urlencode({'next': target})}")


class ConsoleLoginView(auth_views.LoginView):
    """Step one: the password (django-axes locks repeated failures out, as for every sign-in)."""

    template_name = "console/login.html"

    def dispatch(self, request, *args, **kwargs):
        if request.method == "GET" and request.user.is_authenticated and request.user.is_staff:
            if is_verified(request):
                return redirect(safe_next(request))
            return second_step(request, safe_next(request))
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        super().form_valid(form)
        return second_step(self.request, safe_next(self.request))


class TokenForm(forms.Form):
    token = forms.CharField(
        label="Code from your authenticator app",
        help_text="The 6 digits the app shows for the Council Platform console.",
        max_length=12,
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
    )

    def clean_token(self):
        token = "".join(self.cleaned_data["token"].split())
        if not (token.isascii() and token.isdigit() and len(token) == 6):
            raise forms.ValidationError("Enter the code as 6 digits, like 123456")
        return token


def _signed_in_staff(view):
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not (user.is_authenticated and user.is_active and user.is_staff):
            return redirect_to_login(request.get_full_path(), reverse("console-login"))
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


@_signed_in_staff
def verify(request):
    """Step two: a code from the device enrolled before."""
    target = safe_next(request)
    if is_verified(request):
        return redirect(target)
    devices = list(devices_for_user(request.user, confirmed=True))
    if not devices:
        return second_step(request, target)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        for device in devices:
            allowed, _ = device.verify_is_allowed()
            if not allowed:
                form.add_error("token", "Too many wrong codes: wait a minute before trying again")
                break
            if device.verify_token(form.cleaned_data["token"]):
                otp_login(request, device)
                log.info("console.otp_verified", user=request.user.get_username())
                return redirect(target)
        else:
            form.add_error("token", "That code is not right, or has expired; enter the current one")
        log.warning("console.otp_refused", user=request.user.get_username())
    status = 400 if form.errors else 200
    return render(request, "console/verify.html", {"form": form, "next": target}, status=status)


@_signed_in_staff
def enrol(request):
    """First sign-in: set up an authenticator app (only while the user has no confirmed device)."""
    target = safe_next(request)
    if user_has_device(request.user, confirmed=True):
        return second_step(request, target) if not is_verified(request) else redirect(target)
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=request.user, name="Authenticator app", confirmed=False
        )
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and not device.verify_is_allowed()[0]:
        form.add_error("token", "Too many wrong codes: wait a minute before trying again")
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            log.info("console.otp_enrolled", user=request.user.get_username())
            return redirect(target)
        form.add_error("token", "That code is not right, or has expired; enter the current one")
    context = {
        "form": form,
        "next": target,
        "qr_svg": qr_svg(device.config_url),
        "secret": secret_for_typing(device),
    }
    return render(request, "console/enrol.html", context, status=400 if form.errors else 200)


def qr_svg(data: str) -> str:
    """The QR code of ``data`` as an SVG element (drawn here; the secret never leaves the server
    except to the person enrolling)."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    svg = image.to_string(encoding="unicode")
    return svg.split("?>", 1)[-1].strip()


def secret_for_typing(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for apps that cannot scan."""
    from base64 import b32encode

    text = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))
