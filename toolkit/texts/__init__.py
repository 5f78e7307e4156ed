"""User-visible report texts, one module per concern, each with a ``TEXTS`` dict (see :mod:`toolkit.i18n`)."""
