"""The citizen's PAKN form on a phone: the shared fields, a honeypot and the short consent sentence."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, StringField

from hailong.feedback_form import FeedbackForm


class PublicFeedbackForm(FeedbackForm):
    # A honeypot: hidden from people (and from screen readers), filled by form-stuffing robots.
    website = StringField(_l("Trang web (để trống)"))
    # One short sentence a citizen reads; the law's full wording is one tap away on the page.
    consent = BooleanField(_l("Tôi đồng ý để Ủy ban nhân dân xã giữ họ tên và cách liên hệ của tôi, chỉ để trả lời "
                              "phản ánh, kiến nghị này."))
