"""What `demo-data` prints on every run: who signs in where, and pairing links that work."""
from urllib.parse import parse_qs, urlparse

from hailong import demo
from hailong import kiosks


def test_every_run_prints_full_links_whose_codes_pair_a_tablet(session, world):
    lines = demo.access_lines(session, world.unit, "http://192.0.2.10:8000/")
    assert lines[0].startswith("Back office: http://192.0.2.10:8000/admin — users (password hailong-demo-2025)")
    links = [line.split(": ", 1)[1] for line in lines[2:]]
    assert links and all(link.startswith("http://192.0.2.10:8000/kiosk/pair?code=") for link in links)
    code = parse_qs(urlparse(links[0]).query)["code"][0]
    assert kiosks.pair(session, code) is not None
    assert kiosks.pair(session, code) is None  # once


def test_a_second_run_prints_new_links_again(session, world):
    first = demo.access_lines(session, world.unit, "http://127.0.0.1:5000")
    second = demo.access_lines(session, world.unit, "http://127.0.0.1:5000")
    assert len(first) == len(second) == 3 and first[2] != second[2]
