"""Security headers on every answer: pages, errors, the API, exports and static files alike.

The policy allows only this site's own files: no inline script or style, no plugin, no other
site's scripts, and no page of ours inside another site's frame. Every script and style is a
file under static/ (templates use `data-` attributes where they once had inline handlers), so
no nonce or hash is needed. Framing is refused unless a view asks for it with
`@allow_framing`, as an embeddable view would.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, Response, current_app, request

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# Powerful browser features no page here uses, denied so a script that got in could not either.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer", "autoplay", "camera", "display-capture", "geolocation", "gyroscope",
        "magnetometer", "microphone", "midi", "payment", "usb",
    )
)  # fmt: skip
HSTS = "max-age=31536000; includeSubDomains"
ALWAYS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": PERMISSIONS_POLICY,
    "Cross-Origin-Opener-Policy": "same-origin",
}


def allow_framing(view: Callable) -> Callable:
    """Let any site show this view in a frame (an embed); every other view refuses."""
    view.allow_framing = True  # type: ignore[attr-defined]
    return view


def _framing_allowed() -> bool:
    view = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, "allow_framing", False))


def _secure(response: Response) -> Response:
    for name, value in ALWAYS.items():
        response.headers.setdefault(name, value)
    policy = CONTENT_SECURITY_POLICY
    if _framing_allowed():
        policy = policy.replace("frame-ancestors 'none'", "frame-ancestors *")
    else:
        response.headers["X-Frame-Options"] = "DENY"
    response.headers["Content-Security-Policy"] = policy
    # Sent over plain HTTP the header would be ignored at best; over HTTPS it keeps the
    # browser from ever trying plain HTTP again.
    if request.is_secure:
        response.headers["Strict-Transport-Security"] = HSTS
    return response


def init_app(app: Flask) -> None:
    app.after_request(_secure)
