"""What the network adds to the school's indicators page (students.views.indicator_page):
the year's sending to the network, registered through `students.indicators.add_section`
in `NetworkConfig.ready` (students sits below the network and imports none of it)."""

from __future__ import annotations

from dataclasses import dataclass

from ecoles.models import Policy
from network import sending
from network.models import Sending


@dataclass
class NetworkSection:
    template = "network/_indicators.html"

    year: int
    last: Sending | None
    configured: bool

    def csv_rows(self) -> list[list]:
        return []  # the export is the school's figures; the sending is not one


def compute(year: int, policy: Policy | None = None) -> NetworkSection:
    """One query: the year's last sending."""
    last = Sending.objects.filter(year=year).first()
    return NetworkSection(year, last, sending.configured())
