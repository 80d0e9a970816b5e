"""kaocha (考察): structured data from Chinese delegation-visit reports.

    import kaocha
    report = kaocha.extract(open("report.txt", encoding="utf-8").read())
    report.officials, report.venues, report.areas
"""

__version__ = "0.1.0"

from kaocha.api import ModelNotFound, Report, extract, extract_many, load, to_dataframes  # noqa: E402

__all__ = ["ModelNotFound", "Report", "extract", "extract_many", "load", "to_dataframes", "__version__"]
