"""`manage.py seed_network [--if-empty] [--env FILE]`: the network's demo hub
(network.hub_demo). With --env, the demo school's settings file gets the hub's address
and the demo school's key (NETWORK_URL, NETWORK_KEY_ID, NETWORK_KEY_SECRET) if it has
none, so that `make run` sends to `make run-network`."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand

from network import hub_demo
from network.models import MemberSchool


class Command(BaseCommand):
    help = "Seed the network's demo hub: three member schools and their years."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--if-empty", action="store_true", help="Only on a hub with no school.")
        parser.add_argument("--env", help="A school's .env to give the demo school's key.")
        parser.add_argument("--url", default="http://127.0.0.1:8001/reseau/api/v1/")

    def handle(self, *args, **options) -> None:
        if options["if_empty"] and MemberSchool.objects.exists():
            members = list(MemberSchool.objects.filter(uai=hub_demo.SCHOOLS[0][1]))
        else:
            members = hub_demo.seed()
            self.stdout.write(f"Network: {len(members)} member schools (login reseau / demo).")
        if options["env"] and members:
            self._write_env(Path(options["env"]), members[0], options["url"])

    def _write_env(self, path: Path, member: MemberSchool, url: str) -> None:
        text = path.read_text() if path.exists() else ""
        if "NETWORK_KEY_ID=" in text:
            return
        lines = [f"NETWORK_URL={url}", f"NETWORK_KEY_ID={member.key_id}",
                 f"NETWORK_KEY_SECRET={member.secret}"]  # fmt: skip
        path.write_text(
            text + ("" if text.endswith("\n") or not text else "\n") + "\n".join(lines) + "\n"
        )
        self.stdout.write(f"Wrote the demo school's network key to {path}.")
