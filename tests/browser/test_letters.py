"""Stemcode letters in real Chromium: the printed QR code scans to the letter's link, and
that link opens the ballot on a phone.

The QR codes are read back from Chromium's rendering with an independent decoder
(zxing-cpp), not from how they were generated.
"""

from __future__ import annotations

import io
import re

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from app.db import get_session
from app.demo_codes import demo_round
from tests.browser.test_voting_day import PHONE, log_in

pytestmark = pytest.mark.browser


def test_letter_qr_codes_scan_to_links_that_open_the_ballot(demo_server, browser) -> None:
    base = demo_server.url
    with demo_server.app.app_context():
        round_ = demo_round(get_session())
        round_id, title = round_.id, round_.title
    official = browser.new_page()
    log_in(official, base, "ambtenaar", "demo-ambtenaar")
    official.goto(f"{base}/official/rounds/{round_id}/stemcodes")
    official.get_by_label("Aantal stemcodes").fill("2")
    official.get_by_role("button", name="Codes aanmaken en brieven tonen").click()
    letters = official.locator("section.letter")
    expect(letters).to_have_count(2)

    scanned = []
    for n in range(2):
        letter = letters.nth(n)
        printed = re.search(r"http\S+\?code=\S+", letter.locator(".link").inner_text()).group(0)
        image = Image.open(io.BytesIO(letter.locator("figure.qr svg").screenshot()))
        [found] = zxingcpp.read_barcodes(image)
        assert found.text == printed  # the QR code holds exactly the printed link
        scanned.append(found.text)
    official.close()

    phone = browser.new_context(**PHONE)
    page = phone.new_page()
    page.goto(scanned[0])  # what the camera app opens
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.get_by_label("1e keuze")).to_be_visible()
    phone.close()
