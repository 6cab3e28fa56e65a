import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform_core.settings.dev")
application = get_wsgi_application()

# URL resolvers and the platform's templates, built now rather than on the first visitor's
# request (platform_core/warmup.py).
from platform_core.warmup import warm  # noqa: E402

warm()
