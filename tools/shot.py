"""Screenshot a page as a user sees it, without a server (for looking at what we built).

    .venv/bin/python tools/shot.py USERNAME /url/ out.png [--width 360] [--height 900]
    .venv/bin/python tools/shot.py --pdf /url/of/a.pdf out   # writes out-1.png, out-2.png...

Renders through Django's test client against the configured database (DATA_DIR/.env),
points static files at the disk, and asks headless Chromium for a full-page PNG.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecoles.settings")


def main() -> int:
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    from ecoles.models import User

    parser = argparse.ArgumentParser()
    parser.add_argument("username")
    parser.add_argument("url")
    parser.add_argument("out")
    parser.add_argument("--width", type=int, default=360)
    parser.add_argument("--height", type=int, default=900)
    parser.add_argument("--pdf", action="store_true", help="the URL returns a PDF")
    args = parser.parse_args()

    settings.ALLOWED_HOSTS = ["*"]
    client = Client()
    client.force_login(User.objects.get(username=args.username))
    response = client.get(args.url, follow=True)
    print(f"{response.status_code} {response.get('Content-Type')}", file=sys.stderr)
    if args.pdf:
        pdf = Path(tempfile.mkdtemp()) / "doc.pdf"
        pdf.write_bytes(response.content)
        subprocess.run(["pdftoppm", "-png", "-r", "70", str(pdf), args.out], check=True)  # noqa: S603, S607
        return 0
    html = response.content.decode()
    html = html.replace('"/static/', f'"file://{ROOT}/static/')
    page = Path(tempfile.mkdtemp()) / "page.html"
    page.write_text(html, encoding="utf-8")
    subprocess.run(  # noqa: S603
        [  # noqa: S607
            "chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
            "--disable-background-networking", "--disable-component-update", "--no-first-run",
            f"--window-size={args.width},{args.height}", f"--screenshot={Path(args.out).resolve()}",
            page.as_uri(),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
