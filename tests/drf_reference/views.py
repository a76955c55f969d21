"""Viewsets on a DefaultRouter: read-only reference data, writable samples and experiments."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import ProtectedError
from rest_framework import parsers, status, viewsets
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from tests.drf_reference import models, serializers

BROKEN = settings.DMLF_BROKEN
FORM_PARSERS = [parsers.MultiPartParser, parsers.FormParser]


class ReadOnly(viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    """A list and a detail route, filtered by django-filter's exact lookups."""


class InstituteViewSet(ReadOnly):
    queryset = models.Institute.objects.order_by("id")
    serializer_class = serializers.InstituteSerializer
    filterset_fields = ("name", "city")


class MethodViewSet(ReadOnly):
    queryset = models.Method.objects.order_by("id")
    serializer_class = serializers.MethodSerializer
    filterset_fields = ("name", "institute")


class FundingBodyViewSet(ReadOnly):
    queryset = models.FundingBody.objects.order_by("id")
    serializer_class = serializers.FundingBodySerializer
    filterset_fields = ("name",)


class ProjectViewSet(ReadOnly):
    queryset = models.Project.objects.order_by("id")
    serializer_class = serializers.ProjectSerializer
    filterset_fields = ("name", "abbreviation", "funding_body")


class SampleTypeViewSet(ReadOnly):
    queryset = models.SampleType.objects.order_by("id")
    serializer_class = serializers.SampleTypeSerializer
    filterset_fields = ("name",)


class Writable(viewsets.ModelViewSet):  # type: ignore[type-arg]
    """Form-encoded and multipart writes; the token's user owns what it creates."""

    parser_classes = FORM_PARSERS

    def perform_create(self, serializer: Any) -> None:
        serializer.save(user=self.request.user)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        try:
            return super().destroy(request, *args, **kwargs)
        except ProtectedError as error:
            names = sorted({type(r).__name__.lower() + "s" for r in error.protected_objects})
            return Response(
                {"detail": f"Cannot delete this record: {', '.join(names)} still reference it."},
                status=status.HTTP_409_CONFLICT,
            )

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if BROKEN == "patch_resets":
            # Broken: PATCH handled as a PUT onto a blank record, so unsent fields are reset.
            instance = self.get_object()
            for field in type(instance)._meta.concrete_fields:
                if field.null and field.name not in request.data:
                    setattr(instance, field.name, None)
            instance.save()
        return super().partial_update(request, *args, **kwargs)


class SampleViewSet(Writable):
    queryset = models.Sample.objects.order_by("sample_id")
    serializer_class = serializers.SampleSerializer
    filterset_fields = (
        "name",
        "institute",
        "project",
        "method",
        "sample_type",
        "parent",
        "date_created",
    )


class ExperimentViewSet(Writable):
    queryset = models.Experiment.objects.order_by("id")
    serializer_class = serializers.ExperimentSerializer
    filterset_fields = ("name", "sample", "method", "staff", "project", "date_created")


@api_view(["GET"])
def sample_type_info(request: Request) -> Response:
    """The structure of a sample type's sample info file, by name."""
    name = request.query_params.get("sample_type_name")
    if not name:
        return Response(
            {"sample_type_name": ["This field is required."]}, status=status.HTTP_400_BAD_REQUEST
        )
    sample_type = models.SampleType.objects.filter(name=name.capitalize()).first()
    info = serializers.INFO.get(sample_type.name) if sample_type else None
    if info is None:
        return Response({"error": "Sample type not found"}, status=status.HTTP_404_NOT_FOUND)
    return Response(serializers.describe(info))
