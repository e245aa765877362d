"""xlwings Server's auth hook for xlsync (XLWINGS_AUTH_PROVIDERS=["xlsync"]): the bearer
token of the Authorization header → the user of the users file, whose units become roles
("unit:095002") of xlwings Server's User model."""

from anyio import to_thread
from fastapi import HTTPException, status
from xlwings_server.models import User

from xlsync.server import settings
from xlsync.server.tokens import user_for_header

UNIT_ROLE = "unit:"


async def validate_token(token_string: str) -> User:
    found = await to_thread.run_sync(user_for_header, token_string, settings()["users"])
    if found is None:
        raise HTTPException(
            status_code=status.HTTP_401_UNAUTHORIZED,
            detail="需要有效的令牌：请在 xlsync 任务窗格中填写管理员发给您的令牌（Authorization: Bearer …）",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return User(id=found.name, name=found.name, roles=[UNIT_ROLE + u for u in found.units])
