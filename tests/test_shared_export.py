"""``shared/export.py`` on its own: batches of packages in, one gzip stream of JSON lines out."""

import dataclasses
import gzip
import zlib

from shared.bodies import package_representation
from shared.catalogue import seed_packages
from shared.codec import SimplejsonCodec
from shared.export import GzipNdjson

CODEC = SimplejsonCodec()
PACKAGES = sorted(seed_packages(), key=lambda package: package.normalized_name)[:250]


def test_each_line_is_the_package_body_of_its_own_route():
    encoder = GzipNdjson(CODEC)
    stream = encoder.compress(PACKAGES[:100]) + encoder.compress(PACKAGES[100:]) + encoder.finish()
    lines = gzip.decompress(stream).split(b"\n")
    assert lines.pop() == b""  # every line ends with a line feed
    assert lines == [package_representation(CODEC, package)[0] for package in PACKAGES]


def test_each_chunk_decompresses_to_its_whole_batch_as_it_arrives():
    """A client reading chunk by chunk gets every line of a batch with its chunk."""
    encoder = GzipNdjson(CODEC)
    reader = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    for start in range(0, len(PACKAGES), 60):
        batch = PACKAGES[start : start + 60]
        text = reader.decompress(encoder.compress(batch))
        assert text.count(b"\n") == len(batch) and text.endswith(b"\n")
    assert reader.decompress(encoder.finish()) == b""
    assert reader.eof and not reader.unused_data  # the trailer checked: CRC and length


def test_non_ascii_is_written_as_itself():
    summary = "Ünïcödé 🐍"
    package = dataclasses.replace(PACKAGES[0], summary=summary)
    encoder = GzipNdjson(CODEC)
    text = gzip.decompress(encoder.compress([package]) + encoder.finish())
    assert summary.encode("utf-8") in text


def test_an_empty_export_is_a_gzip_stream_of_nothing():
    stream = GzipNdjson(CODEC).finish()
    assert stream[:2] == b"\x1f\x8b"  # gzip's magic number
    assert gzip.decompress(stream) == b""
