"""A reference deployment of the DMLF contract built the way real DRF services are built.

Django + Django REST framework + djangorestframework-simplejwt + django-filter, written for the
tests (not taken from any real service): models, serializers, viewsets on a DefaultRouter,
JWT authentication, anonymous/user throttles, django-filter's exact filters. `serve.py` starts
it on a free port in a subprocess; `BROKEN` variants (settings.py, views.py) each break one
documented rule the way real deployments break it.
"""
