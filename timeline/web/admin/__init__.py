"""The editors' pages under /admin: every one needs a logged-in editor or admin (checked
before any view runs); views that publish, delete or manage accounts also need an admin."""

from __future__ import annotations

from flask import Blueprint, current_app
from flask_login import current_user

from timeline.web.security import login_manager

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
def require_account():
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    return None


# The editors' menu: endpoint, label, and whether only admins see it.
MENU = [
    ("admin.event_new", "New event", False),
    ("admin.actors", "Actors", False),
    ("admin.cost_data", "Cost data", False),
    ("admin.imports", "Bulk import", False),
    ("admin.users", "Accounts", True),
    ("admin.account", "Your account", False),
]


@bp.app_context_processor
def _menu():
    def admin_links() -> list[tuple[str, str]]:
        views = current_app.view_functions
        shown = [(e, label) for e, label, only in MENU if not only or current_user.is_admin]
        return [(endpoint, label) for endpoint, label in shown if endpoint in views]

    return {"admin_links": admin_links}


from timeline.web.admin import (  # noqa: E402, F401
    account,
    actors,
    costs,
    dashboard,
    events,
    imports,
    users,
)
