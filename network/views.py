"""The school's side of the network: send a year's indicators, or download them as the
file the network uploads (issue 31 §1). The hub's pages are in network.hub_views."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ecoles.access import role_required
from ecoles.bounds import parse_id, parse_year
from ecoles.confirm import ask, is_confirmed
from ecoles.models import Policy, School
from ecoles.roles import DIRECTOR
from network import payload, referentiels, sending
from students import indicators


def _year(value) -> int:
    """A school year the indicators page offers; else the one it opens on (the last
    complete year), as the page itself does."""
    policy = Policy.load()
    today = timezone.localdate()
    years = indicators.available_years(today, policy)
    current = indicators.current_school_year(today, policy)
    year = parse_year(value)
    if year in years:
        return year
    return current - 1 if current - 1 in years else current


@role_required(DIRECTOR)
@require_POST
def send(request: HttpRequest) -> HttpResponse:
    year = _year(request.POST.get("year"))
    back = reverse("students:indicators") + f"?year={year}"
    if not sending.configured():
        messages.error(request, _("The network's address and this school's key are not set."))
        return redirect(back)
    if not is_confirmed(request):
        return ask(
            request,
            title=_("Send the year's indicators to the network?"),
            facts=[
                (_("School year"), indicators.school_year_label(year)),
                (_("Network"), sending.endpoint()),
            ],
            text=_(
                "The figures of the indicators page are sent, aggregates only. Sending a "
                "year again replaces what the network holds for it (it keeps the earlier "
                "versions)."
            ),
            warning=_("The network keeps what it receives."),
            button=_("Send"),
            cancel_url=back,
            extra={"year": year},
            danger=False,
        )
    sending.ask(year, request.user)
    messages.success(
        request, _("The indicators will be sent in a moment: this page says how it went.")
    )
    return redirect(back)


@role_required(DIRECTOR)
def download(request: HttpRequest) -> HttpResponse:
    year = _year(request.GET.get("year"))
    body = payload.dumps(payload.build(year))
    name = f"indicateurs-{School.load().uai or 'ecole'}-{indicators.school_year_label(year)}.json"
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


def _hub_error(exc: Exception) -> str:
    return _("The network did not answer (%(error)s).") % {"error": exc}


@role_required(DIRECTOR)
def referentiel_list(request: HttpRequest) -> HttpResponse:
    """What the network publishes, and which of it this school has (issue 31 §2)."""
    offers, error = [], ""
    if not settings.NETWORK_URL:
        error = _("The network's address is not set (NETWORK_URL).")
    else:
        try:
            offers = referentiels.offers()
        except (OSError, ValueError) as exc:
            error = _hub_error(exc)
    return render(
        request,
        "network/referentiels.html",
        {"offers": offers, "error": error, "newer": len({o.code for o in offers if o.newer})},
    )


@role_required(DIRECTOR)
@require_POST
def referentiel_import(request: HttpRequest) -> HttpResponse:
    pk = parse_id(request.POST.get("id"))
    if pk is None or not settings.NETWORK_URL:
        messages.error(request, _("Choose a référentiel of the list."))
        return redirect("network:referentiels")
    try:
        content = referentiels.fetch(pk)
    except (OSError, ValueError) as exc:
        messages.error(request, _hub_error(exc))
        return redirect("network:referentiels")
    report = referentiels.import_content(content)
    if report.ok:
        messages.success(
            request,
            _("%(title)s (%(version)s) imported: %(blocs)s blocs, %(competencies)s competencies.")
            % {"title": content.get("title"), "version": content.get("version"),
               "blocs": report.blocs, "competencies": report.competencies},
        )  # fmt: skip
    else:
        for line, message in report.errors[:10]:
            messages.error(request, f"{line}: {message}" if line else message)
    return redirect("network:referentiels")
