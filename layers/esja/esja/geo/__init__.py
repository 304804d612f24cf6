"""Which Québec administrative regions (01–17) a tender concerns, and how that was inferred.

inferrer = RegionInferrer(Gazetteer.bundled())
regions = inferrer.infer(tender)          # Regions(scope, evidence)
region_name("15", "fr")                   # « 15 Laurentides »
"""

from esja.geo.gazetteer import Gazetteer, Place
from esja.geo.infer import RegionInferrer
from esja.geo.mamh import ARR_CSV_URL, DATASET_PAGE, MUN_CSV_URL, GazetteerError
from esja.geo.regions import Region, all_regions, region_name

__all__ = [
    "ARR_CSV_URL",
    "DATASET_PAGE",
    "MUN_CSV_URL",
    "Gazetteer",
    "GazetteerError",
    "Place",
    "Region",
    "RegionInferrer",
    "all_regions",
    "region_name",
]
