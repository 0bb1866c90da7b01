"""What the browser tests share: a phone's viewport and logging in through the form."""

from __future__ import annotations

from playwright.sync_api import Page, expect

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 2}


def log_in(page: Page, base: str, username: str, password: str) -> None:
    """Logs in through the login form and waits for the logged-in menu."""
    page.goto(f"{base}/auth/login")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("button", name=f"Uitloggen ({username})")).to_be_visible()
