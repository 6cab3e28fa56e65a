"""Local development: ``make run``. Embedded defaults for every external part."""

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DEBUG", True)
ALLOWED_HOSTS = ["*"]  # any *.localhost; unknown hosts still get the platform's 404
