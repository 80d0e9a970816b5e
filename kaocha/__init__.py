"""kaocha (考察): structured data from Chinese delegation-visit reports."""

__version__ = "0.1.0"
