"""Back-office accounts: argon2 password hashes and lockout after repeated failures."""
from __future__ import annotations

from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlmodel import Session, select

from hailong.errors import DomainError, ValidationError
from models import Role, User, utcnow

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 10
# A hash to verify against when the user does not exist, so timing does not reveal usernames.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


class LoginFailed(DomainError):
    status = 401
    code = "login_failed"


class AccountLocked(DomainError):
    status = 429
    code = "locked"


class LoginUser(UserMixin):
    """What Flask-Login keeps about the signed-in official: a detached copy of the row."""

    def __init__(self, user: User):
        self.id = user.id
        self.username = user.username
        self.role = Role(user.role)
        self.unit_id = user.unit_id
        self.official_id = user.official_id
        self.full_name = user.full_name or user.username

    def get_id(self) -> str:
        return str(self.id)

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def create_user(session: Session, *, username: str, password: str, role: Role | str, unit_id: int | None = None,
                full_name: str = "", official_id: int | None = None) -> User:
    """Create an account after checking the name, role and password strength."""
    username = (username or "").strip().lower()
    if not username or len(username) > 64 or not username.replace(".", "").replace("_", "").replace("-", "").isalnum():
        raise ValidationError(_l("Tên đăng nhập chỉ gồm chữ, số, dấu chấm, gạch dưới hoặc gạch ngang."))
    if role not in Role._value2member_map_:
        raise ValidationError(_l("Vai trò không hợp lệ."))
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise ValidationError(_l("Mật khẩu cần ít nhất %(n)s ký tự.", n=MIN_PASSWORD_LENGTH))
    if session.exec(select(User).where(User.username == username)).first():
        raise ValidationError(_l("Tên đăng nhập đã tồn tại."))
    user = User(username=username, password_hash=hash_password(password), role=Role(role), unit_id=unit_id,
                full_name=full_name, official_id=official_id)
    session.add(user)
    session.flush()  # callers link the new id to areas and officials
    return user


def authenticate(session: Session, *, username: str, password: str, max_failures: int, lockout: timedelta,
                 now: datetime | None = None) -> User:
    """The user for these credentials; counts failures and locks the account after too many."""
    now = now or utcnow()
    user = session.exec(select(User).where(User.username == (username or "").strip().lower())).first()
    if user is None or not user.active:
        _verify(_DUMMY_HASH, password)
        raise LoginFailed(_l("Tên đăng nhập hoặc mật khẩu không đúng."))
    if user.locked_until and user.locked_until > now:
        raise AccountLocked(_l("Tài khoản tạm khóa do đăng nhập sai nhiều lần. Vui lòng thử lại sau %(m)s phút.",
                               m=max(1, int((user.locked_until - now).total_seconds() // 60) + 1)))
    if not _verify(user.password_hash, password):
        user.failed_logins += 1
        if user.failed_logins >= max_failures:
            user.locked_until = now + lockout
            user.failed_logins = 0
        raise LoginFailed(_l("Tên đăng nhập hoặc mật khẩu không đúng."))
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password or "")
    except (VerificationError, InvalidHashError):
        return False
