"""The hub receives a school's indicators (issue 31 §1): from the API or an uploaded
file, checked the same way (network.validation), stored as the year's new version.
"""

from __future__ import annotations

import datetime as dt
import json

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from network import signing
from network.models import MemberSchool, Nonce, Report
from network.validation import PayloadError, validate

MAX_BODY = 64 * 1024  # a year's aggregates weigh 2 kB


class Refused(Exception):
    """A request the hub refuses: HTTP status, a stable code and a sentence."""

    def __init__(self, status: int, code: str, message: str, field: str = "") -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.field = status, code, message, field

    def as_json(self) -> dict:
        error = {"code": self.code, "message": self.message}
        if self.field:
            error["field"] = self.field
        return {"error": error}


def parse(body: bytes) -> dict:
    if len(body) > MAX_BODY:
        raise Refused(413, "too_large", _("The body is larger than 64 kB."))
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise Refused(400, "invalid_json", _("The body is not JSON (UTF-8).")) from exc


def checked(data) -> int:
    try:
        return validate(data)
    except PayloadError as exc:
        raise Refused(422, "invalid", exc.message, exc.field) from exc


def authenticate(headers, body: bytes) -> tuple[MemberSchool, str, str]:
    """The member school whose key signed `body`: (school, key id, nonce); Refused else."""
    key_id = headers.get(signing.KEY, "")
    timestamp = headers.get(signing.TIMESTAMP, "")
    nonce = headers.get(signing.NONCE, "")
    given = headers.get(signing.SIGNATURE, "")
    if not (key_id and timestamp and nonce and given):
        raise Refused(401, "unauthenticated", _("The request is not signed (X-Ecoles-* headers)."))
    school = MemberSchool.objects.active().filter(key_id=key_id[:40]).first()
    if school is None:
        raise Refused(401, "unknown_key", _("No member school has this key."))
    if not signing.fresh(timestamp):
        raise Refused(
            401, "stale_timestamp", _("The timestamp is more than 5 minutes from the hub's clock.")
        )
    if not signing.NONCE_FORMAT.match(nonce):
        raise Refused(401, "invalid_nonce", _("The nonce is 16 to 64 letters, digits, - or _."))
    if not signing.valid(school.secret, timestamp, nonce, body, given):
        raise Refused(401, "bad_signature", _("The signature does not match the body."))
    return school, key_id, nonce


def record(school: MemberSchool, data: dict, year: int, *, by: str, via: str) -> Report:
    """The year's figures become a new version, the current one; earlier ones stay."""
    with transaction.atomic():
        school = MemberSchool.objects.select_for_update().get(pk=school.pk)
        reports = Report.objects.filter(school=school, year=year)
        last = reports.aggregate(last=Max("version"))["last"] or 0
        reports.filter(current=True).update(current=False)
        return Report.objects.create(
            school=school, year=year, version=last + 1, figures=data, received_by=by[:150],
            via=via,
        )  # fmt: skip


def receive_signed(headers, body: bytes) -> Report:
    """The API: authenticate, parse, check, refuse a replay, store; all or nothing."""
    school, key_id, nonce = authenticate(headers, body)
    data = parse(body)
    year = checked(data)
    if data["school"]["uai"] != school.uai:
        raise Refused(
            422, "wrong_school", _("These figures are another school's (UAI)."), "school.uai"
        )
    now = timezone.now()
    by = _("API key %(key)s") % {"key": key_id}
    with transaction.atomic():
        try:
            with transaction.atomic():
                Nonce.objects.create(key_id=key_id, value=nonce, seen_at=now)
        except IntegrityError as exc:
            raise Refused(409, "replayed", _("This request was already received (nonce).")) from exc
        report = record(school, data, year, by=by, via=Report.Via.API)
    Nonce.objects.filter(seen_at__lt=now - dt.timedelta(seconds=2 * signing.WINDOW)).delete()
    return report


def receive_file(body: bytes, *, by: str) -> Report:
    """An uploaded file: the same checks; the school is the member with the file's UAI."""
    data = parse(body)
    year = checked(data)
    school = MemberSchool.objects.filter(uai=data["school"]["uai"]).first()
    if school is None:
        raise Refused(
            422, "unknown_school", _("No member school has the UAI of this file."), "school.uai"
        )
    return record(school, data, year, by=by, via=Report.Via.UPLOAD)
