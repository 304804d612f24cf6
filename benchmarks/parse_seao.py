"""Parse + normalise a SEAO-sized weekly file (~17 MB, ~5,500 releases) against plain json.loads.

Budget (issue 2): parse+normalise ≤ 3× json.loads of the same bytes; peak RSS ≤ 200 MB.
Each measurement runs in a fresh child process so peak memory is the parser's own.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "layers" / "esja")]

REAL_WEEK = ROOT.parent / "shared" / "data" / "seao" / "hebdo_20260914_20260920_excerpt.json"
SAMPLE_WEEK = ROOT / "local" / "sample_feeds" / "seao" / "hebdo_20261116_20261122.json"
TARGET_BYTES = 17 * 1024 * 1024
REPEATS = 3


def build_week(path: Path) -> int:
    """Real releases (or our samples) repeated with fresh ocids and ids, pretty-printed like SEAO."""
    source = REAL_WEEK if REAL_WEEK.exists() else SAMPLE_WEEK
    package = json.loads(source.read_bytes())
    templates = package["releases"]
    per_release = len(source.read_bytes()) / len(templates)  # bytes, as SEAO pretty-prints them
    releases = []
    for n in range(int(TARGET_BYTES / per_release)):
        release = copy.deepcopy(templates[n % len(templates)])
        release["ocid"] = f"ocds-ec9k95-{30000000 + n}"
        seconds = n * 17 % 86400  # a valid time of day, spread over the week
        release["id"] = f"202609{15 + n % 5:02d}{seconds // 3600:02d}{seconds // 60 % 60:02d}{seconds % 60:02d}"
        releases.append(release)
    package["releases"] = releases
    path.write_text(json.dumps(package, ensure_ascii=False, indent=2), encoding="utf-8")
    return len(releases)


CHILD = """
import json, re, sys, time
from datetime import UTC, datetime
sys.path[:0] = {paths!r}
from esja.sources.seao import parse_seao
data = open({file!r}, "rb").read()
best = float("inf")
for _ in range({repeats}):
    start = time.perf_counter()
    {call}
    best = min(best, time.perf_counter() - start)
    result = None
# VmHWM is this process's own peak; ru_maxrss would also count the parent that built the file.
peak = int(re.search(r"VmHWM:\\s*(\\d+) kB", open("/proc/self/status").read()).group(1)) / 1024
print(json.dumps({{"seconds": best, "peak_rss_mb": peak}}))
"""


def measure(file: Path, call: str) -> dict[str, float]:
    code = CHILD.format(paths=[str(ROOT), str(ROOT / "layers" / "esja")], file=str(file), repeats=REPEATS, call=call)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)  # type: ignore[no-any-return]


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        file = Path(tmp) / "hebdo_20260914_20260920.json"
        releases = build_week(file)
        size_mb = file.stat().st_size / 1024 / 1024
        baseline = measure(file, "result = json.loads(data)")
        parser = measure(file, "result = parse_seao(data, now=datetime.now(UTC))")
        from esja.sources.seao import parse_seao

        parsed = parse_seao(file.read_bytes(), now=datetime.now(UTC))

    ratio = parser["seconds"] / baseline["seconds"]
    tenders, rejected = len(parsed.tenders), len(parsed.rejected)
    print(f"file: {size_mb:.1f} MB, {releases} releases → {tenders} tenders, {rejected} rejected")
    for name, figures in (("json.loads", baseline), ("parse_seao", parser)):
        print(f"{name:<18}{figures['seconds'] * 1000:8.0f} ms   peak RSS {figures['peak_rss_mb']:6.0f} MB")
    print(f"ratio parse/json  {ratio:8.2f}×  (budget ≤ 3×)")
    print(f"peak RSS          {parser['peak_rss_mb']:8.0f} MB (budget ≤ 200 MB)")
    ok = ratio <= 3 and parser["peak_rss_mb"] <= 200
    print("within budget" if ok else "OVER BUDGET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
