"""Every coded value a person reads has words, in Vietnamese and in English, in one place."""
import pytest
from flask_babel import force_locale

from hailong import labels
from models import Level, Sector


@pytest.mark.parametrize("enum_cls", list(labels.BY_ENUM), ids=lambda e: e.__name__)
def test_every_member_has_words_in_both_languages(app, enum_cls):
    words = labels.BY_ENUM[enum_cls]
    assert set(words) == {member.value for member in enum_cls}
    with app.test_request_context():
        for member in enum_cls:
            with force_locale("vi"):
                vietnamese = str(words[member.value])
            with force_locale("en"):
                english = str(words[member.value])
            assert vietnamese.strip() and english.strip(), member
            assert english != vietnamese, f"{enum_cls.__name__}.{member.name} has no English translation"


def test_a_member_finds_the_words_of_its_value(app):
    with app.test_request_context(), force_locale("vi"):
        assert str(labels.LEVELS[Level.VERY_SATISFIED]) == str(labels.LEVELS["very_satisfied"]) == "Rất hài lòng"
        assert labels.SECTORS.get(Sector.ADMINISTRATIVE) is labels.SECTORS["administrative"]
        assert labels.SECTORS.get("unknown") is None
        assert labels.label(labels.SECTORS, "unknown") == "unknown"


def test_the_administrative_sector_has_one_wording_everywhere(app, client):
    """DESIGN.md: the satisfaction target is about administrative procedures."""
    with app.test_request_context(), force_locale("vi"):
        assert str(labels.SECTORS["administrative"]) == "Thủ tục hành chính"
    with app.test_request_context(), force_locale("en"):
        assert str(labels.SECTORS["administrative"]) == "Administrative procedures"
