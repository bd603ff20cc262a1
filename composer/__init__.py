"""Composer: turns an Analysis into the reply Baton sends the referrer.

`draft` builds the values (pure), `render` turns them into an EmailMessage, and `llm`
optionally improves the wording; the rules' result is always the fallback.
"""
