"""kaocha (考察): structured data from Chinese delegation-visit reports.

    import kaocha
    report = kaocha.extract_file("report.txt")     # encoding detected; or kaocha.extract(text)
    report.officials, report.venues, report.areas
"""

__version__ = "0.1.0"

from kaocha.api import (  # noqa: E402
    BrokenModel, ModelError, ModelNotFound, Report, extract, extract_file, extract_many, load, read_records,
    to_dataframes,
)

__all__ = ["BrokenModel", "ModelError", "ModelNotFound", "Report", "extract", "extract_file", "extract_many", "load",
           "read_records", "to_dataframes", "__version__"]
