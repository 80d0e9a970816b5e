"""The label sets of annotation-spec §2 and §3."""

ENTITY_LABELS = ("OFFICIAL", "POST", "VENUE")
CATEGORY_LABELS = (
    "SCI_TECH",
    "INDUSTRY",
    "OPENING_UP",
    "REFORM",
    "URBAN",
    "ECOLOGY",
    "CULTURE_TOURISM",
    "REGIONAL",
    "LIVELIHOOD",
)
