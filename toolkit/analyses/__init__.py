"""One module per analysis, each defining ``ANALYSIS = toolkit.analysis.Analysis(...)`` (found automatically)."""
