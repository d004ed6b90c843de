import pytest
from django.core import mail
from django.urls import reverse

from portal.models import User
from tests.factories.portal import TEST_PASSWORD

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.mark.parametrize(
    ("role", "heading"),
    [
        ("editor_a", "แดชบอร์ดเทศบาล"),
        ("signatory_a", "แดชบอร์ดเทศบาล"),
        ("reviewer", "พื้นที่ทำงานผู้ตรวจประเมิน"),
        ("admin", "การบริหารจัดการ"),
    ],
)
def test_home_shows_each_role_its_own_page_in_thai(client, cast, role, heading):
    client.force_login(cast.by_name(role))

    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert response["Content-Language"] == "th"
    assert f'<h1 data-testid="home-heading">{heading}</h1>' in response.content.decode()


def test_home_of_an_officer_names_their_own_municipality_only(client, cast):
    client.force_login(cast.editor_a)

    content = client.get(reverse("home")).content.decode()

    assert "เทศบาลนครยะลา" in content
    assert "เทศบาลนครหาดใหญ่" not in content


def test_home_redirects_anonymous_visitors_to_login(client):
    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/"


def test_pages_are_thai_even_when_the_browser_asks_for_english(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert response["Content-Language"] == "th"
    assert "เข้าสู่ระบบ" in response.content.decode()


def test_language_switch_persists_in_a_cookie_and_on_the_user(client, cast):
    client.force_login(cast.reviewer)

    response = client.post(reverse("set-language"), {"language": "en", "next": "/"})
    follow_up = client.get(reverse("home"))

    assert response.status_code == 302
    assert response.cookies["django_language"].value == "en"
    assert follow_up["Content-Language"] == "en"
    assert '<h1 data-testid="home-heading">Reviewer workspace</h1>' in follow_up.content.decode()
    assert User.objects.get(pk=cast.reviewer.pk).preferred_language == "en"


def test_language_switch_refuses_an_offsite_next_url(client):
    response = client.post(reverse("set-language"), {"language": "en", "next": "https://evil.example/"})

    assert response["Location"] == "/"


def test_saved_language_applies_on_a_new_device_after_login(client, cast):
    cast.admin.preferred_language = "en"
    cast.admin.save()
    client.force_login(cast.admin)

    response = client.get(reverse("home"))

    assert response["Content-Language"] == "en"


def test_login_with_email_and_password_reaches_the_dashboard(client, cast):
    response = client.post(
        reverse("login"), {"username": "reviewer@example.go.th", "password": TEST_PASSWORD}, follow=True
    )

    assert response.redirect_chain == [(reverse("home"), 302)]
    assert response.context["user"] == cast.reviewer


def test_login_with_a_wrong_password_says_so_in_thai(client, cast):
    response = client.post(reverse("login"), {"username": "reviewer@example.go.th", "password": "wrong-password"})

    assert response.status_code == 200
    assert "อีเมลหรือรหัสผ่านไม่ถูกต้อง" in response.content.decode()


def test_logout_is_a_post_and_ends_the_session(client, cast):
    client.force_login(cast.editor_a)

    response = client.post(reverse("logout"))
    after = client.get(reverse("home"))

    assert response.status_code == 302
    assert after.status_code == 302


def test_password_reset_sends_a_thai_email_with_a_working_link(client, cast):
    response = client.post(reverse("password_reset"), {"email": "editor.a@example.go.th"})

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["editor.a@example.go.th"]
    assert message.subject == "ตั้งรหัสผ่านใหม่สำหรับระบบรางวัลเมืองสิ่งแวดล้อมยั่งยืนอาเซียน"
    link = next(line for line in message.body.splitlines() if "/accounts/reset/" in line)
    confirm = client.get(link.split("testserver", 1)[1], follow=True)
    assert confirm.context["validlink"] is True


def test_password_reset_for_an_unknown_address_sends_nothing_and_looks_the_same(client, cast):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.go.th"})

    assert response.status_code == 302
    assert mail.outbox == []
