"""Every admin-side route: ``/auth/*`` and ``/admin/*``.

Routes under ``/admin`` require a signed-in user (``CurrentAdmin``) and count against
``RATE_LIMIT_ADMIN`` per user; each adds its role rule (``RequireRole``).
"""

from fastapi import APIRouter

from app.admin.audit.router import router as audit_router
from app.admin.auth.router import router as auth_router
from app.admin.conversations.router import router as conversations_router
from app.admin.leads.router import router as leads_router
from app.admin.users.router import router as users_router
from app.core.errors import Forbidden, responses

admin_api = APIRouter(prefix="/admin")
for sub in (leads_router, conversations_router, users_router, audit_router):
    admin_api.include_router(sub)

router = APIRouter()
# 403 also when ADMIN_IP_ALLOWLIST refuses the client's address.
router.include_router(auth_router, responses=responses(Forbidden))
router.include_router(admin_api, responses=responses(Forbidden))
