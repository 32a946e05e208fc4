"""One Jinja template rendered by both apps: the same page, escaped the same way."""

PAGE = """<!doctype html>
<title>Greeting</title>
<h1>Hello, {name}!</h1>
<p>You asked for /hello; <a href="/hello">start again</a>.</p>"""


def test_the_same_page(client):
    response = client.get("/hello", params={"name": "Ada"})
    assert response.status == 200
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert response.text == PAGE.format(name="Ada")


def test_html_files_are_autoescaped(client):
    response = client.get("/hello", params={"name": "<script>alert(1)</script>"})
    assert response.text == PAGE.format(name="&lt;script&gt;alert(1)&lt;/script&gt;")
