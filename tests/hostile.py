"""One hostile corpus for every printed field: escape sequences, OSC 52/8/2, C1 controls,
bidi overrides and Rich markup. Whatever prints one of these must show it as inert text."""

from __future__ import annotations

ATTACKS = {
    "csi": "\x1b[2J\x1b[31mred",
    "osc52": "\x1b]52;c;ZXZpbA==\x07",  # writes the clipboard
    "osc8": "\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\",  # a hidden link
    "osc2": "\x1b]2;owned\x07",  # sets the window title
    "c1": "\x9b2J\x9d2;t\x9c",  # CSI and OSC as single C1 bytes
    "bidi": "\u202etxt.exe",  # shows as exe.txt reversed
    "markup": "[/][bold red]loud[/bold red][link=https://evil.example]x[/link]",
}
HOSTILE = "".join(ATTACKS.values())
# What may never reach a terminal from data: ESC, BEL, ST, C1 CSI/OSC, bidi override.
FORBIDDEN = "\x1b\x07\x9b\x9d\x9c\u202e"


def assert_inert(output: str) -> None:
    """No control character of the corpus survives; the markup is shown, not parsed."""
    bad = sorted({f"U+{ord(c):04X}" for c in output if c in FORBIDDEN or (ord(c) < 0x20 and c not in "\n\t")})
    assert not bad, f"control characters reached the terminal: {bad}"


def strings_in(data: object) -> list[str]:
    """Every string in decoded JSON, keys included: where hostile text must come back exactly."""
    if isinstance(data, str):
        return [data]
    if isinstance(data, dict):
        return [s for k, v in data.items() for s in (*strings_in(k), *strings_in(v))]
    if isinstance(data, list):
        return [s for v in data for s in strings_in(v)]
    return []
