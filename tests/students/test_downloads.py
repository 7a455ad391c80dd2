"""A download's name carries a pupil's name safely (issue #14): a quote in a last name adds
no second filename, and accents survive (RFC 6266 / 5987, Django's own quoting)."""

from __future__ import annotations

import re
from email.message import Message

import pytest
from django.urls import reverse

from tests.students.conftest import make_student

LAST_NAME = 'Ngô"; filename="piege.html'


def _filename(header: str) -> str:
    message = Message()
    message["Content-Disposition"] = header
    return message.get_filename()


@pytest.fixture
def quoted_pupil(woodwork, woodwork_trainer):
    return make_student(woodwork, woodwork_trainer, first_name="Zoé", last_name=LAST_NAME)


@pytest.mark.parametrize(
    "name", ["training:statement", "training:certificate", "students:personal_data"]
)
def test_a_quote_and_accents_in_a_name_make_one_filename(client_for, director, quoted_pupil, name):
    response = client_for(director).get(reverse(name, args=[quoted_pupil.pk]))
    assert response.status_code == 200
    header = response["Content-Disposition"]
    assert len(re.findall(r";\s*filename\*?=", header)) == 1, header
    filename = _filename(header)
    assert not filename.endswith(".html"), header
    assert filename.endswith((".pdf", ".zip")), header
    if name != "students:personal_data":  # the export's name is a slug
        assert "Ngô" in filename, header
