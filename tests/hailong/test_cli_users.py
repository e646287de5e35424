"""`flask create-user` refuses a taken name or a short password with a message, not a traceback."""
from sqlmodel import select

from models import User


def test_create_user_then_refusals_with_a_clear_message(runner, session, world):
    ok = runner.invoke(args=["create-user", "lan.xa01", "--role", "desk"], input="mot-mat-khau-dai\n")
    assert ok.exit_code == 0, ok.output
    taken = runner.invoke(args=["create-user", "lan.xa01", "--role", "desk"], input="mot-mat-khau-dai\n")
    assert taken.exit_code != 0 and "Tên đăng nhập đã tồn tại." in taken.output
    assert "Traceback" not in taken.output and isinstance(taken.exception, SystemExit)
    short = runner.invoke(args=["create-user", "hoa.xa01", "--role", "desk"], input="ngan\n")
    assert short.exit_code != 0 and "Mật khẩu cần ít nhất 10 ký tự." in short.output
    assert isinstance(short.exception, SystemExit)
    assert session.exec(select(User).where(User.username == "hoa.xa01")).first() is None
