"""The survey templates shipped with the product: SIPAS-style service, health and education.

The SIPAS questions follow the Ministry of Home Affairs' index of satisfaction with public
administrative services: five elements, each a few 5-point items. The health and education
surveys feed the reform plan's ≥ 90% sector satisfaction target through their overall question.
"""
from __future__ import annotations

from sqlmodel import Session

from hailong.surveys import definitions
from models import Sector, Survey


def _scale(key, vi, en, element=None, overall=False, required=True):
    return {"key": key, "type": "scale", "text": {"vi": vi, "en": en}, "required": required,
            "element": element, "overall": overall}


def _choice(key, kind, vi, en, options, required=False):
    return {"key": key, "type": kind, "text": {"vi": vi, "en": en}, "required": required,
            "options": [{"value": f"o{i}", "label": {"vi": o_vi, "en": o_en}}
                        for i, (o_vi, o_en) in enumerate(options, 1)]}


def _plain(key, kind, vi, en, required=False):
    return {"key": key, "type": kind, "text": {"vi": vi, "en": en}, "required": required}


SIPAS = {
    "slug": "sipas", "sector": Sector.ADMINISTRATIVE,
    "title_vi": "Khảo sát sự hài lòng về dịch vụ hành chính công",
    "title_en": "Satisfaction with public administrative services",
    "intro_vi": "Khảo sát theo phương pháp SIPAS của Bộ Nội vụ. Ông/bà không cần ghi họ tên; mất khoảng 3 phút.",
    "intro_en": "A SIPAS survey of the Ministry of Home Affairs. You do not give your name; it takes about 3 minutes.",
    "questions": [
        _scale("access_1", "Nơi ngồi chờ tại Trung tâm có đủ chỗ ngồi, thoáng mát",
               "The waiting area had enough seats and was comfortable", "access"),
        _scale("access_2", "Trang thiết bị phục vụ người dân đầy đủ, dễ sử dụng",
               "Equipment for citizens was adequate and easy to use", "access"),
        _scale("proc_1", "Thủ tục hành chính được niêm yết công khai, đầy đủ, chính xác",
               "The procedure was posted publicly, completely and accurately", "procedures"),
        _scale("proc_2", "Hồ sơ, phí và lệ phí phải nộp đúng như quy định",
               "The documents and fees asked for matched the regulations", "procedures"),
        _scale("off_1", "Công chức giao tiếp lịch sự, tôn trọng người dân", "The official was polite and respectful",
               "officials"),
        _scale("off_2", "Công chức hướng dẫn kê khai hồ sơ tận tình, dễ hiểu",
               "The official's guidance was attentive and easy to follow", "officials"),
        _scale("off_3", "Công chức không gây phiền hà, sách nhiễu",
               "The official caused no trouble and asked for nothing improper", "officials"),
        _scale("res_1", "Kết quả giải quyết đúng quy định, thông tin chính xác",
               "The result complied with the rules; its information was accurate", "result"),
        _scale("res_2", "Nhận được kết quả đúng hẹn", "I received the result on time", "result"),
        _scale("fb_1", "Có nơi, có cách để góp ý, phản ánh, kiến nghị", "There was a place and a way to give feedback",
               "feedback_handling"),
        _scale("fb_2", "Phản ánh, kiến nghị được tiếp nhận và trả lời kịp thời",
               "Feedback was received and answered promptly", "feedback_handling", required=False),
        _plain("visits", "yes_no", "Ông/bà có phải đi lại nhiều lần để hoàn thành hồ sơ không?",
               "Did you have to come back several times to complete your file?", required=True),
        _scale("overall", "Nhìn chung, ông/bà hài lòng với việc giải quyết thủ tục hành chính ở mức nào?",
               "Overall, how satisfied are you with how your procedure was handled?", overall=True),
        _plain("comment", "long_text", "Ông/bà có góp ý gì để chúng tôi phục vụ tốt hơn?",
               "Any suggestion to help us serve you better?"),
    ],
}

HEALTH = {
    "slug": "y-te", "sector": Sector.HEALTH,
    "title_vi": "Khảo sát sự hài lòng về dịch vụ y tế", "title_en": "Satisfaction with health services",
    "intro_vi": "Về lần ông/bà đến trạm y tế xã gần đây nhất. Khảo sát ẩn danh, mất khoảng 2 phút.",
    "intro_en": "About your latest visit to the commune health station. Anonymous; about 2 minutes.",
    "questions": [
        _choice("purpose", "single", "Ông/bà đến trạm y tế để làm gì?", "Why did you visit the health station?",
                [("Khám, chữa bệnh", "Consultation or treatment"), ("Tiêm chủng", "Vaccination"),
                 ("Khám thai, sức khỏe sinh sản", "Pregnancy or reproductive health"), ("Việc khác", "Something else")],
                 required=True),
        _scale("h_access", "Thời gian chờ khám hợp lý; biển chỉ dẫn dễ hiểu",
               "Waiting time was reasonable; signs were clear", "access"),
        _scale("h_clean", "Phòng khám, nhà vệ sinh sạch sẽ", "Rooms and toilets were clean", "access"),
        _scale("h_proc", "Thủ tục khám, bảo hiểm y tế rõ ràng, nhanh gọn",
               "Registration and health insurance steps were clear and quick", "procedures"),
        _scale("h_staff", "Nhân viên y tế ân cần, tôn trọng người bệnh", "Health workers were caring and respectful",
               "officials"),
        _scale("h_result", "Kết quả khám, chữa bệnh đáp ứng mong đợi", "The care met your expectations", "result"),
        _scale("overall", "Nhìn chung, ông/bà hài lòng với dịch vụ y tế ở mức nào?",
               "Overall, how satisfied are you with the health services?", overall=True),
        _plain("recommend", "yes_no", "Ông/bà có giới thiệu trạm y tế cho người thân không?",
               "Would you recommend the health station to your family?"),
        _plain("comment", "long_text", "Điều gì trạm y tế nên làm tốt hơn?",
               "What should the health station do better?"),
    ],
}

EDUCATION = {
    "slug": "giao-duc", "sector": Sector.EDUCATION,
    "title_vi": "Khảo sát sự hài lòng về dịch vụ giáo dục công",
    "title_en": "Satisfaction with public education services",
    "intro_vi": "Dành cho cha mẹ học sinh các trường trên địa bàn xã. Khảo sát ẩn danh, mất khoảng 2 phút.",
    "intro_en": "For parents of pupils at the commune's schools. Anonymous; about 2 minutes.",
    "questions": [
        _choice("level", "single", "Con của ông/bà học cấp nào?", "Which level is your child in?",
                [("Mầm non", "Preschool"), ("Tiểu học", "Primary school"),
                 ("Trung học cơ sở", "Lower secondary school")], required=True),
        _choice("channels", "multiple", "Nhà trường liên lạc với phụ huynh qua những cách nào?",
                "How does the school keep in touch with parents?",
                [("Sổ liên lạc điện tử", "Electronic report book"), ("Họp phụ huynh", "Parents' meetings"),
                 ("Nhóm Zalo của lớp", "The class's Zalo group"), ("Điện thoại", "Telephone")]),
        _scale("e_access", "Trường lớp thuận tiện, cơ sở vật chất an toàn",
               "The school is convenient and its buildings are safe", "access"),
        _scale("e_proc", "Tuyển sinh và các khoản thu công khai, minh bạch",
               "Enrolment and fees are public and transparent", "procedures"),
        _scale("e_staff", "Giáo viên tận tâm, tôn trọng học sinh", "Teachers are dedicated and respect the pupils",
               "officials"),
        _scale("e_result", "Con tiến bộ về kiến thức và kỹ năng",
               "Your child is making progress in knowledge and skills", "result"),
        _scale("e_feedback", "Nhà trường lắng nghe và trả lời ý kiến phụ huynh",
               "The school listens and answers parents' views", "feedback_handling"),
        _scale("overall", "Nhìn chung, ông/bà hài lòng với dịch vụ giáo dục ở mức nào?",
               "Overall, how satisfied are you with the education services?", overall=True),
        _plain("wish", "short_text", "Điều ông/bà mong nhà trường cải thiện nhất",
               "The one thing you most want the school to improve"),
    ],
}

TEMPLATES = {"sipas": SIPAS, "health": HEALTH, "education": EDUCATION}


def create_from_template(session: Session, *, unit_id: int, name: str, slug: str | None = None) -> Survey:
    """A draft survey copied from a shipped template (``slug`` defaults to the template's)."""
    template = dict(TEMPLATES[name])
    template["slug"] = slug or template["slug"]
    return definitions.create_survey(session, unit_id=unit_id, template=name, **template)
