"""China's administrative divisions, county level and above, as the package needs them at run time.

``divisions.tsv`` is derived from the National Bureau of Statistics' 2023
division codes by ``python -m kaocha.gazetteer.build`` (source and licence in
the README beside it); :mod:`kaocha.jurisdictions` reads it.
"""
