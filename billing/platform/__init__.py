"""The school's connection to its approved platform (plateforme agréée, SPEC.md R12).

One interface, shaped on the French standard exchange API (AFNOR XP Z12-013, "Flow
Service"): a document is SUBMITTED as a flow (POST /v1/flows, the Factur-X PDF and its
processing rule) and gets a flow identifier; flows are SEARCHED by date (POST
/v1/flows/search) to read back the lifecycle statuses of what the school sent and to find
the invoices its suppliers sent it; a received flow is FETCHED (GET /v1/flows/{flowId}).
An adapter for a real platform implements these three calls over HTTP with the address
and credentials of settings.EINVOICING_PLATFORM; the only one shipped is the LOCAL
platform (billing.platform.local), for the tests and the demo, since no real platform is
reachable from here.
"""

from __future__ import annotations

import abc
import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Submission:
    """The answer to a submitted flow: its identifier and first status (200 or 213)."""

    flow_id: str
    status: str
    reasons: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class StatusReport:
    """A lifecycle status the platform reports on one of the school's flows."""

    flow_id: str
    status: str
    at: dt.datetime
    reason: str = ""


@dataclass(frozen=True)
class InboundFlow:
    """A flow addressed to the school (a supplier's invoice), listed by a search."""

    flow_id: str
    name: str
    at: dt.datetime


class Platform(abc.ABC):
    """What every platform adapter does (XP Z12-013 flows)."""

    def __init__(self, url: str = "", login: str = "", password: str = ""):
        self.url, self.login, self.password = url, login, password

    @abc.abstractmethod
    def submit(self, name: str, pdf: bytes, *, processing_rule: str) -> Submission:
        """Deposit a Factur-X PDF (processing rule B2B, B2G for Chorus Pro...)."""

    @abc.abstractmethod
    def statuses(self, after: dt.datetime | None = None) -> list[StatusReport]:
        """The lifecycle statuses reported on the school's flows since `after`."""

    @abc.abstractmethod
    def inbound(self, after: dt.datetime | None = None) -> list[InboundFlow]:
        """The flows addressed to the school since `after` (its supplier invoices)."""

    @abc.abstractmethod
    def fetch(self, flow_id: str) -> bytes:
        """The document of a flow addressed to the school, as the supplier sent it."""

    @abc.abstractmethod
    def report_status(self, flow_id: str, status: str, at: dt.datetime, reason: str) -> None:
        """The school's own status on one of its flows: "Encaissée" (212) with the amount
        received, for services whose VAT is due when paid."""


ADAPTERS = {"local": "billing.platform.local.LocalPlatform"}


def get_platform() -> Platform:
    """The platform of settings.EINVOICING_PLATFORM, by the scheme of its URL."""
    config = settings.EINVOICING_PLATFORM
    url = config.get("URL", "local:")
    scheme = url.split(":", 1)[0]
    if scheme not in ADAPTERS:
        raise ImproperlyConfigured(
            f"No adapter for the e-invoicing platform {url!r}: known are {sorted(ADAPTERS)}."
        )
    return import_string(ADAPTERS[scheme])(
        url=url, login=config.get("LOGIN", ""), password=config.get("PASSWORD", "")
    )
