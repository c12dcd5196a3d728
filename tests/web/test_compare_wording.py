"""The compare page: each outlet's own wording of a shared claim (texts invented for the test)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from spinscope.web.app import create_app

LEDGER = ("Robbery at Dunmore post office\n"
          "\n"
          "Police arrested three men after the robbery at the Dunmore post office on Monday.\n"
          "The post office will reopen on Wednesday, the Dunmore council said.\n")
HERALD = ("Three held after Dunmore raid\n"
          "\n"
          "On Monday, three men were arrested by police following the Dunmore post office robbery.\n"
          "Shop owners in Dunmore said they would hire guards for the winter.\n")


@pytest.fixture
def client(settings, tmp_path):
    with TestClient(create_app(settings, tmp_path / "library.db")) as test_client:
        yield test_client


def compared(client, ledger: str = LEDGER) -> str:
    """The comparison part of the compare page, not the highlighted articles below it (which hold both texts)."""
    page = client.post("/compare", data={"outlet0": "Dunmore Ledger", "text0": ledger,
                                         "outlet1": "Harbour Herald", "text1": HERALD})
    assert page.status_code == 200, page.text
    start = page.text.index('id="compare-result"')
    return page.text[start:page.text.index("</section>", start)]


def test_the_compare_page_shows_each_outlets_wording_of_a_shared_claim(client):
    comparison = compared(client)
    shared = comparison[comparison.index("Claims several outlets share"):]
    assert ("<strong>Dunmore Ledger</strong>: “Police arrested three men after the robbery at the Dunmore post "
            "office on Monday.”") in shared
    assert ("<strong>Harbour Herald</strong>: “On Monday, three men were arrested by police following the Dunmore "
            "post office robbery.”") in shared


def test_the_compare_page_lists_the_sources_and_the_quotes_with_their_speakers(client):
    comparison = compared(client, LEDGER + "\n“We acted within minutes,” police chief Ann Cole said.\n")
    sources = comparison[comparison.index("Sources cited ("):]
    assert "<td dir=\"auto\">Ann Cole</td><td>official</td><td dir=\"auto\">Dunmore Ledger</td>" in sources
    quotes = comparison[comparison.index("Direct quotes ("):]
    assert ("<strong>Dunmore Ledger</strong>: “We acted within minutes,” <span class=\"muted\">— Ann Cole</span>"
            in quotes)
