"""Differential test: our ListObjectsV2 parser against botocore's stock parser on the same bytes.

Payloads are generated over every character class (ASCII, XML specials, C0 and C1 controls as
character references, DEL, NEL, line and paragraph separators, astral characters, raw CR and CRLF),
every way XML can spell text (raw, named entities, decimal and hex references, CDATA), with and
without the S3 namespace, with reordered and self-closing elements, spaces inside tags, comments,
and unknown elements.  Where botocore cannot parse a payload, ours must hand it back (None).
"""

from __future__ import annotations

import itertools
import random

import botocore.session
import pytest
from botocore.parsers import ResponseParserError, RestXMLParser

from s3browser.core.s3.connection import fast_timestamp
from s3browser.core.s3.listing_parser import ListingColumns, parse_list_objects_v2, parse_listing_columns

OPERATION = botocore.session.get_session().get_service_model("s3").operation_model("ListObjectsV2")
NAMESPACE = ' xmlns="http://s3.amazonaws.com/doc/2006-03-01/"'
CHARACTERS = (["a", "Z", "0", " ", "/", "-", "_", ".", "~", "+", "%20", "=", "?", ";", ":", "@", "#", "!"]
              + ["&", "<", ">", '"', "'"]
              + [chr(c) for c in (0x09, 0x0A, 0x0D, 0x7F, 0x80, 0x85, 0x9F, 0xA0, 0xFF, 0x2028, 0x2029, 0xFEFF,
                                  0xFFFD, 0x1F600, 0x10FFFF)]
              + ["é", "ß", "日本", "файл"])


def spellings(text: str) -> list[str]:
    """Every way XML can carry ``text`` (where it is allowed)."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    forms = [escaped,
             "".join(f"&#{ord(c)};" for c in text),
             "".join(f"&#x{ord(c):x};" for c in text),
             escaped.replace('"', "&quot;").replace("'", "&apos;")]
    if "]]>" not in text:
        forms.append(f"<![CDATA[{text}]]>")
    return forms


def stock_parse(body: bytes) -> dict | None:
    parser = RestXMLParser(timestamp_parser=fast_timestamp)
    try:
        parsed = parser.parse({"status_code": 200, "headers": {}, "body": body}, OPERATION.output_shape)
    except ResponseParserError:
        return None
    parsed.pop("ResponseMetadata", None)
    return parsed


def object_xml(key: str, order: list[str], owner: bool, checksums: int, tag_space: bool) -> str:
    fields = {"Key": f"<Key>{key}</Key>", "LastModified": "<LastModified>2026-11-21T05:53:59.000Z</LastModified>",
              "ETag": "<ETag>&quot;d41d8cd98f00b204e9800998ecf8427e&quot;</ETag>", "Size": "<Size>42</Size>",
              "StorageClass": "<StorageClass>STANDARD_IA</StorageClass>"}
    parts = [fields[name] for name in order]
    if owner:
        parts.append("<Owner><ID>o&amp;id</ID><DisplayName>me</DisplayName></Owner>")
    parts += ["<ChecksumAlgorithm>CRC32</ChecksumAlgorithm>"] * checksums
    opening = "<Contents >" if tag_space else "<Contents>"
    return opening + "".join(parts) + "</Contents>"


def payload(keys: list[str], namespace: bool, order: list[str], extra: str = "", owner: bool = False,
            checksums: int = 0, tag_space: bool = False, crlf: bool = False) -> bytes:
    top = (f"<Name>bucket</Name><Prefix></Prefix><Delimiter/><KeyCount>{len(keys)}</KeyCount><MaxKeys>1000"
           "</MaxKeys><IsTruncated>false</IsTruncated>")
    body = "".join(object_xml(k, order, owner, checksums, tag_space) for k in keys)
    body += "<CommonPrefixes><Prefix>dir/</Prefix></CommonPrefixes><!-- a comment -->"
    text = (f'<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult{NAMESPACE if namespace else ""}>'
            f"{top}{body}{extra}</ListBucketResult>")
    if crlf:
        text = text.replace("\n", "\r\n")
    return text.encode("utf-8")


def columns_of(parsed: dict) -> tuple[dict, ListingColumns]:
    """What iter_pages reads from botocore's answer: the top level, and the objects as columns."""
    contents = parsed.get("Contents", [])
    top = {name: value for name, value in parsed.items() if name != "Contents"}
    return top, ListingColumns([c["Key"] for c in contents], [c.get("Size", 0) for c in contents],
                               [c["LastModified"].timestamp() for c in contents], [c.get("ETag", "") for c in contents],
                               [c.get("StorageClass", "STANDARD") for c in contents])


def assert_same(body: bytes, must_be_fast: bool = False) -> None:
    theirs = stock_parse(body)
    ours = parse_list_objects_v2(body, fast_timestamp)
    columns = parse_listing_columns(body, fast_timestamp)
    if theirs is None:
        assert ours is None and columns is None, body
        return
    if ours is not None:  # None means "botocore parses it": always correct, only slower
        assert ours == theirs, body
    else:
        assert not must_be_fast, f"a page of known elements went to botocore: {body!r}"
    if columns is not None:  # None: the page goes the dict way
        assert columns == columns_of(theirs), body
    elif all("Key" in c and "LastModified" in c for c in theirs.get("Contents", [])):
        assert not must_be_fast, f"a page of complete objects was not read as columns: {body!r}"


def test_every_character_in_every_spelling() -> None:
    compared = 0
    for char in CHARACTERS:
        for text in (char, f"x{char}y", char * 3):
            for spelled in spellings(text):
                for namespace in (True, False):
                    body = payload([spelled], namespace, ["Key", "LastModified", "ETag", "Size", "StorageClass"])
                    assert_same(body, must_be_fast=True)
                    compared += 1
    assert compared > 1000


def test_characters_xml_cannot_carry_are_handed_back() -> None:
    for code in (0x00, 0x01, 0x08, 0x0B, 0x1F, 0xFFFE):
        body = payload([f"&#x{code:x};"], True, ["Key", "Size"])
        assert stock_parse(body) is None and parse_list_objects_v2(body, fast_timestamp) is None


@pytest.mark.parametrize("seed", range(40))
def test_reordered_spaced_and_decorated_documents(seed: int) -> None:
    rng = random.Random(seed)
    order = ["Key", "LastModified", "ETag", "Size", "StorageClass"]
    rng.shuffle(order)
    keys = ["".join(rng.choice(spellings(rng.choice(CHARACTERS))) for _ in range(rng.randint(1, 6)))
            for _ in range(rng.randint(0, 5))]
    body = payload(keys, rng.random() < 0.5, order, owner=rng.random() < 0.5, checksums=rng.randint(0, 2),
                   tag_space=rng.random() < 0.5, crlf=rng.random() < 0.5)
    assert_same(body)
    theirs = stock_parse(body)
    assert parse_list_objects_v2(body, fast_timestamp) is not None or theirs is None, "a plain page stays fast"


def test_raw_cr_is_normalised_as_botocore_does() -> None:
    body = payload(["line\rbreak", "crlf\r\nkey"], True, ["Key", "Size"])
    ours = parse_list_objects_v2(body, fast_timestamp)
    assert ours == stock_parse(body) and [o["Key"] for o in ours["Contents"]] == ["line\nbreak", "crlf\nkey"]


def test_the_characters_the_regex_parser_got_wrong() -> None:
    body = payload(["a&#x7f;b", "c&#x80;d", "e&#x85;f"], True, ["Key", "Size"])
    ours = parse_list_objects_v2(body, fast_timestamp)
    assert [o["Key"] for o in ours["Contents"]] == ["a\x7fb", "c\x80d", "e\x85f"] == \
        [o["Key"] for o in stock_parse(body)["Contents"]]
    spaced = payload(["k"], True, ["Key", "Size"], tag_space=True)
    assert parse_list_objects_v2(spaced, fast_timestamp)["Contents"] == [{"Key": "k", "Size": 42}]


@pytest.mark.parametrize("extra", [
    "<Unknown>x</Unknown>",
    "<Name>second</Name>",
    "<Contents><Key>k</Key><RestoreStatus><IsRestoreInProgress>true</IsRestoreInProgress></RestoreStatus></Contents>",
    "<CommonPrefixes><Prefix>a/</Prefix><Prefix>b/</Prefix></CommonPrefixes>",
    "<Contents><Size>not a number</Size></Contents>",
])
def test_what_we_do_not_know_goes_to_botocore(extra: str) -> None:
    body = payload(["k"], True, ["Key"], extra=extra)
    assert parse_list_objects_v2(body, fast_timestamp) is None
    assert parse_listing_columns(body, fast_timestamp) is None


def test_empty_and_odd_but_valid_shapes_match() -> None:
    for extra in ("<CommonPrefixes></CommonPrefixes>", "<Contents></Contents>", "<Contents><Owner/></Contents>",
                  "<EncodingType>url</EncodingType>", "<StartAfter/>",
                  "<ContinuationToken>t&amp;k</ContinuationToken>"):
        for namespace in (True, False):
            assert_same(payload(["k"], namespace, ["Key"], extra=extra))
    for truncated in ("true", "True", "false", " true", ""):
        body = payload([], True, [], extra="").replace(b"<IsTruncated>false</IsTruncated>",
                                                       f"<IsTruncated>{truncated}</IsTruncated>".encode())
        assert_same(body)


def test_orders_of_all_fields() -> None:
    for order in itertools.permutations(["Key", "LastModified", "ETag", "Size", "StorageClass"]):
        assert_same(payload(["k&amp;1", "k2"], True, list(order), owner=True, checksums=1), must_be_fast=True)
