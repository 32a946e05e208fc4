"""``GET /export``: the catalogue as gzip-compressed JSON lines, encoded once for both apps.

Each line is a package's body exactly as ``GET /packages/{name}`` encodes it (the shared codec:
compact UTF-8 JSON, fields in contract order), then ``\\n``. The stores hand the catalogue over
in batches of one snapshot (``export_batches``); each batch becomes one chunk of a single gzip
stream, flushed whole (``Z_SYNC_FLUSH``), so a client can decompress and read every line of a
chunk as soon as it arrives, and no batch waits in the compressor for the next one. The stream
ends with ``finish()``: gzip's trailer (CRC-32 and length), which lets a client tell a complete
export from one cut short. An empty catalogue is a gzip stream of nothing (20 bytes).

Encoding and compressing a batch of 1,000 packages is about 13 ms of CPU: 9 encoding, which
holds the GIL, and 4 compressing, which does not. Flask does both in its worker thread. Sanic
encodes on the loop in slices of ``ENCODE_SLICE`` packages, serving other requests between
them, and compresses in a thread of the loop's executor (``off_the_loop``,
``sanic_app/web.py``).
"""

import zlib

from shared.codec import JsonCodec
from shared.model import Package

MEDIA_TYPE = "application/x-ndjson"
HEADERS = {"Content-Type": MEDIA_TYPE, "Content-Encoding": "gzip"}
# 16 + 15: zlib's largest window, written with a gzip header and trailer rather than zlib's.
GZIP_WBITS = 16 + zlib.MAX_WBITS
# Encoding holds the GIL (about 9 us a package); zlib lets go of it. Encoding in a thread
# would keep the loop's thread waiting up to 5 ms (``sys.getswitchinterval()``) each time it
# needs the GIL back: 11-15 ms stalls under the loop guard. So the loop encodes, a slice at a
# time (about 0.2 ms: readers of /rand during exports had a p99 of 36-39 ms with slices of
# 100, 27 ms with 20, in make bench's export scenario), and only the compression goes to a
# thread.
ENCODE_SLICE = 20


class GzipNdjson:
    """One export's encoder and compressor: call ``compress`` for each batch, in order, then
    ``finish`` once. Not thread-safe: one call at a time (the apps await each before the next)."""

    def __init__(self, codec: JsonCodec) -> None:
        self._dumps = codec.dumps
        self._compressor = zlib.compressobj(wbits=GZIP_WBITS)

    def compress(self, batch: list[Package]) -> bytes:
        """The batch as NDJSON, compressed and flushed: the next chunk of the stream (the
        first one starts with the gzip header)."""
        return self.compress_lines(self.encode(batch))

    def encode(self, packages: list[Package]) -> bytes:
        """The packages as NDJSON: holds the GIL."""
        return "".join(self._dumps(p.to_dict()) + "\n" for p in packages).encode("utf-8")

    def compress_lines(self, lines: bytes) -> bytes:
        """Encoded lines, compressed and flushed: lets go of the GIL while zlib works."""
        return self._compressor.compress(lines) + self._compressor.flush(zlib.Z_SYNC_FLUSH)

    def finish(self) -> bytes:
        """The end of the stream: what the compressor still holds and the gzip trailer."""
        return self._compressor.flush(zlib.Z_FINISH)
