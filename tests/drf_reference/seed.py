"""The reference deployment's own data (not the contract's seed): users and a few records."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile

from tests.drf_reference import models

USERS = (("demo", "demo-pass-123"), ("labtech", "labtech-pass-456"))


def _zip(text: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", text)
    return buffer.getvalue()


def seed() -> None:
    """Fill an empty database."""
    users = [get_user_model().objects.create_user(u, password=p) for u, p in USERS]
    freiberg = models.Institute.objects.create(
        name="Institute of Mineralogy",
        street="Brennhausgasse 14",
        postcode="09599",
        city="Freiberg",
        telephone="+49 3731 39",
        email="min@example.org",
    )
    dresden = models.Institute.objects.create(
        name="Battery Lab",
        affiliation="TU Dresden",
        street="Mommsenstr. 1",
        postcode="01069",
        city="Dresden",
        telephone="+49 351 463",
        email="bat@example.org",
    )
    methods = [
        models.Method.objects.create(name=n, institute=i)
        for n, i in (("XRD", freiberg), ("SEM-EDS", freiberg), ("Cycling", dresden))
    ]
    # Method codes of sample ids go up to the highest method id: the lab has a 102nd method.
    models.Method.objects.create(id=102, name="ICP-OES", institute=dresden)
    body = models.FundingBody.objects.create(name="DFG")
    models.FundingBody.objects.create(name="BMBF")
    project = models.Project.objects.create(
        name="Recycling of cathodes",
        abbreviation="RECAT",
        funding_number="DFG-1",
        funding_period_start=dt.date(2023, 1, 1),
        funding_period_end=dt.date(2026, 12, 31),
        funding_body=body,
    )
    for name in ("Battery", "Solids", "Liquid", "Suspension"):
        models.SampleType.objects.create(name=name)
    staff = models.Staff.objects.create(name="A. Technician", institute=freiberg)
    battery = models.SampleType.objects.get(name="Battery")
    info = {"name": "cell", "manufacturer": "maker", "composition": "NMC111"}
    origin = models.Sample(
        sample_id="240101_090000_010101",
        name="pouch cell",
        date_created=dt.date(2024, 1, 1),
        institute=freiberg,
        project=project,
        sample_type=battery,
        user=users[0],
    )
    origin.sample_info.save("240101_090000_010101.json", ContentFile(json.dumps(info)), save=False)
    origin.save()
    child = models.Sample(
        sample_id="240101_091500_010102",
        name="cathode sheet",
        date_created=dt.date(2024, 1, 1),
        institute=freiberg,
        project=project,
        sample_type=battery,
        user=users[0],
        method=methods[1],
        parent=origin,
    )
    child.sample_info.save("240101_091500_010102.json", ContentFile(json.dumps(info)), save=False)
    child.save()
    experiment = models.Experiment(
        name="XRD of the sheet",
        date_created=dt.date(2024, 1, 2),
        sample=child,
        method=methods[0],
        staff=staff,
        project=project,
        user=users[0],
    )
    experiment.experiment_file.save("1.zip", ContentFile(_zip("xrd")), save=False)
    experiment.save()
