"""The reference app's configuration."""

from django.apps import AppConfig


class ReferenceConfig(AppConfig):
    """The DMLF reference app (label `dmlfref`)."""

    name = "tests.drf_reference"
    label = "dmlfref"
    default_auto_field = "django.db.models.AutoField"
