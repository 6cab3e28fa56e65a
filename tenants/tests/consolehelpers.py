"""Clients for the platform console in tests: a platform user signed in on the platform domain."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client


def platform_user(username="operator@platform.example", *, perms=(), superuser=False, staff=True):
    User = get_user_model()
    if superuser:
        user = User.objects.create_superuser(username, password=None)
    else:
        user = User.objects.create_user(username, password=None, is_staff=staff)
    if perms:
        user.user_permissions.set(
            Permission.objects.filter(
                content_type__app_label__in={p.split(".")[0] for p in perms},
                codename__in=[p.split(".")[1] for p in perms],
            )
        )
    return user


def console_client(user) -> Client:
    """Signed in with the password and the second factor, as the console requires."""
    client = Client(HTTP_HOST=settings.PLATFORM_DOMAIN)
    client.force_login(user)
    second_factor(client, user)
    client.user = user
    return client


def second_factor(client, user):
    """Give ``user`` a confirmed TOTP device and mark the client's session as verified with it,
    as the console's code step does (django_otp.login). Returns the device."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=user, name="Test authenticator", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device
