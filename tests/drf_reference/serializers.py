"""ModelSerializers over every model field, and the sample-info structures per sample type."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from typing import Any, ClassVar

from rest_framework import serializers

from tests.drf_reference import models

SAMPLE_ID = re.compile(r"^\d{6}_\d{6}_\d{6}$")


class BatteryInfo(serializers.Serializer[Any]):
    """The sample info of a battery."""

    name = serializers.CharField()
    composition = serializers.CharField(required=False)
    manufacturer = serializers.CharField()
    produced = serializers.DateField(required=False, allow_null=True)
    comment = serializers.CharField(required=False, allow_null=True)


class SolidsInfo(serializers.Serializer[Any]):
    """The sample info of a solid."""

    name = serializers.CharField()
    weight_in_g = serializers.FloatField(required=False, allow_null=True)
    volume_in_ccm = serializers.FloatField(required=False, allow_null=True)
    density_in_gccm = serializers.FloatField(required=False, allow_null=True)
    comment = serializers.CharField(required=False, allow_null=True)


class LiquidInfo(serializers.Serializer[Any]):
    """The sample info of a liquid."""

    name = serializers.CharField()
    volume_in_ccm = serializers.FloatField(required=False, allow_null=True)
    weight_in_g = serializers.FloatField(required=False, allow_null=True)
    density_in_gccm = serializers.FloatField(required=False, allow_null=True)
    comment = serializers.CharField(required=False, allow_null=True)


class SuspensionInfo(serializers.Serializer[Any]):
    """The sample info of a suspension."""

    name = serializers.CharField()
    liquid = serializers.CharField(required=False, allow_null=True)
    solid = serializers.CharField(required=False, allow_null=True)
    volume_in_ccm = serializers.FloatField(required=False, allow_null=True)
    weight_in_g = serializers.FloatField(required=False, allow_null=True)
    density_in_gccm = serializers.FloatField(required=False, allow_null=True)


INFO: dict[str, type[serializers.Serializer[Any]]] = {
    "Battery": BatteryInfo,
    "Solids": SolidsInfo,
    "Liquid": LiquidInfo,
    "Suspension": SuspensionInfo,
}


def describe(info: type[serializers.Serializer[Any]]) -> dict[str, dict[str, Any]]:
    """A structure as the sample-type-info endpoint shows it."""
    return {
        name: {
            "type": type(field).__name__,
            "help_text": field.help_text or "",
            "required": field.required,
            "allow_null": field.allow_null,
        }
        for name, field in info().fields.items()
    }


class InstituteSerializer(serializers.ModelSerializer[models.Institute]):
    class Meta:
        model = models.Institute
        fields = "__all__"


class MethodSerializer(serializers.ModelSerializer[models.Method]):
    class Meta:
        model = models.Method
        fields = "__all__"


class FundingBodySerializer(serializers.ModelSerializer[models.FundingBody]):
    class Meta:
        model = models.FundingBody
        fields = "__all__"


class ProjectSerializer(serializers.ModelSerializer[models.Project]):
    class Meta:
        model = models.Project
        fields = "__all__"


class SampleTypeSerializer(serializers.ModelSerializer[models.SampleType]):
    class Meta:
        model = models.SampleType
        fields = "__all__"


def zip_only(upload: Any) -> Any:
    """A file field's value must be a ZIP archive."""
    if upload is not None and not zipfile.is_zipfile(io.BytesIO(upload.read())):
        raise serializers.ValidationError("Only zip files are allowed.")
    if upload is not None:
        upload.seek(0)
    return upload


class SampleSerializer(serializers.ModelSerializer[models.Sample]):
    """Samples: every field; the sample info must fit its sample type's structure."""

    user = serializers.PrimaryKeyRelatedField(read_only=True)
    check_structure: ClassVar[bool] = True

    class Meta:
        model = models.Sample
        fields = "__all__"

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        if self.instance is not None:  # the identity is the URL's: PUT and PATCH leave it out
            fields["sample_id"].read_only = True
        return fields

    def validate_sample_id(self, value: str) -> str:
        if not SAMPLE_ID.match(value):
            raise serializers.ValidationError(
                "Sample ID must be in the format 'yymmdd_hhmmss_iiaaaa'."
            )
        try:
            moment = dt.datetime.strptime(value[:13], "%y%m%d_%H%M%S")
        except ValueError:
            message = "The sample id's date or time is not valid."
            raise serializers.ValidationError(message) from None
        if moment.date() >= dt.date.today():
            raise serializers.ValidationError("The date part of the Sample ID must be in the past.")
        for code, model in ((value[14:16], models.Institute), (value[16:20], models.Method)):
            highest = model.objects.order_by("-id").values_list("id", flat=True).first() or 0
            if int(code) > highest:
                raise serializers.ValidationError(
                    f"The {model.__name__.lower()} code {int(code)} exceeds the highest "
                    f"{model.__name__.lower()} id {highest}."
                )
        return value

    def validate_supplementary_file(self, upload: Any) -> Any:
        return zip_only(upload)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        upload = attrs.get("sample_info")
        sample_type = attrs.get("sample_type") or getattr(self.instance, "sample_type", None)
        if upload is None:
            return attrs
        try:
            content = json.loads(upload.read())
        except (ValueError, UnicodeDecodeError):
            raise serializers.ValidationError(
                {"sample_info": ["Invalid JSON file. Please upload a valid JSON file."]}
            ) from None
        upload.seek(0)
        info = INFO.get(sample_type.name) if sample_type else None
        if self.check_structure and info is not None:
            self._check_structure(content, info)
        return attrs

    def _check_structure(self, content: Any, info: type[serializers.Serializer[Any]]) -> None:
        if not isinstance(content, dict):
            message = "The file must hold a JSON object."
            raise serializers.ValidationError({"sample_info": [message]})
        fields = info().fields
        missing = sorted(n for n, f in fields.items() if f.required and n not in content)
        unknown = sorted(set(content) - set(fields))
        if missing or unknown:
            raise serializers.ValidationError(
                {
                    "sample_info": [
                        "The file does not match the sample type's structure "
                        f"(missing: {', '.join(missing) or '-'}; "
                        f"unknown: {', '.join(unknown) or '-'})."
                    ]
                }
            )


class ExperimentSerializer(serializers.ModelSerializer[models.Experiment]):
    user = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = models.Experiment
        fields = "__all__"

    def validate_experiment_file(self, upload: Any) -> Any:
        return zip_only(upload)
