"""Routes: a DefaultRouter for the collections, simplejwt's token views, sample-type-info."""

from __future__ import annotations

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework import routers
from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView

from tests.drf_reference import views

router = routers.DefaultRouter()
router.register("institutes", views.InstituteViewSet)
router.register("methods", views.MethodViewSet)
router.register("fundingbodies", views.FundingBodyViewSet)
router.register("projects", views.ProjectViewSet)
router.register("sampletypes", views.SampleTypeViewSet)
router.register("samples", views.SampleViewSet)
router.register("experiments", views.ExperimentViewSet)

urlpatterns = [
    path("api/token/", TokenObtainPairView.as_view()),
    path("api/token/refresh/", TokenRefreshView.as_view()),
    path("api/sample-type-info/", views.sample_type_info),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/schema/swagger-ui/", SpectacularSwaggerView.as_view(url_name="schema")),
    path("api/schema/redoc/", SpectacularRedocView.as_view(url_name="schema")),
    path("", include(router.urls)),
]
