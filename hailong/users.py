"""Back-office accounts: argon2 password hashes, growing delays after failed sign-ins, session versions."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlmodel import Session, delete, select

from hailong import audit
from hailong.errors import DomainError, ValidationError
from models import LoginThrottle, Role, User, UserServiceArea, utcnow

_hasher = PasswordHasher()  # argon2's defaults: the stand-in hash below is held to them by a test
MIN_PASSWORD_LENGTH = 10
# A hash to verify against when the user does not exist, so timing does not reveal usernames. Written
# out, not hashed at import (0,18 s of every start and import); made with the hasher's parameters, which
# a test holds it to, so verifying against it costs what verifying a real password costs.
_DUMMY_HASH = "$argon2id$v=19$m=65536,t=3,p=4$S5uV91wujSo2S9nQIh+tcg$s87ZllE8MEo27U39dorlD5DDuLvpzsqoxcdPEL+y6wo"


class LoginFailed(DomainError):
    status = 401
    code = "login_failed"


class TooManyAttempts(DomainError):
    status = 429
    code = "too_many_attempts"


@dataclass(frozen=True)
class Throttle:
    """Free failures before delays start, per username and per address (an office's staff share one
    address), and the longest delay: a delay, never a lock, so nobody can lock the chairman out."""

    free_per_user: int = 5
    free_per_address: int = 20
    max_delay: timedelta = timedelta(minutes=5)
    forget_after: timedelta = timedelta(days=1)


class LoginUser(UserMixin):
    """What Flask-Login keeps about the signed-in official: a detached copy of the row."""

    def __init__(self, user: User):
        self.id = user.id
        self.username = user.username
        self.role = Role(user.role)
        self.unit_id = user.unit_id
        self.official_id = user.official_id
        self.full_name = user.full_name or user.username
        self.session_version = user.session_version

    def get_id(self) -> str:
        # The version travels in the session: bumping it (end_other_sessions) makes old sessions invalid.
        return f"{self.id}:{self.session_version}"

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


def authenticate(session: Session, *, username: str, password: str, address: str, throttle: Throttle = Throttle(),
                 now: datetime | None = None) -> User:
    """The user for these credentials. Failures are counted per username and per address; past the
    free ones each further attempt waits twice as long (capped). Unknown and known names answer the
    same, so the answers reveal no usernames."""
    now = now or utcnow()
    name = (username or "").strip().lower()[:64]
    keys = {f"user:{name}": throttle.free_per_user, f"addr:{address}"[:120]: throttle.free_per_address}
    rows = {key: session.get(LoginThrottle, key) or LoginThrottle(key=key, updated_at=now) for key in keys}
    waits = [row.wait_until for row in rows.values() if row.wait_until and row.wait_until > now]
    if waits:
        seconds = int((max(waits) - now).total_seconds()) + 1
        raise TooManyAttempts(_l("Đăng nhập sai nhiều lần. Vui lòng thử lại sau %(s)s giây.", s=seconds))
    user = session.exec(select(User).where(User.username == name)).first()
    if user is None or not user.active:
        _verify(_DUMMY_HASH, password)
        user = None
    elif not _verify(user.password_hash, password):
        user = None
    if user is None:
        for key, row in rows.items():
            _count_failure(session, row, keys[key], throttle, now)
        raise LoginFailed(_l("Tên đăng nhập hoặc mật khẩu không đúng."))
    unlock(session, user.username)
    user.last_login_at = now
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def _count_failure(session: Session, row: LoginThrottle, free: int, throttle: Throttle, now: datetime) -> None:
    if row.updated_at and now - row.updated_at > throttle.forget_after:
        row.failures = 0  # yesterday's typos do not slow today's first attempt
    row.failures += 1
    row.updated_at = now
    if row.failures >= free:
        delay = timedelta(seconds=2 ** min(row.failures - free + 1, 20))
        row.wait_until = now + min(delay, throttle.max_delay)
    session.add(row)


def unlock(session: Session, username: str) -> None:
    """Forget the username's failed sign-ins (a correct password, or an administrator's unlock)."""
    row = session.get(LoginThrottle, f"user:{username}")
    if row is not None:
        session.delete(row)


def failed_sign_ins(session: Session, username: str) -> int:
    """Failed sign-ins counted against the username (0 after a success, an unlock or a reset)."""
    row = session.get(LoginThrottle, f"user:{username}")
    return row.failures if row is not None else 0


def end_other_sessions(user: User) -> None:
    """Every session signed in before now stops working (a new password, role or deactivation)."""
    user.session_version = (user.session_version or 1) + 1


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password or "")
    except (VerificationError, InvalidHashError):
        return False


@dataclass
class Account:
    """What an administrator sets on a colleague's account; ``password`` empty keeps the old one."""
    full_name: str
    email: str
    phone: str
    role: str
    active: bool = True
    password: str = ""
    area_ids: tuple[int, ...] = ()


def add_account(session: Session, admin, username: str, account: Account) -> User:
    """A new account in the administrator's unit, with its areas, on record in the audit log."""
    user = create_user(session, username=username, password=account.password, role=account.role,
                       unit_id=admin.unit_id, full_name=account.full_name)
    user.email, user.phone = account.email, account.phone
    set_areas(session, user, account.area_ids)
    audit.record(session, admin.id, "settings.create", "user", user.id, {"role": user.role})
    return user


def change_account(session: Session, admin, user: User, account: Account) -> None:
    """Apply the administrator's changes; a new password lets the person in at once, and a new password, role or
    deactivation ends their other sessions. No one removes their own administration or locks themselves out."""
    if user.id == admin.id and (account.role != Role.ADMIN or not account.active):
        raise DomainError(_l("Không thể tự bỏ quyền quản trị hoặc tự khóa tài khoản của mình."), status=422)
    changed = {"role": account.role} if account.role != user.role else {}
    if account.active != user.active:
        changed["active"] = account.active
    user.full_name, user.email, user.phone = account.full_name, account.email, account.phone
    user.role, user.active = account.role, account.active
    if account.password:
        user.password_hash = hash_password(account.password)
        unlock(session, user.username)  # a reset is how an administrator lets someone back in
        changed["password"] = True
    if changed:
        end_other_sessions(user)
    set_areas(session, user, account.area_ids)
    audit.record(session, admin.id, "settings.update", "user", user.id, changed | {"active": user.active})


def set_areas(session: Session, user: User, area_ids) -> None:
    """A handler's service areas (what their inbox shows); other roles keep none."""
    session.exec(delete(UserServiceArea).where(UserServiceArea.user_id == user.id))
    if user.role == Role.HANDLER:
        session.add_all([UserServiceArea(user_id=user.id, service_area_id=a) for a in area_ids])
