"""A fast parser for successful ListObjectsV2 responses, plugged into botocore's parser factory.

botocore parses every XML element through a generic, shape-driven walk: about 25 µs per listed
object, which made a 100,000-object listing CPU-bound at 3-4x the time of s5cmd.  This parser reads
the same XML with the standard library's C-accelerated ``xml.etree.ElementTree`` (the parser
botocore itself uses: so entities, CDATA, character references, line-end normalisation and
namespaces come out exactly as botocore's do) and builds botocore's structure directly, with the
same scalar rules: text of an empty element is "", a boolean is ``text == "true"``, integers are
``int(text)``, namespaces are stripped from tags.  A differential test compares both over generated
payloads and real server answers.

Only the payload of a 2xx ListObjectsV2 response takes this path.  Signing, retries, redirects,
error responses, header parsing and every other operation stay botocore's.  Whatever this parser
does not recognise (an unknown element, a repeated scalar, a malformed document) makes it hand
the page back to botocore's own parser.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree

from botocore import handlers
from botocore.parsers import ResponseParserFactory, RestXMLParser

_TOP_INT = {"MaxKeys", "KeyCount"}
_TOP_STR = {"Name", "Prefix", "Delimiter", "EncodingType", "ContinuationToken", "NextContinuationToken",
            "StartAfter"}
_OBJECT_STR = {"Key", "ETag", "StorageClass", "ChecksumType"}


class _Unknown(Exception):
    """Something this parser does not handle: botocore parses the page instead."""


def _tag(element: ElementTree.Element) -> str:
    tag = element.tag
    return tag[tag.index("}") + 1:] if isinstance(tag, str) and tag.startswith("{") else tag


def _text(element: ElementTree.Element) -> str:
    if len(element):
        raise _Unknown("an element with children where text was expected")
    return element.text or ""


def _object(element: ElementTree.Element, timestamp_parser: Callable[[str], Any]) -> dict[str, Any]:
    item: dict[str, Any] = {}
    for child in element:
        tag = _tag(child)
        if tag == "ChecksumAlgorithm":  # a flattened list: one element per algorithm
            item.setdefault(tag, []).append(_text(child))
            continue
        if tag in item:
            raise _Unknown(f"repeated {tag}")
        if tag in _OBJECT_STR:
            item[tag] = _text(child)
        elif tag == "Size":
            item[tag] = int(_text(child))
        elif tag == "LastModified":
            item[tag] = timestamp_parser(_text(child))
        elif tag == "Owner":
            owner: dict[str, str] = {}
            for part in child:
                name = _tag(part)
                if name not in ("ID", "DisplayName") or name in owner:
                    raise _Unknown(f"Owner/{name}")
                owner[name] = _text(part)
            item[tag] = owner
        else:
            raise _Unknown(tag)
    return item


def parse_list_objects_v2(body: bytes, timestamp_parser: Callable[[str], Any]) -> dict[str, Any] | None:
    """The botocore-shaped result for a ListObjectsV2 XML body, or None to let botocore parse it."""
    found = _listing_root(body)
    if found is None:
        return None
    root, namespace = found
    contents_tag = namespace + "Contents"
    parsed = _top_level(root, contents_tag)
    if parsed is None:
        return None
    try:
        contents = [_object(child, timestamp_parser) for child in root.findall(contents_tag)]
    except (_Unknown, ValueError):
        return None
    if contents:
        parsed["Contents"] = contents
    return parsed


def _listing_root(body: bytes) -> tuple[ElementTree.Element, str] | None:
    """The document's ListBucketResult element and its namespace ("{uri}" or ""), or None."""
    try:
        root = ElementTree.fromstring(body)
    except (ElementTree.ParseError, ValueError):
        return None
    tag = root.tag
    namespace = tag[: tag.index("}") + 1] if isinstance(tag, str) and tag.startswith("{") else ""
    return (root, namespace) if tag == namespace + "ListBucketResult" else None


@dataclass(slots=True)
class ListingColumns:
    """A page's objects as parallel columns, with botocore's values and iter_pages' defaults."""

    keys: list[str]
    sizes: list[int]
    mtimes: list[float]  # epoch seconds
    etags: list[str]
    storage_classes: list[str]


_COLUMN_FIELDS = ("Key", "Size", "LastModified", "ETag", "StorageClass")
_IGNORED_FIELDS = ("Owner", "ChecksumAlgorithm", "ChecksumType")  # known, and not wanted by the table


def parse_listing_columns(body: bytes, timestamp_parser: Callable[[str], Any]
                          ) -> tuple[dict[str, Any], ListingColumns] | None:
    """The page's top level (botocore-shaped, without ``Contents``) and its objects as columns.

    For listings that only want names, sizes, times, ETags and classes, this skips the dict per
    object: one dict comprehension over each ``Contents`` element, text read as botocore reads
    it, and LastModified parsed once per distinct value (a bulk upload shares a handful).  Any
    object with a repeated or unknown field, or without its Key or LastModified, makes the whole
    page go the dict way (None), like everything :func:`parse_list_objects_v2` does not know.
    """
    found = _listing_root(body)
    if found is None:
        return None
    root, namespace = found
    contents_tag = namespace + "Contents"
    short = {namespace + name: name for name in (*_COLUMN_FIELDS, *_IGNORED_FIELDS)}
    objects = []
    try:
        for element in root.findall(contents_tag):
            fields = {short[child.tag]: child.text for child in element}
            if len(fields) != len(element):
                return None  # a repeated field (several checksum algorithms, say): the dict way
            objects.append(fields)
        keys = [fields["Key"] or "" for fields in objects]
        stamps = [fields["LastModified"] or "" for fields in objects]
        sizes = [int(fields.get("Size") or 0) for fields in objects]
    except (KeyError, ValueError):
        return None
    etags = [fields.get("ETag") or "" for fields in objects]
    classes = [fields.get("StorageClass", "STANDARD") or "" for fields in objects]
    try:
        epoch = {stamp: timestamp_parser(stamp).timestamp() for stamp in set(stamps)}
    except (ValueError, TypeError, AttributeError):
        return None
    top = _top_level(root, contents_tag)
    if top is None:
        return None
    return top, ListingColumns(keys, sizes, [epoch[stamp] for stamp in stamps], etags, classes)


def _top_level(root: ElementTree.Element, contents_tag: str) -> dict[str, Any] | None:
    """Everything but the objects, exactly as :func:`parse_list_objects_v2` reads it."""
    parsed: dict[str, Any] = {}
    prefixes: list[dict[str, str]] = []
    try:
        for child in root:
            if child.tag == contents_tag:
                continue
            tag = _tag(child)
            if tag == "CommonPrefixes":
                prefixes.append(_common_prefix(child))
            elif tag in parsed:
                raise _Unknown(f"repeated {tag}")
            elif tag == "IsTruncated":
                parsed[tag] = _text(child) == "true"
            elif tag in _TOP_INT:
                parsed[tag] = int(_text(child))
            elif tag in _TOP_STR:
                parsed[tag] = _text(child)
            else:
                raise _Unknown(tag)
    except (_Unknown, ValueError):
        return None
    if prefixes:
        parsed["CommonPrefixes"] = prefixes
    return parsed


def _common_prefix(element: ElementTree.Element) -> dict[str, str]:
    entry: dict[str, str] = {}
    for part in element:
        if _tag(part) != "Prefix" or "Prefix" in entry:
            raise _Unknown("CommonPrefixes")
        entry["Prefix"] = _text(part)
    return entry


class _ColumnSlot(threading.local):
    wanted: bool = False
    columns: ListingColumns | None = None


_slot = _ColumnSlot()


@contextmanager
def listing_columns() -> Iterator[Callable[[], ListingColumns | None]]:
    """Within this block, ListObjectsV2 answers parsed on this thread keep their objects as columns.

    The call's response then has no ``Contents``; the returned function gives the columns of the
    last answer (None when that page went the dict way and ``Contents`` is in the response).
    botocore parses on the calling thread, so a listing on another thread is not affected.
    """
    _slot.wanted, _slot.columns = True, None
    try:
        yield lambda: _slot.columns
    finally:
        _slot.wanted, _slot.columns = False, None


def missing_botocore_names() -> list[str]:
    """The private botocore names this module relies on that this botocore lacks ([] when all are there).

    They are guarded, not assumed: without them listings use botocore's own parser (slower, same
    results) and the log says why.
    """
    missing = []
    if not callable(getattr(RestXMLParser, "_parse_payload", None)):
        missing.append("RestXMLParser._parse_payload")
    if not hasattr(RestXMLParser(timestamp_parser=str), "_timestamp_parser"):
        missing.append("RestXMLParser._timestamp_parser")
    factory = ResponseParserFactory()
    factory.set_parser_defaults(timestamp_parser=str)
    if not isinstance(getattr(factory, "_defaults", None), dict):
        missing.append("ResponseParserFactory._defaults")
    if not callable(getattr(handlers, "_handle_200_error", None)):
        missing.append("botocore.handlers._handle_200_error")
    return missing


class FastRestXMLParser(RestXMLParser):
    """botocore's REST-XML parser, with the ListObjectsV2 payload read by :func:`parse_list_objects_v2`."""

    def _parse_payload(self, response: dict, shape: Any, member_shapes: dict, final_parsed: dict) -> None:
        if getattr(shape, "name", "") == "ListObjectsV2Output" and response.get("status_code", 0) < 300:
            if _slot.wanted:
                _slot.columns = None
                columnar = parse_listing_columns(response.get("body") or b"", self._timestamp_parser)
                if columnar is not None:
                    final_parsed.update(columnar[0])
                    _slot.columns = columnar[1]
                    return
            fast = parse_list_objects_v2(response.get("body") or b"", self._timestamp_parser)
            if fast is not None:
                final_parsed.update(fast)
                return
        super()._parse_payload(response, shape, member_shapes, final_parsed)


class FastParserFactory(ResponseParserFactory):
    """Drop-in for botocore's ``response_parser_factory`` component."""

    def create_parser(self, protocol_name: str) -> Any:
        if protocol_name == "rest-xml":
            return FastRestXMLParser(**self._defaults)
        return super().create_parser(protocol_name)


def _quick_200_error_check(operation_model: Any, response_dict: dict, **kwargs: Any) -> None:
    """botocore re-parses every 200 body as a whole XML tree to spot truncation and embedded errors.

    For ListObjectsV2 a body that ends with its root's closing tag is neither truncated nor an
    ``<Error>`` document, so that costly check is skipped; anything else still gets botocore's.
    """
    if operation_model.name == "ListObjectsV2" and response_dict.get("status_code") == 200:
        body = response_dict.get("body") or b""
        if body[-64:].rstrip().endswith(b"</ListBucketResult>"):
            return
    handlers._handle_200_error(operation_model, response_dict, **kwargs)


def install_quick_200_check(client: Any) -> None:
    """Swap botocore's 200-error check for :func:`_quick_200_error_check` on one client."""
    if missing_botocore_names():
        return  # botocore's own check stays
    events = client.meta.events
    events.unregister("before-parse.s3.*", handlers._handle_200_error)
    events.register_first("before-parse.s3.*", _quick_200_error_check)
