"""Django settings of the reference deployment, as a production DRF service sets them.

Environment: DMLF_REF_DIR (database and media), DMLF_BROKEN (a broken variant, see BROKEN),
DMLF_ACCESS_TTL (seconds; default one hour), DMLF_ANON_RATE (default `10/day`, as the real
service throttles its anonymous token endpoints).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

BROKEN_VARIANTS = {
    "expired_accepted": "an expired access token is still accepted (a huge JWT leeway)",
    "refresh_as_access": "a refresh token is accepted as an access token",
    "filter_ignored": "list filters are ignored (no filter backend)",
    "patch_resets": "PATCH resets fields it does not send",
    "paginated_list": "lists are wrapped in a paginator",
}
DMLF_BROKEN = os.environ.get("DMLF_BROKEN", "")
if DMLF_BROKEN and DMLF_BROKEN not in BROKEN_VARIANTS:
    raise SystemExit(f"DMLF_BROKEN={DMLF_BROKEN}: not one of {', '.join(BROKEN_VARIANTS)}")

STATE = Path(os.environ.get("DMLF_REF_DIR", "/tmp/dmlf-reference"))
SECRET_KEY = "reference-deployment-of-the-dmlf-contract-not-a-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
APPEND_SLASH = True
ROOT_URLCONF = "tests.drf_reference.urls"
USE_TZ = True
TIME_ZONE = "UTC"
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "rest_framework",
    "rest_framework_simplejwt",
    "django_filters",
    "drf_spectacular",
    "tests.drf_reference.apps.ReferenceConfig",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(STATE / "db.sqlite3")}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
MEDIA_ROOT = str(STATE / "media")
MEDIA_URL = "/media/"
TEMPLATES: list[dict[str, Any]] = [
    {"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True}
]
STATIC_URL = "/static/"

REST_FRAMEWORK: dict[str, Any] = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework_simplejwt.authentication.JWTAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("DMLF_ANON_RATE", "10/day"),
        "user": "10000/day",
    },
}
SIMPLE_JWT: dict[str, Any] = {
    "ACCESS_TOKEN_LIFETIME": dt.timedelta(seconds=float(os.environ.get("DMLF_ACCESS_TTL", 3600))),
    "REFRESH_TOKEN_LIFETIME": dt.timedelta(days=1),
    "ROTATE_REFRESH_TOKENS": False,
    "ALGORITHM": "HS256",
}

# Broken variants: each one setting or view a real deployment gets wrong.
if DMLF_BROKEN == "expired_accepted":
    SIMPLE_JWT["LEEWAY"] = dt.timedelta(days=30)
if DMLF_BROKEN == "refresh_as_access":
    SIMPLE_JWT["AUTH_TOKEN_CLASSES"] = (
        "rest_framework_simplejwt.tokens.AccessToken",
        "rest_framework_simplejwt.tokens.RefreshToken",
    )
if DMLF_BROKEN == "filter_ignored":
    REST_FRAMEWORK["DEFAULT_FILTER_BACKENDS"] = []
if DMLF_BROKEN == "paginated_list":
    REST_FRAMEWORK["DEFAULT_PAGINATION_CLASS"] = "rest_framework.pagination.PageNumberPagination"
    REST_FRAMEWORK["PAGE_SIZE"] = 100
