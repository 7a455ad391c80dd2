"""The LOCAL platform: a stand-in for an approved platform, for the tests and the demo.

It behaves as a platform does, on its own table (billing.LocalPlatformFlow): a deposited
document whose Factur-X XML is missing, fails the XSD or breaks an EN 16931 rule is
REJECTED (213) with the reasons; an accepted one is deposited (200), then, one step at
each search, received by the buyer's platform (202), made available (203) and approved
(205), unless the buyer refuses it (`buyer_answers`). A supplier's invoice can be handed
to it (`deliver_to_school`): the school finds it at its next search.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import transaction
from django.utils import timezone
from facturx import get_xml_from_pdf

from billing import facturx
from billing.models import LifecycleStatus, LocalPlatformFlow
from billing.platform import InboundFlow, Platform, StatusReport, Submission

# What the buyer's side does with an accepted document, one step per search.
JOURNEY = [LifecycleStatus.RECEIVED, LifecycleStatus.MADE_AVAILABLE, LifecycleStatus.APPROVED]
FINAL = {LifecycleStatus.APPROVED, LifecycleStatus.REFUSED, LifecycleStatus.REJECTED,
         LifecycleStatus.PAID}  # fmt: skip


def _xml_of(pdf: bytes) -> bytes | None:
    try:
        _name, xml = get_xml_from_pdf(pdf, check_xsd=False)
    except Exception:
        return None
    return xml or None


class LocalPlatform(Platform):
    def submit(self, name: str, pdf: bytes, *, processing_rule: str) -> Submission:
        xml = _xml_of(pdf)
        reasons = ["No Factur-X XML in the PDF."] if xml is None else facturx.problems(xml)
        now = timezone.now()
        status = LifecycleStatus.REJECTED if reasons else LifecycleStatus.DEPOSITED
        flow = LocalPlatformFlow.objects.create(
            flow_id=f"LOCAL-{uuid.uuid4().hex[:16]}",
            direction=LocalPlatformFlow.Direction.IN,
            name=name,
            payload=pdf,
            statuses=[[status, now.isoformat(), "; ".join(reasons)[:500]]],
            reported=1,  # the answer to the submission says it
        )
        return Submission(flow.flow_id, status, reasons)

    def statuses(self, after: dt.datetime | None = None) -> list[StatusReport]:
        """Every status not reported yet; each open flow first takes one more step."""
        reports = []
        with transaction.atomic():
            flows = LocalPlatformFlow.objects.select_for_update().filter(
                direction=LocalPlatformFlow.Direction.IN
            )
            for flow in flows:
                last = flow.statuses[-1][0]
                if flow.reported == len(flow.statuses) and last not in FINAL:
                    step = JOURNEY[0] if last == LifecycleStatus.DEPOSITED else None
                    if last in JOURNEY:
                        step = JOURNEY[JOURNEY.index(last) + 1]
                    if step:
                        flow.statuses.append([step, timezone.now().isoformat(), ""])
                new = flow.statuses[flow.reported :]
                reports += [
                    StatusReport(flow.flow_id, code, dt.datetime.fromisoformat(at), reason)
                    for code, at, reason in new
                ]
                flow.reported = len(flow.statuses)
                flow.save(update_fields=["statuses", "reported"])
        return reports

    def inbound(self, after: dt.datetime | None = None) -> list[InboundFlow]:
        flows = LocalPlatformFlow.objects.filter(direction=LocalPlatformFlow.Direction.OUT)
        if after:
            flows = flows.filter(created_at__gt=after)
        return [InboundFlow(f.flow_id, f.name, f.created_at) for f in flows]

    def fetch(self, flow_id: str) -> bytes:
        return bytes(
            LocalPlatformFlow.objects.get(
                flow_id=flow_id, direction=LocalPlatformFlow.Direction.OUT
            ).payload
        )

    def report_status(self, flow_id: str, status: str, at: dt.datetime, reason: str) -> None:
        with transaction.atomic():
            flow = LocalPlatformFlow.objects.select_for_update().get(
                flow_id=flow_id, direction=LocalPlatformFlow.Direction.IN
            )
            flow.statuses.append([status, at.isoformat(), reason])
            # The school recorded it as it sent it: the platform does not report it back.
            if flow.reported == len(flow.statuses) - 1:
                flow.reported += 1
            flow.save(update_fields=["statuses", "reported"])

    # --- what the other side does (tests, demo) ------------------------------------------

    @staticmethod
    def buyer_answers(flow_id: str, status: str, reason: str = "") -> None:
        """The buyer refuses, disputes, approves or pays a document it received."""
        flow = LocalPlatformFlow.objects.get(flow_id=flow_id)
        flow.statuses.append([status, timezone.now().isoformat(), reason])
        flow.save(update_fields=["statuses"])

    @staticmethod
    def deliver_to_school(name: str, pdf: bytes) -> str:
        """A supplier's platform hands the school an invoice."""
        flow = LocalPlatformFlow.objects.create(
            flow_id=f"LOCAL-{uuid.uuid4().hex[:16]}",
            direction=LocalPlatformFlow.Direction.OUT,
            name=name,
            payload=pdf,
        )
        return flow.flow_id
