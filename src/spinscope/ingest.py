"""Turn user input (text, .txt/.html files, JSON/JSONL batches, URLs, stdin) into `Article`s, refusing bad input early.

Every refusal is an `InputError` whose one-line message names the input. `iter_articles` turns a refusal into a
`Failure` and goes on, so one bad file in a batch is reported and skipped.

URLs are fetched with the standard library (`http.client`), not httpx: it keeps the core dependency-free and lets
us connect to exactly the address we checked (no second DNS lookup between the SSRF check and the connection).
"""

from __future__ import annotations

import codecs
import hashlib
import http.client
import ipaddress
import json
import re
import socket
import ssl
import sys
import threading
import time
import unicodedata
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote, urljoin, urlsplit

from .errors import InputError, os_reason
from .segment import line_bounds, strip_blank
from .settings import Settings, checked_settings
from .types import Article

TEXT_SUFFIXES = (".txt",)
HTML_SUFFIXES = (".html", ".htm")
JSONL_SUFFIXES = (".jsonl", ".ndjson")
JSON_SUFFIXES = (".json",)
DIRECTORY_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES
MAX_REDIRECTS = 5
_URL_SAFE = "/%:@!$&'()*+,;=~-._?[]"
_READ_CHUNK = 1 << 16
_SEMEVAL_STEM = re.compile(r"^article(\d+)$")
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://\S*$")
_MISSING_FILE_HINT = re.compile(r"\.(?:txt|html?|jsonl|ndjson|json|md|xml)$", re.IGNORECASE)
# Formats people upload by mistake, named so the error says what the file is.
_MAGIC = (
    (b"%PDF-", "PDF"), (b"PK\x03\x04", "ZIP/Office"), (b"\x1f\x8b", "gzip"), (b"\x89PNG", "PNG"),
    (b"\xff\xd8\xff", "JPEG"), (b"GIF8", "GIF"), (b"\xd0\xcf\x11\xe0", "MS Office"), (b"\x7fELF", "executable"),
)
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
# what may come before an HTML document's first tag, one item at a time (a loop, not a repeated group: a lazy
# comment inside a repetition backtracks exponentially on a run of "<!---->" that is not followed by a tag)
_HTML_PROLOG_ITEM = re.compile(rb"\s*(?:<!--.*?-->|<\?xml[^>]*>)", re.IGNORECASE | re.DOTALL)
_HTML_FIRST_TAG = re.compile(rb"\s*(?:<!doctype\s+html|<html|<head|<body)", re.IGNORECASE)
_HTML_SNIFF_BYTES = 4096


@dataclass(frozen=True)
class Failure:
    """An input that could not be read; `reason` is a complete one-line message that names the input."""

    source: str
    reason: str

    def __str__(self) -> str:
        return self.reason


# ---------------------------------------------------------------------------------------------------------------
# decoding and limits


def _format_bytes(size: int) -> str:
    if size >= 1_000_000:
        return f"{size / 1e6:.1f} MB"
    if size >= 1_000:
        return f"{size / 1e3:.1f} kB"
    return f"{size} bytes"


def _too_big(name: str, size: int | str, settings: Settings) -> InputError:
    limit = _format_bytes(settings.max_input_bytes)
    if isinstance(size, int):
        size_text = _format_bytes(size)
        if size_text == limit:  # rounded, a size just over the limit reads as the limit itself
            size_text, limit = f"{size:,} bytes", f"{settings.max_input_bytes:,}-byte"
        size = size_text
    return InputError(f"{name}: {size} is over the {limit} input limit (set SPINSCOPE_MAX_INPUT_BYTES to raise it)")


def _check_chars(text: str, name: str, settings: Settings) -> None:
    if len(text) > settings.max_input_chars:
        raise InputError(f"{name}: {len(text):,} characters is over the {settings.max_input_chars:,}-character "
                         "input limit (set SPINSCOPE_MAX_INPUT_CHARS to raise it)")


def _non_text_share(text: str) -> float:
    """Share of control characters (other than tab/newlines/form feed) and U+FFFD in a sample of the text."""
    sample = text[:65536]
    if not sample:
        return 0.0
    odd = sum(1 for ch in sample
              if ch == "\ufffd" or (unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\f\v"))
    return odd / len(sample)


def _binary_kind(data: bytes) -> str | None:
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    return None


# Legacy encodings a text file that is not UTF-8 is usually in: 8-bit code pages, then multi-byte East Asian ones.
# They only decide between "not UTF-8" and "binary" (and name a Cyrillic code page); nothing is decoded with them.
_LEGACY_8BIT = ("cp1252", "cp1250", "iso8859_2", "cp1251", "koi8_u", "cp866", "iso8859_5")
_LEGACY_CJK = ("gbk", "big5", "shift_jis", "euc_jp", "euc_kr")
# the Cyrillic code pages, told apart by their letters: each puts lower case or vowels where the others have
# upper case, consonants or symbols
_CYRILLIC_NAMES = {"cp1251": "Windows-1251", "koi8_u": "KOI8-R/KOI8-U", "cp866": "CP866", "iso8859_5": "ISO-8859-5"}
_COMMON_CYRILLIC = frozenset("оаеинтсрвл")  # over half the letters of Russian, Ukrainian, Bulgarian, Serbian text
_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\v\f\r") + b"\x7f"
_LEGACY_SAMPLE = 16384
_TEXT_CATEGORIES = ("L", "M", "N", "P", "Zs", "Sc")  # letters, marks, digits, punctuation, spaces, currency


def _texty(char: str) -> bool:
    return unicodedata.category(char).startswith(_TEXT_CATEGORIES)


def _legacy_text(data: bytes, first_bad: int) -> tuple[bool, str]:
    """Whether bytes that are not UTF-8 read as text in a legacy encoding, and what it looks like ("Cyrillic
    text in Windows-1251") when that is clear, else "".

    Binary data has control bytes all over it, and its high bytes are no code page's letters separated by
    spaces. Only Cyrillic code pages are named: their letters show which one it is (in the right one the ten
    commonest lower-case letters are half of them). Latin-script code pages (Latin-1, Windows-1250, ISO-8859-2
    ...) and the multi-byte encodings read each other's text as plausible letters, so they are not named.

    `first_bad` is the offset of the first byte that is not UTF-8: the sample is taken around it (it may come
    after any amount of ASCII)."""
    begin = max(0, first_bad - _LEGACY_SAMPLE // 2)
    sample = data[begin:begin + _LEGACY_SAMPLE]
    counts = Counter(sample)  # byte value -> how often
    if not sample or sum(counts[b] for b in _CONTROL_BYTES) > 0.01 * len(sample):
        return False, ""
    high = [(byte, counts[byte]) for byte in range(128, 256) if counts[byte]]
    high_total = sum(count for _, count in high)
    spaces = sum(counts[b] for b in b" \t\n\v\f\r")
    plausible = []
    if spaces >= 0.04 * len(sample):  # words: 8-bit text has spaces; East Asian text need not
        for codec in _LEGACY_8BIT:
            chars = [(bytes([byte]).decode(codec, errors="replace"), count) for byte, count in high]
            if sum(count for char, count in chars if _texty(char)) >= 0.9 * high_total:
                plausible.append((codec, chars))
    if not plausible:
        for codec in _LEGACY_CJK:  # strict: random high bytes are not valid double-byte text for long
            try:  # from the first bad byte, a character's first byte; the cut at the end may split one
                text = codecs.getincrementaldecoder(codec)().decode(data[first_bad:first_bad + _LEGACY_SAMPLE])
            except UnicodeDecodeError:
                continue
            wide = [char for char in text if ord(char) > 127]
            if wide and sum(map(_texty, wide)) >= 0.9 * len(wide):
                return True, ""
        return False, ""
    # Cyrillic: the share of the letters that are the commonest lower-case ones, in the right code page half of
    # them or more, in a wrong one (other letters, upper case or symbols in their places) far fewer
    shares = []
    for codec, chars in plausible:
        if codec in _CYRILLIC_NAMES:
            common = sum(count for char, count in chars if char in _COMMON_CYRILLIC)
            letters = sum(count for char, count in chars if "\u0400" <= char <= "\u04ff")
            if letters and letters >= 0.8 * high_total:
                shares.append((common / letters, _CYRILLIC_NAMES[codec]))
    shares.sort(reverse=True)
    if shares and shares[0][0] >= 0.35 and (len(shares) == 1 or shares[1][0] <= 0.5 * shares[0][0]):
        return True, f"Cyrillic text in {shares[0][1]}"
    return True, ""


def decode_bytes(data: bytes, name: str) -> str:
    """Decode an uploaded/read text file: UTF-8 (BOM stripped) or UTF-16/32 with a BOM; refuse anything else.

    The text is the decoded characters exactly, less the BOM: line endings are kept as they are ("\\r\\n" stays two
    characters) and nothing is normalised. Raises `InputError` for binary data, text that is not UTF-8 (text in
    a legacy encoding such as Latin-1, Windows-1250/1251 or KOI8-R gets "not UTF-8 text ...; save it as UTF-8",
    naming a Cyrillic code page when its letters show which) and empty or whitespace-only input.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError as error:
                raise InputError(f"{name}: not valid {encoding.upper().removesuffix('-SIG')} text "
                                 f"(byte 0x{data[error.start]:02x} at offset {error.start})") from None
            return _checked_text(text, name)
    kind = _binary_kind(data)
    if kind:
        raise InputError(f"{name}: looks like a binary file ({kind}), not text")
    if b"\x00" in data:
        raise InputError(f"{name}: looks like a binary file (it contains NUL bytes)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        # legacy-encoded text has bad bytes (a few in Latin-1, nearly every letter in Cyrillic); binary data has
        # them everywhere too, but also control bytes, and no code page makes words of it
        legacy, encoding = _legacy_text(data, error.start)
        if not legacy and _non_text_share(data[:65536].decode("utf-8", errors="replace")) > 0.3:
            raise InputError(f"{name}: looks like a binary file") from None
        where = f"byte 0x{data[error.start]:02x} at offset {error.start}"
        if encoding:
            where += f"; it looks like {encoding}"
        raise InputError(f"{name}: not UTF-8 text ({where}); save it as UTF-8") from None
    return _checked_text(text, name)


def _checked_text(text: str, name: str) -> str:
    if _non_text_share(text) > 0.1:
        raise InputError(f"{name}: looks like a binary file")
    if not strip_blank(text):
        raise InputError(f"{name}: empty input")
    return text


def _read_limited(handle: BinaryIO, name: str, settings: Settings) -> bytes:
    """Read at most max_input_bytes (+1 to notice more) so a huge stream is refused without being read."""
    limit = settings.max_input_bytes
    data = handle.read(limit + 1)
    if len(data) > limit:
        raise _too_big(name, f"more than {_format_bytes(limit)}", settings)
    return data


def _read_file(path: Path, settings: Settings) -> bytes:
    name = str(path)
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise InputError(f"{name}: is a directory; give a file (batch commands expand directories)")
        if size > settings.max_input_bytes:
            raise _too_big(name, size, settings)
        with open(path, "rb") as handle:
            return _read_limited(handle, name, settings)
    except FileNotFoundError:
        raise InputError(f"{name}: no such file or directory") from None
    except PermissionError:
        raise InputError(f"{name}: cannot read it (permission denied)") from None
    except OSError as error:
        raise InputError(f"{name}: cannot read it ({os_reason(error)})") from None


# ---------------------------------------------------------------------------------------------------------------
# building articles


def _first_line(text: str) -> str:
    for start, end in line_bounds(text):  # the line breaks segmentation uses, bare "\r" included
        stripped = strip_blank(text[start:end])
        if stripped:
            return stripped[:300]
    return ""


def text_id(text: str) -> str:
    """The id of an article given without one: a digest of its exact text."""
    return "text-" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:12]


def _url_id(url: str) -> str:
    return "url-" + hashlib.sha256(url.encode("utf-8", "surrogatepass")).hexdigest()[:12]


def _file_id(path: Path) -> str:
    match = _SEMEVAL_STEM.match(path.stem)
    return match.group(1) if match else path.stem


def from_text(text: str, *, source: str = "", id: str | None = None, title: str | None = None, url: str = "",
              outlet: str = "", published: str = "", language: str = "",
              settings: Settings | None = None, name: str | None = None) -> Article:
    """An `Article` whose `text` is exactly `text` (offsets index it unchanged); title defaults to line 1.

    `name` is how error messages name the input (default: `source`, else "text")."""
    settings = checked_settings(settings)
    name = name or source or "text"
    if not isinstance(text, str):
        raise InputError(f"{name}: text must be a string, not {type(text).__name__}")
    if not strip_blank(text):
        raise InputError(f"{name}: empty input")
    if _non_text_share(text) > 0.1:  # API/form text never went through decode_bytes' binary check
        raise InputError(f"{name}: looks like binary data, not text")
    _check_chars(text, name, settings)
    for field_name, value in (("text", text), ("title", title), ("id", id), ("url", url), ("outlet", outlet),
                              ("published", published)):
        _check_encodable(value, name, field_name)
    return Article(
        text=text,
        id=str(id) if id not in (None, "") else text_id(text),
        title=_first_line(text) if title is None else str(title),
        url=url, outlet=outlet, published=published, language=language, source=source,
    )


def _check_encodable(value, name: str, field_name: str) -> None:
    """Refuse lone surrogates (JSON "\\ud800"): such a str cannot be written as UTF-8 anywhere downstream."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise InputError(f"{name}: {field_name} holds invalid Unicode (a lone surrogate at offset {exc.start})")


def _text_codec(declared: str) -> str | None:
    """The Python codec for a declared charset, or None when unknown or not a text encoding (base64, zlib...)."""
    try:
        info = codecs.lookup(declared)
    except LookupError:
        return None
    return info.name if getattr(info, "_is_text_encoding", True) else None


def _html_charset(data: bytes, content_type: str | None) -> str | None:
    if content_type:
        match = _HEADER_CHARSET.search(content_type)
        if match:
            return match.group(1)
    match = _META_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii") if match else None


def _decode_html(data: bytes, name: str, content_type: str | None = None) -> str:
    """HTML bytes to text: a BOM wins, then the declared charset (HTTP header or <meta>), then UTF-8."""
    if any(data.startswith(bom) for bom, _ in _BOMS):
        return decode_bytes(data, name)
    declared = _html_charset(data, content_type)
    if declared:
        codec = _text_codec(declared)
        if codec and codec not in ("utf-8",):
            if codec == "latin-1":  # what browsers do: ISO-8859-1 labels mean windows-1252
                codec = "cp1252"
            if b"\x00" in data and not codec.startswith("utf-16"):
                raise InputError(f"{name}: looks like a binary file (it contains NUL bytes)")
            try:
                return _checked_text(data.decode(codec), name)
            except UnicodeError:
                pass  # pages often declare a charset they do not use; UTF-8 gets its chance below
    return decode_bytes(data, name)


@lru_cache(maxsize=1)
def _trafilatura_config():
    from trafilatura.settings import use_config

    config = use_config()
    # news snippets and short pages are still articles: below trafilatura's default (250 chars) it falls back
    # to a flat text dump and loses the paragraph breaks
    config.set("DEFAULT", "MIN_EXTRACTED_SIZE", "25")
    return config


def _extract_html(html: str, name: str):
    import trafilatura

    config = _trafilatura_config()
    html = _XML_DECLARATION.sub("", html, count=1)  # lxml refuses str input that declares an encoding
    try:
        return trafilatura.bare_extraction(html, with_metadata=True, include_comments=False, include_tables=False,
                                           include_images=False, include_links=False, config=config)
    except Exception as error:  # trafilatura/lxml raise many types on malformed markup
        raise InputError(f"{name}: cannot parse the HTML ({type(error).__name__})") from None


def from_html(html: str | bytes, *, source: str = "", settings: Settings | None = None, url: str = "",
              id: str | None = None, content_type: str | None = None) -> Article:
    """Extract the main text of a web page. The Article text is title + blank line + one paragraph per line."""
    settings = checked_settings(settings)
    name = source or url or "HTML"
    if isinstance(html, bytes):
        if len(html) > settings.max_input_bytes:
            raise _too_big(name, len(html), settings)
        html = _decode_html(html, name, content_type)
    elif not strip_blank(html):
        raise InputError(f"{name}: empty input")
    _check_chars(html, name, settings)
    _check_encodable(html, name, "HTML")  # lxml would silently stop at a lone surrogate
    document = _extract_html(html, name)
    body_lines = [strip_blank(line) for line in ((document.text or "") if document else "").split("\n")]
    body_lines = [line for line in body_lines if line]
    if not body_lines:
        raise InputError(f"{name}: no article text found in the HTML")
    title = strip_blank(" ".join((document.title or "").split()))
    if title and body_lines[0] == title:
        body_lines = body_lines[1:]  # the page's <h1> repeats the title
    if not title:
        title, body_lines = body_lines[0], body_lines[1:]
    text = title + ("\n\n" + "\n\n".join(body_lines) if body_lines else "")
    _check_chars(text, name, settings)
    final_url = url or document.url or ""
    host = (urlsplit(final_url).hostname or "") if final_url else ""
    outlet = document.sitename or (host.removeprefix("www.") if host else "")
    return Article(
        text=text, id=id or (_url_id(final_url) if final_url else text_id(text)), title=title, url=final_url,
        outlet=outlet or "", published=document.date or "", source=source or final_url,
    )


def looks_like_html(data: bytes | str) -> bool:
    """Whether `data` is an HTML document: in its first 4 kB, after a byte-order mark, whitespace and any comments
    or XML declaration, a doctype or an <html>, <head> or <body> tag. A fragment (`<p>`, `<article>`) is not.

    The one rule for every input without an .html name: `analyze`/`load_one` given a str or bytes, stdin, files
    with another suffix, URL bodies of an unexpected content type and web uploads (`spinscope.web.app`)."""
    if isinstance(data, str):
        head = data[:_HTML_SNIFF_BYTES].encode("utf-8", "surrogatepass")
    else:
        head = bytes(data[:_HTML_SNIFF_BYTES])
        for bom, encoding in _BOMS:
            if head.startswith(bom):
                if encoding != "utf-8-sig":  # UTF-16/32: sniff the characters, not their bytes
                    head = head.decode(encoding, errors="ignore").encode("utf-8", "surrogatepass")
                break
    head = head.removeprefix(codecs.BOM_UTF8)
    position = 0
    while (item := _HTML_PROLOG_ITEM.match(head, position)) is not None:
        position = item.end()
    return _HTML_FIRST_TAG.match(head, position) is not None


def load_file(path: str | Path, settings: Settings | None = None) -> Article:
    """Read one .txt (SemEval layout: title, blank line, body), .html/.htm or .json (one object) file.

    Offsets (spans, paragraphs, sentences) are character offsets into `Article.text`, not byte offsets into the
    file. For a .txt file (or one of another suffix that is not HTML) `Article.text` is the file's bytes decoded
    by `decode_bytes` and nothing more: UTF-8, or UTF-16/32 by its byte-order mark, with the BOM dropped (so a
    file with a BOM has every offset one less than in `data.decode("utf-8")`, which keeps U+FEFF as character
    0), line endings as in the file ("\\r\\n" is two characters) and no Unicode normalisation. For HTML,
    `Article.text` is the extracted title, a blank line and one paragraph per line; for .json, the "text" field.
    """
    settings = checked_settings(settings)
    path = Path(path)
    if path.suffix.lower() in JSONL_SUFFIXES:
        raise InputError(f"{path}: a {path.suffix} file holds many articles; analyse it as a batch")
    if path.suffix.lower() in JSON_SUFFIXES:
        record = _json_file(path, settings)
        if isinstance(record, list):
            raise InputError(f"{path}: a JSON array holds many articles; analyse it as a batch")
        return _record_article(record, str(path), _file_id(path), str(path), settings)
    data = _read_file(path, settings)
    if path.suffix.lower() in HTML_SUFFIXES or (path.suffix.lower() not in TEXT_SUFFIXES and looks_like_html(data)):
        return from_html(data, source=str(path), settings=settings, id=_file_id(path))
    text = decode_bytes(data, str(path))
    return from_text(text, source=str(path), id=_file_id(path), settings=settings)


def read_stdin(settings: Settings | None = None, stream: BinaryIO | None = None) -> Article:
    settings = checked_settings(settings)
    stream = stream if stream is not None else getattr(sys.stdin, "buffer", None)
    if stream is None:  # started with stdin closed (`<&-`): Python sets sys.stdin to None
        raise InputError("stdin: standard input is closed; give a file, or pipe the text in")
    data = _read_limited(stream, "stdin", settings)
    if looks_like_html(data):
        return from_html(data, source="stdin", settings=settings)
    return from_text(decode_bytes(data, "stdin"), source="stdin", settings=settings)


# ---------------------------------------------------------------------------------------------------------------
# URLs


def _address_problem(address: str) -> str | None:
    """Why connecting to this IP address is refused by default ("loopback", "private", ...), or None if public."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is not None:
            return _address_problem(str(embedded))
        if ip in ipaddress.ip_network("64:ff9b::/96"):  # NAT64 maps IPv4 into this range
            return _address_problem(str(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)))
    for kind in ("unspecified", "loopback", "link_local", "multicast", "reserved", "private"):
        if getattr(ip, f"is_{kind}"):
            return kind.replace("_", "-")
    if not ip.is_global:
        return "non-public"
    return None


def _resolve(host: str, port: int, url: str) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        reason = os_reason(error)
        raise InputError(f"{url}: cannot fetch ({reason})") from None
    except UnicodeError:
        raise InputError(f"{url}: cannot fetch (invalid host name)") from None
    addresses = []
    for info in infos:
        address = info[4][0]
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise InputError(f"{url}: cannot fetch (no address for {host})")
    return addresses


def _host_allowed(host: str, allowed: tuple[str, ...]) -> bool:
    host = host.lower().rstrip(".")
    for entry in allowed:
        entry = entry.lower().rstrip(".")
        if host == entry or (entry.startswith("*.") and host.endswith(entry[1:])):
            return True
    return False


def _checked_target(url: str, original: str, settings: Settings) -> tuple[str, str, int, list[str]]:
    """Validate one URL (the original or a redirect target): scheme, host policy and every resolved address."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise InputError(f"{original}: invalid URL ({error})") from None
    scheme = parts.scheme.lower()
    where = "" if url == original else f" (redirected to {url})"
    if scheme not in ("http", "https"):
        raise InputError(f"{original}: only http and https URLs can be fetched{where}")
    host = parts.hostname
    if not host:
        raise InputError(f"{original}: invalid URL (no host name)")
    try:
        host = host.encode("idna").decode("ascii")  # international names go on the wire in their ASCII form
    except UnicodeError:
        raise InputError(f"{original}: invalid URL (bad host name)") from None
    if settings.allowed_url_hosts and not _host_allowed(host, settings.allowed_url_hosts):
        raise InputError(f"{original}: host {host} is not in the allowed hosts (SPINSCOPE_ALLOWED_URL_HOSTS){where}")
    port = port or (443 if scheme == "https" else 80)
    addresses = _resolve(host, port, original)
    if not settings.allow_private_urls:
        for address in addresses:
            problem = _address_problem(address)
            if problem:
                problem = ("an " if problem[0] in "aeiou" else "a ") + problem  # "an unspecified"
                raise InputError(f"{original}: refused to fetch {host}{where}: {address} is {problem} address "
                                 "(allow with Settings(allow_private_urls=True), or SPINSCOPE_ALLOW_PRIVATE_URLS=1 "
                                 "for the command line and web app)")
    return scheme, host, port, addresses


def _connection(scheme: str, host: str, port: int, address: str, timeout: float) -> http.client.HTTPConnection:
    """An HTTP(S) connection to `host` that connects to the already checked `address` (no second DNS lookup);
    TLS still verifies the certificate against `host`."""
    if scheme == "https":
        connection: http.client.HTTPConnection = http.client.HTTPSConnection(
            host, port, timeout=timeout, context=ssl.create_default_context())
    else:
        connection = http.client.HTTPConnection(host, port, timeout=timeout)

    def connect_to_checked_address(target, timeout=timeout, source_address=None):
        return socket.create_connection((address, target[1]), timeout, source_address)

    connection._create_connection = connect_to_checked_address  # type: ignore[attr-defined]
    return connection


def _cut_off(connection: http.client.HTTPConnection) -> None:
    """Unblock a read that is still waiting at the fetch's deadline (the reader then reports the timeout)."""
    sock = connection.sock
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:  # already closed
            pass


def _fetch_error(url: str, error: BaseException) -> InputError:
    if isinstance(error, InputError):
        return error
    if isinstance(error, (TimeoutError, socket.timeout)):
        reason = "timed out"
    elif isinstance(error, ConnectionRefusedError):
        reason = "connection refused"
    elif isinstance(error, ssl.SSLCertVerificationError):
        reason = f"TLS certificate problem: {error.verify_message or error.reason}"
    elif isinstance(error, ssl.SSLError):
        reason = f"TLS error: {error.reason or error}"
    elif isinstance(error, http.client.HTTPException):
        reason = f"bad HTTP response ({type(error).__name__})"
    elif isinstance(error, zlib.error):
        reason = "corrupt compressed response"
    elif isinstance(error, OSError):
        reason = (error.strerror or str(error) or type(error).__name__).lower()
    else:
        reason = str(error) or type(error).__name__
    return InputError(f"{url}: cannot fetch ({' '.join(reason.split())})")


def _read_body(response: http.client.HTTPResponse, url: str, settings: Settings, deadline: float) -> bytes:
    """Stream the body, decompressing gzip/deflate, and stop as soon as it passes the size limit or deadline."""
    limit = settings.max_input_bytes
    length = response.getheader("Content-Length")
    if length and length.isdigit() and int(length) > limit:
        raise _too_big(url, int(length), settings)
    encoding = (response.getheader("Content-Encoding") or "identity").strip().lower()
    if encoding in ("gzip", "x-gzip"):
        decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
    elif encoding == "deflate":
        decompressor = zlib.decompressobj(32 + zlib.MAX_WBITS)
    elif encoding in ("identity", ""):
        decompressor = None
    else:
        raise InputError(f"{url}: cannot fetch (unsupported content encoding {encoding!r})")
    chunks, total = [], 0
    while True:
        chunk = response.read1(_READ_CHUNK)  # what has arrived: a slow drip still reaches the deadline check
        if time.monotonic() > deadline:  # also when the watchdog cut the connection: that end is not the body's
            raise InputError(f"{url}: cannot fetch (timed out after {settings.fetch_timeout:g} s)")
        if not chunk:
            break
        if decompressor is not None:
            chunk = decompressor.decompress(chunk, limit + 1 - total)
            if decompressor.unconsumed_tail:
                raise _too_big(url, f"more than {_format_bytes(limit)} (decompressed)", settings)
        total += len(chunk)
        if total > limit:
            raise _too_big(url, f"more than {_format_bytes(limit)}", settings)
        chunks.append(chunk)
    if decompressor is not None:
        tail = decompressor.flush()
        total += len(tail)
        if total > limit:
            raise _too_big(url, f"more than {_format_bytes(limit)} (decompressed)", settings)
        chunks.append(tail)
    # http.client ends a body quietly when the server closes early: a cut-off page must not pass for the article
    if (length and length.isdigit() and decompressor is None and not response.chunked
            and total < int(length)):
        raise InputError(f"{url}: cannot fetch (the download ended early: got {total:,} of {int(length):,} bytes)")
    return b"".join(chunks)


def download(url: str, settings: Settings | None = None) -> tuple[bytes, str, str]:
    """GET an http(s) URL under the URL policy; returns (body, final URL, content type).

    Redirects are followed by hand (at most 5) so every hop is checked again.
    """
    settings = checked_settings(settings)
    if not url.strip():  # else the message would start with an empty name
        raise InputError("the URL is empty; give an http or https address")
    deadline = time.monotonic() + settings.fetch_timeout
    current = url
    for _ in range(MAX_REDIRECTS + 1):
        scheme, host, port, addresses = _checked_target(current, url, settings)
        parts = urlsplit(current)
        # percent-encode what browsers would (spaces, non-ASCII); already-encoded parts stay as they are
        target = quote(parts.path or "/", safe=_URL_SAFE) + (f"?{quote(parts.query, safe=_URL_SAFE)}"
                                                                if parts.query else "")
        headers = {"User-Agent": settings.user_agent, "Accept-Encoding": "gzip, deflate",
                   "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.5"}
        connection = watchdog = None
        last_error: BaseException | None = None
        try:
            for address in addresses:
                timeout = max(0.1, min(settings.fetch_timeout, deadline - time.monotonic()))
                connection = _connection(scheme, host, port, address, timeout)
                try:
                    connection.request("GET", target, headers=headers)
                    break
                except OSError as error:  # refused, unreachable, timed out, TLS failure: try the next address
                    last_error = error
                    connection.close()
                    connection = None
            if connection is None:
                raise _fetch_error(url, last_error or OSError("no address could be reached"))
            # the socket timeout bounds each wait, not the whole fetch: a server that drips a byte now and then
            # would hold the fetch (and a web worker) for as long as it likes, so the connection is cut at the
            # deadline
            watchdog = threading.Timer(max(0.0, deadline - time.monotonic()), _cut_off, (connection,))
            watchdog.daemon = True
            watchdog.start()
            response = connection.getresponse()
            if response.status in (301, 302, 303, 307, 308):
                location = response.getheader("Location")
                if not location:
                    raise InputError(f"{url}: cannot fetch (redirect without a Location header)")
                current = urljoin(current, location.strip())
                continue
            if response.status >= 400 or response.status < 200:
                raise InputError(f"{url}: cannot fetch (HTTP {response.status} {response.reason})")
            body = _read_body(response, url, settings, deadline)
            return body, current, response.getheader("Content-Type") or ""
        except InputError:
            raise
        except (OSError, http.client.HTTPException, ssl.SSLError, zlib.error, ValueError) as error:
            if time.monotonic() > deadline:  # cut off by the watchdog, whatever the half-read response raised
                error = TimeoutError()
            raise _fetch_error(url, error) from None
        finally:
            if watchdog is not None:
                watchdog.cancel()
            if connection is not None:
                connection.close()
    raise InputError(f"{url}: cannot fetch (more than {MAX_REDIRECTS} redirects)")


def fetch_url(url: str, settings: Settings | None = None) -> Article:
    """Fetch a web page and extract its article text (see `download` for the URL policy)."""
    settings = checked_settings(settings)
    body, final_url, content_type = download(url, settings)
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type == "text/plain":
        charset = _HEADER_CHARSET.search(content_type)
        codec = _text_codec(charset.group(1)) if charset else None
        try:
            text = body.decode(codec) if codec else decode_bytes(body, url)
        except UnicodeError:
            text = decode_bytes(body, url)
        article = from_text(_checked_text(text, url), source=url, url=final_url, settings=settings)
        article.outlet = (urlsplit(final_url).hostname or "").removeprefix("www.")
        return article
    if media_type and media_type not in ("text/html", "application/xhtml+xml") and not looks_like_html(body):
        raise InputError(f"{url}: cannot analyse content of type {media_type} (need an HTML page or plain text)")
    if not body.strip():
        raise InputError(f"{url}: empty input")
    return from_html(body, source=url, settings=settings, url=final_url, content_type=content_type)


# ---------------------------------------------------------------------------------------------------------------
# entry points


def is_url(text: str) -> bool:
    """An address with a scheme (`https://…`), one line, no spaces: what `fetch_url` is handed."""
    return "\n" not in text and bool(_URL.match(text))


def _existing_path(text: str) -> Path | None:
    if len(text) > 4096 or "\n" in text or "\x00" in text or not text.strip():
        return None
    try:
        path = Path(text)
        return path if path.exists() else None
    except (OSError, ValueError):
        return None


def _looks_like_missing_path(text: str) -> bool:
    return "\n" not in text and len(text) < 1024 and " " not in text.strip() and bool(
        _MISSING_FILE_HINT.search(text.strip()))


def load_one(source, settings: Settings | None = None) -> Article:
    """One article from an `Article`, a path (.txt/.html/.htm/.json), an http(s) URL, "-" (stdin), an HTML
    document or raw text (str or bytes).

    A str or bytes that `looks_like_html` (a doctype or an <html>, <head> or <body> tag first: the rule stdin and
    web uploads use) is extracted as a web page by `from_html`, with `source` "html"; a fragment is text. Other
    bytes are decoded like a .txt file (`decode_bytes`). A string that is neither an existing path, a URL nor an
    HTML document is taken as the article text itself, `source` "text" (its offsets index it unchanged), unless
    it looks like a file name (then "no such file" is the more useful answer).
    """
    settings = checked_settings(settings)
    if isinstance(source, Article):
        return source
    if isinstance(source, Path):
        return load_file(source, settings)
    if isinstance(source, bytes):
        if len(source) > settings.max_input_bytes:
            raise _too_big("input", len(source), settings)
        if looks_like_html(source):
            return from_html(source, source="html", settings=settings)
        return from_text(decode_bytes(source, "input"), source="text", settings=settings, name="input")
    if not isinstance(source, str):
        raise InputError(f"cannot analyse a {type(source).__name__}: give text, a path or a URL")
    if source == "-":
        return read_stdin(settings)
    if is_url(source.strip()):
        return fetch_url(source.strip(), settings)
    path = _existing_path(source)
    if path is not None:
        return load_file(path, settings)
    if looks_like_html(source):
        return from_html(source, source="html", settings=settings)
    if _looks_like_missing_path(source):
        raise InputError(f"{source}: no such file or directory")
    if re.fullmatch(r"www\.\S+", source.strip()):
        raise InputError(f"{source.strip()}: looks like a web address; add https:// to fetch it")
    return from_text(source, source="text", settings=settings)


def _jsonl_articles(path: Path, settings: Settings) -> Iterator[Article | Failure]:
    stem = path.stem
    limit = settings.max_input_bytes
    try:
        handle = open(path, "rb")
    except OSError as error:
        yield Failure(str(path), f"{path}: cannot read it ({os_reason(error)})")
        return
    with handle:
        number = 0
        while True:
            raw = handle.readline(limit + 1)
            if not raw:
                return
            number += 1
            where = f"{path}:{number}"
            if len(raw) > limit and not raw.endswith(b"\n"):
                while raw and not raw.endswith(b"\n"):  # skip the rest of the oversized line
                    raw = handle.readline(_READ_CHUNK)
                yield Failure(f"jsonl:{where}", f"{where}: line is over the {_format_bytes(limit)} input limit "
                                     "(set SPINSCOPE_MAX_INPUT_BYTES to raise it)")
                continue
            if not raw.strip():
                continue
            try:
                yield _jsonl_record(raw, where, f"{stem}-{number}", settings)
            except InputError as error:
                yield Failure(f"jsonl:{where}", str(error))  # named as its line's article would be


def _parse_json(text: str, where: str, one_line: bool = True):
    """json.loads for user input: every way it can fail is a one-line `InputError` naming `where`."""
    def no_constant(name: str):  # NaN/Infinity are Python's extension, not JSON
        raise InputError(f"{where}: invalid JSON: {name} is not a JSON value")

    try:
        return json.loads(text, parse_constant=no_constant)
    except json.JSONDecodeError as error:
        at = f"column {error.colno}" if one_line else f"line {error.lineno} column {error.colno}"
        raise InputError(f"{where}: invalid JSON: {error.msg.removesuffix(' at')} at {at}") from None
    except RecursionError:  # the decoder recurses once per nested array/object
        raise InputError(f"{where}: invalid JSON: nested too deeply") from None
    except ValueError:  # an integer over Python's 4300-digit conversion limit
        raise InputError(f"{where}: invalid JSON: a number has too many digits") from None


def _jsonl_record(raw: bytes, where: str, default_id: str, settings: Settings) -> Article:
    try:
        line = raw.decode("utf-8-sig").rstrip("\r\n")
    except UnicodeDecodeError as error:
        raise InputError(f"{where}: not UTF-8 text (byte 0x{raw[error.start]:02x} at offset {error.start})") from None
    return _record_article(_parse_json(line, where), where, default_id, f"jsonl:{where}", settings)


def _record_article(record, where: str, default_id: str, source: str, settings: Settings) -> Article:
    """The article of one JSON record (a JSONL line, a .json file or an item of its array)."""
    if not isinstance(record, dict):
        raise InputError(f"{where}: expected a JSON object with a \"text\" field, got {type(record).__name__}")
    text = record.get("text")
    if text is None:
        raise InputError(f"{where}: \"text\" is missing")
    if not isinstance(text, str):
        raise InputError(f"{where}: \"text\" must be a string, got {type(text).__name__}")

    if not strip_blank(text):
        raise InputError(f"{where}: empty input")
    if _non_text_share(text) > 0.1:
        raise InputError(f"{where}: \"text\" looks like binary data")
    _check_chars(text, where, settings)

    def field(key: str) -> str:
        value = record.get(key)
        if value is None or isinstance(value, str):
            return value or ""
        if key == "id" and isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        # str() would make "['x']" or "{'d': 1}" the outlet or date
        wanted = "a string or an integer" if key == "id" else "a string"
        raise InputError(f'{where}: "{key}" must be {wanted}, got {type(value).__name__}')

    return from_text(text, source=source, id=field("id").strip() or default_id,  # as CSV ids are
                     title=None if record.get("title") is None else field("title"),
                     url=field("url"), outlet=field("outlet"), published=field("published"),
                     language=field("language"), settings=settings, name=where)


def _json_file(path: Path, settings: Settings):
    """A .json file's record: one object, or a list (an array of objects)."""
    record = _parse_json(decode_bytes(_read_file(path, settings), str(path)), str(path), one_line=False)
    if not isinstance(record, (dict, list)):
        raise InputError(f'{path}: expected a JSON object with a "text" field or an array of them, '
                         f"got {type(record).__name__}")
    return record


def _json_articles(path: Path, settings: Settings) -> Iterator[Article | Failure]:
    try:
        record = _json_file(path, settings)
        if isinstance(record, dict):
            yield _record_article(record, str(path), _file_id(path), str(path), settings)
            return
    except InputError as error:
        yield Failure(str(path), str(error))
        return
    if not record:
        yield Failure(str(path), f"{path}: empty input (an empty JSON array)")
    for number, item in enumerate(record, 1):
        where = f"{path}: item {number}"
        try:
            yield _record_article(item, where, f"{path.stem}-{number}", f"json:{path}:{number}", settings)
        except InputError as error:
            yield Failure(f"json:{path}:{number}", str(error))  # named as its item's article would be


def _directory_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.iterdir()
                  if p.suffix.lower() in DIRECTORY_SUFFIXES and not p.name.startswith(".") and p.is_file())


def iter_articles(inputs: list[str | Path], settings: Settings | None = None) -> Iterator[Article | Failure]:
    """Articles from paths, directories (their .txt/.html/.htm files), .json/.jsonl/.ndjson files, URLs and "-"
    (stdin).

    Unreadable items come out as `Failure`s and the iteration goes on.
    """
    settings = checked_settings(settings)
    for item in inputs:
        if isinstance(item, Article):
            yield item
            continue
        name = str(item)
        if isinstance(item, str) and not item.strip():
            # Path("") is the current folder: an empty argument (an unset shell variable) must not analyse it
            yield Failure(name, f"{name!r}: empty input name; give a file, directory, URL or - for stdin")
            continue
        if isinstance(item, str) and (item == "-" or is_url(item.strip())):
            try:
                yield read_stdin(settings) if item == "-" else fetch_url(item.strip(), settings)
            except InputError as error:
                yield Failure(name, str(error))
            continue
        path = Path(item)
        try:
            is_dir = path.is_dir()
            exists = is_dir or path.exists()
        except (OSError, ValueError):
            is_dir = exists = False
        if not exists:
            yield Failure(name, f"{name}: no such file or directory")
        elif is_dir:
            try:
                files = _directory_files(path)
            except OSError as error:
                yield Failure(name, f"{name}: cannot list it ({os_reason(error)})")
                continue
            if not files:
                yield Failure(name, f"{name}: no .txt, .html or .htm files in this directory")
            for file in files:
                yield from _load_or_fail(file, settings)
        elif path.suffix.lower() in JSONL_SUFFIXES:
            yield from _jsonl_articles(path, settings)
        elif path.suffix.lower() in JSON_SUFFIXES:
            yield from _json_articles(path, settings)
        else:
            yield from _load_or_fail(path, settings)


def _load_or_fail(path: Path, settings: Settings) -> Iterator[Article | Failure]:
    try:
        yield load_file(path, settings)
    except InputError as error:
        yield Failure(str(path), str(error))
