"""What a peer sends is parsed safely: no DTD, no entity is ever expanded or fetched."""

from __future__ import annotations

import pytest

from ocpptk.soap.xml import XmlRefused, parse_xml

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<lolz>&lol9;</lolz>"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<foo>&xxe;</foo>"""


@pytest.mark.parametrize(
    "data",
    [
        BILLION_LAUGHS,
        XXE,
        XXE.decode().encode("utf-16"),  # the DTD check does not rely on the bytes' encoding
        b'<!DOCTYPE x SYSTEM "http://example.com/x.dtd"><x/>',
    ],
    ids=["billion-laughs", "xxe", "xxe-utf16", "external-dtd"],
)
def test_dtds_are_refused(data: bytes) -> None:
    with pytest.raises(XmlRefused, match="DTD"):
        parse_xml(data)


def test_size_and_well_formedness() -> None:
    with pytest.raises(XmlRefused, match="17 bytes; at most 10 are read"):
        parse_xml(b"<a>0123456789</a>", max_size=10)
    with pytest.raises(XmlRefused, match="not well-formed"):
        parse_xml(b"<a><b></a>")
    with pytest.raises(XmlRefused, match="not well-formed"):
        parse_xml(b"")
    assert parse_xml(b"<a><!-- c --><?pi x?><b/></a>").tag == "a"
