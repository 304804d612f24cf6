"""Matching a SEAO-sized week against 10,000 and 100,000 alert profiles: index versus brute force.

Run: .venv/bin/python benchmarks/match.py [--profiles 10000 100000] [--seed 7]

A week of SEAO is about 5,500 notices. Tenders and profiles are random but shaped like the real
ones: UNSPSC codes from a pool of a few hundred real codes (the codes seen in real notices plus a
deterministic sample of the bilingual v7 list when ../shared/data is there, a built-in list
otherwise), short French titles built from the code's own title (SEAO titles are short; half have
no description), regions weighted by population, and profiles made the way organizers make them:
one to three codes around a trade at mixed levels, a few keywords from that trade, one or two
regions. Budget at 100,000 profiles: matching ≤ 1.5 s on one core, ≥ 100x faster than brute
force, peak memory ≤ 512 MB.

The brute force is `brute_force_match`, the index's test oracle: every open tender against every
profile, the rules applied to each pair on its own (`match_pair`), with the profiles compiled once
and each tender's features worked out once, as the index has them. Babel, which the value reasons
load on first use, is loaded before anything is timed: a container pays for it once, not each week.
"""

from __future__ import annotations

import argparse
import csv
import gc
import random
import resource
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "layers" / "esja"))

from esja.l10n import money  # noqa: E402
from esja.matching.brute_force import brute_force_match, match_order  # noqa: E402
from esja.matching.features import is_open  # noqa: E402
from esja.matching.index import ProfileIndex  # noqa: E402
from esja.matching.text import STOP_WORDS, stems, tokens  # noqa: E402
from esja.model import (  # noqa: E402
    Buyer,
    Category,
    Classification,
    Money,
    Profile,
    RegionEvidence,
    Regions,
    Scope,
    Status,
    Tender,
    Text,
)

WEEK = 5_500
BUDGET_S, BUDGET_RATIO, BUDGET_MB = 1.5, 100, 512  # at 100,000 profiles
NOW = datetime(2026, 9, 21, 6, tzinfo=UTC)
UNSPSC_DIR = ROOT.parent / "shared" / "data" / "unspsc"
# Segments where public bodies buy most (construction, maintenance, professional services, IT…).
BUSY_SEGMENTS = frozenset(
    "72 76 77 78 80 81 82 84 85 86 90 93 43 44 46 47 56 25 31 39 40 42 50 70 73".split()  # noqa: SIM905
)
POOL_FROM_V7 = 600
# A weekly SEAO file holds every release of the week, mostly contracts and awards: in the real
# excerpt (../shared/data/seao, 32 releases) 23 are contracts, 6 new or updated tenders, 3 ends.
STATUS_MIX = {Status.OPEN: 25, Status.AWARDED: 65, Status.CLOSED: 7, Status.CANCELLED: 3}
MAX_KEYWORD_SPREAD = 3  # a keyword's stem appears in at most this many code titles of the pool
# esja.geo places most SEAO buyers (municipalities, school and health bodies have known addresses).
SCOPE_MIX = {Scope.REGIONS: 80, Scope.ALL_QUEBEC: 5, Scope.CANADA: 3, Scope.OUTSIDE_QUEBEC: 2, Scope.UNKNOWN: 10}

# Share of Québec's population by administrative region (ISQ 2024, rounded), for buyers and profiles.
REGION_WEIGHTS = {
    "06": 23.5,
    "16": 17.5,
    "03": 9.0,
    "15": 7.3,
    "14": 6.1,
    "13": 5.0,
    "12": 5.2,
    "05": 4.0,
    "07": 4.6,
    "04": 3.2,
    "17": 2.9,
    "02": 3.2,
    "01": 2.3,
    "08": 1.7,
    "09": 1.0,
    "11": 1.0,
    "10": 0.5,
}
PREFIXES = {
    Category.WORKS: ("Travaux de", "Réfection -", "Construction -", "Remplacement -", "Réaménagement -"),
    Category.SERVICES: ("Services -", "Contrat de service -", "Entretien -", "Services professionnels -"),
    Category.GOODS: ("Acquisition -", "Fourniture -", "Achat -", "Approvisionnement -"),
}
PLACES = (
    "école primaire",
    "centre administratif",
    "CLSC",
    "aréna municipal",
    "hôtel de ville",
    "pavillon principal",
    "garage municipal",
    "bibliothèque",
    "parc régional",
    "usine de filtration",
    "cégep",
    "CHSLD",
)
FILLER = (
    "le présent appel d'offres vise la fourniture de biens et services selon le devis joint",
    "les soumissionnaires doivent visiter les lieux avant le dépôt",
    "contrat d'une durée de trois ans avec deux options de renouvellement",
    "les travaux doivent être réalisés en dehors des heures d'ouverture",
    "la garantie de soumission est exigée",
)
BUYERS = ("Ville", "Municipalité", "Centre de services scolaire", "CISSS", "Cégep", "MRC", "Société de transport")
ENGLISH_KEYWORDS = ("cleaning", "catering", "software", "landscaping", "recycling", "welding", "training", "printing")
FALLBACK_POOL = (
    ("76111500", "Nettoyage et entretien de bureaux et de bâtiments divers", "General building cleaning"),
    ("72102900", "Services d'entretien des parcs", "Grounds maintenance services"),
    ("72102901", "Services de déneigement", "Snow removal services"),
    ("90101600", "Services de traiteur et de banquets", "Banquet and catering services"),
    ("81111500", "Ingénierie en logiciel et matériel", "Software or hardware engineering"),
    ("76121801", "Services de recyclage", "Recycling services"),
    ("73151600", "Services de conditionnement", "Packaging services"),
    ("80161508", "Services de destruction de document", "Document destruction services"),
    ("70111706", "Services d'entretien des pelouses", "Lawn care services"),
    ("86101800", "Formation continue du personnel", "In service training and manpower development"),
    ("72141102", "Nivellement de terrain", "Grading services"),
    ("72101500", "Services de maintenance et de réparation des bâtiments", "Building support services"),
)


@dataclass(frozen=True, slots=True)
class PoolCode:
    code: str
    fr: str
    en: str
    category: Category
    words: tuple[str, ...]  # content words of the French title, as written


def code_pool(rng: random.Random) -> list[PoolCode]:
    rows: dict[str, tuple[str, str]] = {}
    observed = UNSPSC_DIR / "unspsc_codes_observed_in_real_notices.csv"
    v7 = UNSPSC_DIR / "unspsc_v7.0901_en_fr.csv"
    if observed.exists() and v7.exists():
        with observed.open(encoding="utf-8") as f:
            for r in csv.DictReader(f):
                fr = r["title_fr_seao"] or r["title_fr_canadabuys"]
                en = r["title_en_canadabuys"] or r["title_en_v7"]
                if fr:
                    rows[r["code"]] = (fr, en or fr)
        with v7.open(encoding="utf-8") as f:
            candidates = [
                (r["code"], r["title_fr"], r["title_en"])
                for r in csv.DictReader(f)
                if r["level"] in ("class", "commodity") and r["code"][:2] in BUSY_SEGMENTS and r["title_fr"]
            ]
        for code, fr, en in rng.sample(candidates, POOL_FROM_V7):
            rows.setdefault(code, (fr, en))
    else:
        rows = {code: (fr, en) for code, fr, en in FALLBACK_POOL}
    # Organizers pick words of their trade (« déneigement »), not words every title has (« services »).
    spread = Counter(stem for fr, _ in rows.values() for stem in {s for t in tokens(fr) for s in stems(t)})
    return [PoolCode(c, fr, en, _category(c), _trade_words(fr, spread)) for c, (fr, en) in sorted(rows.items())]


def _category(code: str) -> Category:
    if code.startswith(("72", "95")):
        return Category.WORKS
    if int(code[:2]) >= 70:
        return Category.SERVICES
    return Category.GOODS


def _trade_words(title: str, spread: Counter[str]) -> tuple[str, ...]:
    words = [w.strip(",.()«»").lower() for w in title.replace("’", "'").split("'")[-1].split()]
    return tuple(
        w
        for w in words
        if len(w) > 3
        and all(t not in STOP_WORDS and max(spread[s] for s in stems(t)) <= MAX_KEYWORD_SPREAD for t in tokens(w))
    )


def weighted_regions(rng: random.Random, k: int) -> list[str]:
    return rng.choices(list(REGION_WEIGHTS), weights=list(REGION_WEIGHTS.values()), k=k)


def make_tenders(rng: random.Random, pool: Sequence[PoolCode], n: int) -> list[Tender]:
    weights = [1 / (i + 1) ** 0.6 for i in range(len(pool))]  # a few codes are much more common
    rng.shuffle(weights)
    buyers = [(f"{rng.choice(BUYERS)} {i:03d}", region) for i, region in enumerate(weighted_regions(rng, 400))]
    tenders = []
    for i in range(n):
        code = rng.choices(pool, weights=weights)[0]
        buyer, region = rng.choice(buyers)
        title = f"{rng.choice(PREFIXES[code.category])} {code.fr.lower()}"
        if rng.random() < 0.5:
            title += f" — {rng.choice(PLACES)}"
        description = None
        if rng.random() < 0.5:
            description = f"{code.fr}. {rng.choice(FILLER).capitalize()}. {rng.choice(FILLER).capitalize()}."
        scope = rng.choices(list(SCOPE_MIX), weights=list(SCOPE_MIX.values()))[0]
        evidence = (RegionEvidence(region, f"buyer {buyer}", 0.9),) if scope is Scope.REGIONS else ()
        # Publishers write codes on 8 digits; the pool mixes levels.
        published = code.code.ljust(8, "0")
        tenders.append(
            Tender(
                source="seao",
                native_id=f"ocds-ec9k95-{i:07d}",
                revision="1",
                title=Text(title),
                status=rng.choices(list(STATUS_MIX), weights=list(STATUS_MIX.values()))[0],
                description=Text(description),
                buyer=Buyer(Text(buyer), f"buyer-{buyer[-3:]}"),
                classifications=(Classification("UNSPSC", published, Text(code.fr, code.en)),),
                category=code.category,
                closing_at=NOW + timedelta(days=rng.randint(-2, 30)),
                value=Money(Decimal(rng.randint(5, 2_000) * 1_000)) if rng.random() < 0.3 else None,
                regions=Regions(scope, evidence),
            )
        )
    return tenders


def make_profiles(rng: random.Random, pool: Sequence[PoolCode], n: int) -> list[Profile]:
    profiles = []
    for i in range(n):
        theme = rng.choice(pool)
        codes = [_at_level(rng, theme.code)]
        if rng.random() < 0.3:
            codes.append(_at_level(rng, rng.choice(pool).code))
        keywords = rng.sample(theme.words, min(len(theme.words), rng.randint(0, 2)))
        if len(theme.words) >= 2 and rng.random() < 0.3:
            keywords.append(f'"{" ".join(theme.words[:2])}"')
        if rng.random() < 0.1:
            keywords.append(rng.choice(ENGLISH_KEYWORDS))
        regions = sorted(set(weighted_regions(rng, rng.randint(1, 2))))
        if rng.random() < 0.1:
            regions.append("QC")
        elif rng.random() < 0.05:
            regions = []
        band = rng.random() < 0.2
        profiles.append(
            Profile(
                enterprise_id=f"ent-{i // 2:06d}",
                id=f"profile-{i % 2}",
                name=theme.fr,
                unspsc=tuple(codes),
                keywords=tuple(keywords),
                excluded=("amiante",) if rng.random() < 0.05 else (),
                regions=tuple(regions),
                categories=(theme.category,) if rng.random() < 0.3 else (),
                min_value=Decimal(rng.choice((0, 10_000, 25_000))) if band else None,
                max_value=Decimal(rng.choice((100_000, 500_000))) if band and rng.random() < 0.7 else None,
                buyers_deny=(f"buyer-{rng.randrange(400):03d}",) if rng.random() < 0.03 else (),
            )
        )
    return profiles


def _at_level(rng: random.Random, code: str) -> str:
    level = rng.choices((4, 6, 8), weights=(10, 50, 40))[0]
    return code[:level].ljust(8, "0")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def run(n_profiles: int, tenders: list[Tender], pool: Sequence[PoolCode], seed: int, freeze: bool) -> Result:
    profiles = make_profiles(random.Random(seed + n_profiles), pool, n_profiles)
    money(Decimal(0), "fr")

    start = time.process_time()
    index = ProfileIndex.build(profiles)
    build = time.process_time() - start
    if freeze:
        gc.freeze()  # as a long-lived container would, once the index is built

    # As match_tenders does: each tender's matches are stored, then dropped, before the next one.
    start = time.process_time()
    matches = 0
    for tender in tenders:
        matches += len(index.match(tender, NOW))
    matching = time.process_time() - start

    # Brute force on the week's tenders that are not open (cheap) and on a sample of the open ones.
    open_tenders = [t for t in tenders if is_open(t, NOW)]
    sample = random.Random(seed).sample(open_tenders, min(len(open_tenders), max(10, 2_000_000 // n_profiles)))
    rest = [t for t in tenders if not is_open(t, NOW)]
    # brute_force_match compiles every profile on each call: timed once on its own, counted once, so the
    # scaling to the week multiplies only the per-tender work.
    start = time.process_time()
    brute_force_match(profiles, [], NOW)
    compile_once = time.process_time() - start
    start = time.process_time()
    brute = brute_force_match(profiles, sample, NOW)
    brute_open = time.process_time() - start - compile_once
    start = time.process_time()
    brute_force_match(profiles, rest, NOW)
    brute_rest = time.process_time() - start - compile_once
    brute_week = compile_once + brute_open * len(open_tenders) / len(sample) + brute_rest

    indexed = sorted((m for t in sample for m in index.match(t, NOW)), key=match_order)
    if indexed != brute:
        raise SystemExit(f"index and brute force disagree on the sample ({len(indexed)} vs {len(brute)} matches)")
    if freeze:
        gc.unfreeze()
    return Result(n_profiles, build, matching, brute_week, len(sample), matches, peak_mb())


@dataclass(frozen=True, slots=True)
class Result:
    profiles: int
    build_s: float
    match_s: float
    brute_s: float  # scaled to the week
    sample: int  # open tenders the brute force was timed on
    matches: int
    peak_mb: float

    @property
    def ratio(self) -> float:
        return self.brute_s / self.match_s

    def within_budget(self) -> bool:
        return self.match_s <= BUDGET_S and self.ratio >= BUDGET_RATIO and self.peak_mb <= BUDGET_MB


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--profiles", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--tenders", type=int, default=WEEK)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-freeze", action="store_true", help="leave the built index to the cyclic GC")
    args = parser.parse_args(argv)

    rng = random.Random(args.seed)
    pool = code_pool(rng)
    tenders = make_tenders(rng, pool, args.tenders)
    n_open = sum(is_open(t, NOW) for t in tenders)
    print(f"{len(tenders):,} tenders ({n_open:,} open) over {len(pool)} UNSPSC codes; times are CPU seconds")
    columns = ("profiles", "build", "match week", "brute week", "ratio", "matches", "per profile", "peak RSS")
    widths = (9, 8, 11, 11, 7, 9, 12, 9)
    print(" ".join(f"{c:>{w}}" for c, w in zip(columns, widths, strict=True)))
    failed = False
    for n in args.profiles:
        r = run(n, tenders, pool, args.seed, freeze=not args.no_freeze)
        print(
            f"{n:>9,} {r.build_s:>7.2f}s {r.match_s:>10.2f}s {r.brute_s:>10.0f}s {r.ratio:>6.0f}x"
            f" {r.matches:>9,} {r.matches / n:>12.2f} {r.peak_mb:>6.0f} MB"
        )
        failed |= n >= 100_000 and not r.within_budget()
    print(f"brute force timed on {r.sample} open tenders (and all the others), scaled to the week")
    if failed:
        print(f"over budget at 100,000 profiles: match ≤ {BUDGET_S} s, ≥ {BUDGET_RATIO}x brute force, ≤ {BUDGET_MB} MB")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
