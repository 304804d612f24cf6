"""HTML responses: the page's language, rendering, and the shared error pages.

Every page names, in its footer, who runs the site, how to reach them and who answers for personal
information (`sender`, the same identity as in the e-mails).
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.shared.cookies import Cookie, SameSite

from esja import l10n
from esja.config import SenderIdentity
from esja.rendering import render

HTML = "text/html; charset=utf-8"


def page_language(app: APIGatewayHttpResolver) -> str:
    """?lang= wins, then the `lang` cookie (remembered choice), then Accept-Language; French by default."""
    event = app.current_event
    asked = (event.query_string_parameters or {}).get("lang")
    if asked:
        return l10n.language(asked)
    for cookie in event.cookies or []:
        name, _, value = cookie.partition("=")
        if name.strip() == "lang":
            return l10n.language(value)
    return l10n.negotiate((event.headers or {}).get("accept-language"))


def page(template: str, lang: str, *, sender: SenderIdentity, status: int = 200, **context: Any) -> Response[str]:
    headers = {"Content-Language": lang}
    cookies = [Cookie("lang", lang, path="/", max_age=31_536_000, http_only=True, same_site=SameSite.LAX_MODE)]
    body = render(template, lang, sender=sender, **context)
    return Response(status_code=status, content_type=HTML, body=body, headers=headers, cookies=cookies)


def error_page(lang: str, status: int, message_key: str, *, sender: SenderIdentity) -> Response[str]:
    return page("pages/error.html", lang, sender=sender, status=status, message_key=message_key)
