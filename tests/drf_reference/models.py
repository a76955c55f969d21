"""The DMLF data model: reference data made in a web frontend, samples and experiments."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Institute(models.Model):
    """A research institute."""

    name = models.CharField(max_length=200)
    affiliation = models.CharField(max_length=200, null=True, blank=True)
    street = models.CharField(max_length=200)
    postcode = models.CharField(max_length=20)
    city = models.CharField(max_length=100)
    telephone = models.CharField(max_length=50)
    email = models.EmailField()
    date_registered = models.DateTimeField(auto_now_add=True)


class Method(models.Model):
    """An analytical method."""

    name = models.CharField(max_length=200)
    method_file = models.FileField(upload_to="method_files/", null=True, blank=True)
    date_registered = models.DateTimeField(auto_now_add=True)
    institute = models.ForeignKey(Institute, on_delete=models.PROTECT)


class FundingBody(models.Model):
    """A funding body."""

    name = models.CharField(max_length=200)


class Project(models.Model):
    """A research project."""

    name = models.CharField(max_length=200)
    abbreviation = models.CharField(max_length=50)
    funding_number = models.CharField(max_length=100)
    funding_period_start = models.DateField()
    funding_period_end = models.DateField()
    project_file = models.FileField(upload_to="project_files/", null=True, blank=True)
    date_registered = models.DateTimeField(auto_now_add=True)
    funding_body = models.ForeignKey(FundingBody, on_delete=models.PROTECT)


class SampleType(models.Model):
    """A sample type (battery, solids, liquid, suspension)."""

    name = models.CharField(max_length=100, unique=True)


class Staff(models.Model):
    """A staff member (administered in the web frontend only; no API route)."""

    name = models.CharField(max_length=200)
    institute = models.ForeignKey(Institute, on_delete=models.PROTECT)


class Sample(models.Model):
    """A sample, keyed by its client-chosen `sample_id`."""

    sample_id = models.CharField(max_length=20, primary_key=True)
    name = models.CharField(max_length=200)
    date_created = models.DateField()
    sample_info = models.FileField(upload_to="sample_info/")
    supplementary_file = models.FileField(upload_to="supplementary_files/", null=True, blank=True)
    date_registered = models.DateTimeField(auto_now_add=True)
    institute = models.ForeignKey(Institute, on_delete=models.PROTECT)
    method = models.ForeignKey(Method, on_delete=models.PROTECT, null=True, blank=True)
    project = models.ForeignKey(Project, on_delete=models.PROTECT)
    sample_type = models.ForeignKey(SampleType, on_delete=models.PROTECT)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )


class Experiment(models.Model):
    """An experiment on a sample."""

    name = models.CharField(max_length=200)
    date_created = models.DateField()
    experiment_file = models.FileField(upload_to="experiment_files/")
    date_registered = models.DateTimeField(auto_now_add=True)
    sample = models.ForeignKey(Sample, on_delete=models.PROTECT, related_name="experiments")
    method = models.ForeignKey(Method, on_delete=models.PROTECT)
    staff = models.ForeignKey(Staff, on_delete=models.PROTECT)
    project = models.ForeignKey(Project, on_delete=models.PROTECT)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
