"""The survey commands: installing the shipped templates, and the demo commune's surveys."""
import random
from datetime import timedelta

from sqlmodel import select

from hailong.figures import Period, sector_figures
from hailong.surveys.demo import load_surveys
from models import Survey, SurveyResponse, SurveyStatus, local_date_of, utcnow


def test_install_templates_once_and_publish(runner, session, world):
    result = runner.invoke(args=["surveys", "install-templates", "--publish"])
    assert result.exit_code == 0, result.output
    assert "/survey/sipas (published)" in result.output
    again = runner.invoke(args=["surveys", "install-templates"])
    assert again.exit_code == 0 and again.output.count("already installed") == 3
    surveys = session.exec(select(Survey)).all()
    assert sorted(s.template for s in surveys) == ["education", "health", "sipas"]
    assert {s.status for s in surveys} == {SurveyStatus.PUBLISHED}


def test_demo_surveys_feed_the_sector_figure(session, world):
    line = load_surveys(session, world.unit, random.Random(1), days=30)
    session.commit()
    assert line.startswith("600 survey responses")
    today = local_date_of(utcnow())
    figures = sector_figures(session, [world.unit.id], Period(today - timedelta(days=29), today))
    assert figures["health"].denominator == 180 and figures["education"].denominator == 160
    assert 0.7 < figures["health"].value < 1.0
    assert len(session.exec(select(SurveyResponse)).all()) == 600
