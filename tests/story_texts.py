"""Three small hand-written stories (two or three outlets each), shared by the clustering and compare tests."""


def unwrap(text: str) -> str:
    """Join the wrapped lines of each paragraph: as in the corpora, a paragraph is one line."""
    return "\n\n".join(" ".join(block.split("\n")).strip() for block in text.strip().split("\n\n")) + "\n"


# Story "port": dock workers strike in Valmora; three outlets, different wording and emphasis.
PORT_1 = """Dock workers walk out at Valmora port

Around 1,200 dock workers at the port of Valmora stopped work on Monday, according to the Harbour Workers Union.
Union leader Teresa Okafor said the strike would continue until the Valmora Port Authority restored the night-shift
bonus it cut in March. Ships queued outside the harbour and two container lines diverted to Castellan.
"""
PORT_2 = """Valmora harbour paralysed as union strikes over pay

The Harbour Workers Union called a strike at Valmora's container terminal on Monday after talks with the port
authority collapsed. Teresa Okafor, who leads the union, told reporters that members would not return until the
night-shift bonus was reinstated. The Valmora Port Authority said the bonus had become unaffordable.
"""
PORT_3 = """Strike at Valmora port: what we know

Container ships are waiting off Valmora after dock workers struck on Monday. The walkout, organised by the Harbour
Workers Union under Teresa Okafor, is about a night-shift bonus that the Valmora Port Authority removed in March.
Shipping lines warned of delays, and some cargo was sent to Castellan instead.
"""
# Story "flood": the river Ostra floods the town of Brenn.
FLOOD_1 = """River Ostra bursts its banks in Brenn

Heavy rain pushed the river Ostra over its banks in Brenn on Saturday, flooding the old town. Mayor Lukas Vehr
said 300 residents were evacuated to the Brenn sports hall overnight. Firefighters used boats to reach homes on
Mill Street, and the regional rail line to Korvik was closed.
"""
FLOOD_2 = """Hundreds evacuated as Ostra floods Brenn old town

About 300 people spent the night in a sports hall after the Ostra flooded Brenn on Saturday. Mayor Lukas Vehr
thanked volunteers and firefighters, who rescued residents of Mill Street by boat. Trains between Brenn and Korvik
were suspended while engineers inspected the line.
"""
# Story "minister": a transport minister resigns over a tender.
MINISTER_1 = """Transport minister Adela Marsh resigns over rail tender

Adela Marsh stepped down as transport minister on Thursday, two days after auditors questioned how the Northline
rail tender was awarded to Grayfield Engineering. Prime Minister Oskar Lind accepted her resignation and named
deputy minister Pavel Rusu as interim replacement.
"""
MINISTER_2 = """Marsh quits after auditors criticise Northline contract

The auditors' report on the Northline tender cost Adela Marsh her job: the transport minister resigned on Thursday.
Grayfield Engineering, which won the contract, denied any wrongdoing. Oskar Lind, the prime minister, said Pavel
Rusu would run the ministry until a successor is found.
"""

PORT_1, PORT_2, PORT_3, FLOOD_1, FLOOD_2, MINISTER_1, MINISTER_2 = map(
    unwrap, (PORT_1, PORT_2, PORT_3, FLOOD_1, FLOOD_2, MINISTER_1, MINISTER_2))
