"""Small helper for the French catalogues (no extra dependency).

    python tools/po.py missing PO_FILE            # list msgids without a translation
    python tools/po.py fill PO_FILE MAP.json      # fill them from {"msgid": "msgstr", ...}
    python tools/po.py reuse                      # fill every catalogue's gaps from the others

For a plural entry, the map's value is a list [singular, plural]. Fuzzy flags on filled
entries are removed. Run `make messages` before (extract) and after (compile).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path


def _unquote(lines: list[str]) -> str:
    return "".join(json.loads(line[line.index('"') :]) for line in lines)


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def parse(text: str) -> list[dict]:
    entries = []
    for block in re.split(r"\n\n+", text.strip()):
        lines = block.splitlines()
        entry = {"comments": [], "fields": {}}
        current = None
        for line in lines:
            if line.startswith("#"):
                entry["comments"].append(line)
            elif line.startswith('"'):
                entry["fields"][current].append(line)
            else:
                key = line.split(" ", 1)[0]
                current = key
                entry["fields"][key] = [line]
        entries.append(entry)
    return entries


def value(entry: dict, key: str) -> str | None:
    lines = entry["fields"].get(key)
    return None if lines is None else _unquote(lines)


def render(entries: list[dict]) -> str:
    out = []
    for entry in entries:
        lines = list(entry["comments"])
        for field_lines in entry["fields"].values():
            lines += field_lines
        out.append("\n".join(lines))
    return "\n\n".join(out) + "\n"


def missing(entries: list[dict]) -> list[str]:
    result = []
    for entry in entries:
        msgid = value(entry, "msgid")
        if not msgid:
            continue
        if "msgid_plural" in entry["fields"]:
            if not value(entry, "msgstr[0]") or "#, fuzzy" in " ".join(entry["comments"]):
                result.append(msgid)
        elif not value(entry, "msgstr") or any("fuzzy" in c for c in entry["comments"]):
            result.append(msgid)
    return result


def fill(entries: list[dict], mapping: dict) -> int:
    done = 0
    for entry in entries:
        msgid = value(entry, "msgid")
        if not msgid or msgid not in mapping:
            continue
        tr = mapping[msgid]
        if "msgid_plural" in entry["fields"]:
            singular, plural = tr if isinstance(tr, list) else (tr, tr)
            entry["fields"]["msgstr[0]"] = [f"msgstr[0] {_quote(singular)}"]
            entry["fields"]["msgstr[1]"] = [f"msgstr[1] {_quote(plural)}"]
        else:
            entry["fields"]["msgstr"] = [f"msgstr {_quote(tr)}"]
        entry["comments"] = [
            c.replace(", fuzzy", "") for c in entry["comments"] if c.strip() != "#, fuzzy"
        ]
        done += 1
    return done


def known(entries: list[dict]) -> dict:
    """The translated entries of a catalogue, as a map for fill()."""
    result = {}
    for entry in entries:
        msgid = value(entry, "msgid")
        if not msgid or any("fuzzy" in c for c in entry["comments"]):
            continue
        if "msgid_plural" in entry["fields"]:
            if value(entry, "msgstr[0]"):
                result[msgid] = [value(entry, "msgstr[0]"), value(entry, "msgstr[1]")]
        elif value(entry, "msgstr"):
            result[msgid] = value(entry, "msgstr")
    return result


def catalogues() -> list[Path]:
    root = Path(__file__).resolve().parent.parent
    return sorted(
        p for p in root.glob("**/locale/fr/LC_MESSAGES/django.po") if ".venv" not in p.parts
    )


def reuse() -> int:
    """A string moved from one app to another keeps its translation (the apps' catalogues
    are extracted separately, so the moved string is new to its new app's catalogue)."""
    parsed = {path: parse(path.read_text(encoding="utf-8")) for path in catalogues()}
    mapping = {}
    for entries in parsed.values():
        mapping.update(known(entries))
    for path, entries in parsed.items():
        if fill(entries, {m: mapping[m] for m in missing(entries) if m in mapping}):
            path.write_text(render(entries), encoding="utf-8")
        left = missing(entries)
        print(f"{path}: {len(left)} missing")
    return 0


def main(argv: list[str]) -> int:
    if argv[:1] == ["reuse"]:
        return reuse()
    command, path = argv[0], Path(argv[1])
    entries = parse(path.read_text(encoding="utf-8"))
    if command == "missing":
        for msgid in missing(entries):
            print(json.dumps(msgid, ensure_ascii=False))
        return 0
    if command == "fill":
        mapping = json.loads(Path(argv[2]).read_text(encoding="utf-8"))
        n = fill(entries, mapping)
        path.write_text(render(entries), encoding="utf-8")
        print(f"filled {n} entries; {len(missing(entries))} still missing")
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
