"""Cold start: the init time of each Lambda handler module (imports, Settings, clients built once per
container), in a fresh interpreter each time.

Baselines measured in the same run: an empty interpreter, and `import boto3` (which every function
pays anyway). The handler's own share is what it adds on top of boto3. Median of several runs.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "layers" / "esja")]
from esja.config import RESOURCES  # noqa: E402 - after the path set-up

RUNS = 7
# What the handlers read at import (Settings.from_env): dummy values, no AWS call is made.
ENV = {
    **{variable: f"esja-{variable.lower()}" for variable in RESOURCES.values()},
    "MATCH_QUEUE_URL": "https://sqs.ca-central-1.amazonaws.com/123456789012/q",
    "PUBLIC_BASE_URL": "https://esja.example.org",
    "SENDER_EMAIL": "alertes@esja.example.org",
    "SIGNING_KEYS": "benchmark-key",
    "ADDRESS_KEY_SECRET": "benchmark-address-key",
    "SES_MAX_SEND_RATE": "14",  # otherwise send_alerts asks SES at start
    "AWS_DEFAULT_REGION": "ca-central-1",
    "AWS_ACCESS_KEY_ID": "benchmark",
    "AWS_SECRET_ACCESS_KEY": "benchmark",
    "POWERTOOLS_METRICS_NAMESPACE": "ESJA",
    "POWERTOOLS_SERVICE_NAME": "esja",
}
PROBE = """
import importlib.util, json, sys, time
start = time.perf_counter()
{code}
print(json.dumps(time.perf_counter() - start))
"""


def load_handler(path: Path) -> str:
    return (
        f"spec = importlib.util.spec_from_file_location('app', {str(path)!r}); "
        "module = importlib.util.module_from_spec(spec); spec.loader.exec_module(module)"
    )


def median_seconds(code: str) -> float:
    env = {**os.environ, **ENV, "PYTHONPATH": str(ROOT / "layers" / "esja")}
    timings = []
    for _ in range(RUNS):
        out = subprocess.run(
            [sys.executable, "-c", PROBE.format(code=code)], capture_output=True, text=True, env=env, check=True
        )
        timings.append(float(out.stdout))
    return statistics.median(timings)


def main() -> int:
    empty = median_seconds("pass")
    boto = median_seconds("import boto3")
    print(f"{'empty interpreter':<32}{empty * 1000:8.1f} ms")
    print(f"{'import boto3 (baseline)':<32}{boto * 1000:8.1f} ms")
    for handler in sorted((ROOT / "functions").glob("*/app.py")):
        seconds = median_seconds(f"import boto3\n{load_handler(handler)}")
        own = seconds - boto
        ratio = seconds / boto
        print(f"{handler.parent.name:<32}{seconds * 1000:8.1f} ms  (+{own * 1000:.1f} ms over boto3, ×{ratio:.2f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
