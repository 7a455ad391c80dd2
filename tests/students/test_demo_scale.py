"""The demo's pupils are deterministic and grow with the scale (a module of its own: the
other demo tests share one seeded school, this one seeds its own at several scales)."""

from __future__ import annotations

from ecoles.demo import DemoContext
from ecoles.demo import seed as seed_school
from students import demo
from students.models import Student


def test_the_demo_is_deterministic_and_grows_with_the_scale(db):
    def build(scale: int) -> list:
        Student.objects.all().delete()
        ctx = DemoContext(scale=scale, progress=lambda message: None)
        seed_school(ctx)
        demo.seed(ctx)
        return list(
            Student.objects.order_by("pk").values_list("first_name", "last_name", "birth_date")
        )

    first = build(1)
    assert build(1) == first
    assert len(build(3)) == len(first) + 2 * 18
