"""The API's request and response bodies: one module per router (:mod:`.graph`,
:mod:`.introductions`, :mod:`.weaknesses`, :mod:`.referrals`, :mod:`.system`), and
:mod:`.shared` for the shapes several of them use.

The families follow the FastAPI full-stack template: ``XPublic`` is what a route answers,
``XCreate`` (or ``XMove``) what it takes. A ``Public`` model made from a domain object has
one way in, its ``from_domain`` classmethod, which names every field it fills; a route never
builds one field by field itself.
"""
