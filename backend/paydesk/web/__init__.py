"""Hosted payer pages: server-rendered, no login, no JavaScript, no third-party assets.

``routes`` (in ``routes.py``) is what the app mounts. Every page goes through
``pages.render``, which sets the pages' security headers, and every form
carries the double-submit CSRF token of ``security``.
"""
