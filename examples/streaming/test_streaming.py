"""A response sent in pieces: the same body from both apps, with no Content-Length."""


def test_the_pieces_make_the_body(client):
    response = client.get("/countdown", params={"from": "3"})
    assert response.status == 200
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert response.text == "3\n2\n1\nliftoff\n"
    # The length is unknown when the headers go: over HTTP/1.1 the body is sent chunked.
    assert "Content-Length" not in response.headers
