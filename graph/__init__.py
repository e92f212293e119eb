"""rsn's core: the domain and everything below the entry points.

``model`` (kinds, types, records), ``rows`` (a dataset's field rules), ``referral_lifecycle``
(a referral's states) and ``japan`` (prefectures, blocks, JSIC) are pure; ``algorithms`` are
graph algorithms with no store; ``store`` holds the ports and their two adapters;
``loaders`` and ``queries`` work through the ports; ``bootstrap`` opens what the entry points
(``cli``, ``api``) use. The layers are checked by ``lint-imports`` (see pyproject.toml).
"""
