"""What every advisor agent receives and returns for one turn.

An agent is a function of the conversation's state and the homeowner's message. It may
call the tools (ZIP lookup, solar estimate) but never touches the database: the
conversation service persists what it returns, and creates the lead when the agent
says the homeowner consented.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from app.leads.consent import DEFAULT_MAX_BUYERS

Outcome = Literal["submit_lead", "ended_renter", "declined_consent", "stopped"]


class AdvisorTools(Protocol):
    """The engine calls an agent may make (pure functions underneath)."""

    max_buyers: int  # the most installers a homeowner may agree to (MAX_SHARED_BUYERS)
    sends_estimate_email: bool  # the estimate goes to the email the homeowner gives

    def zip_is_known(self, zip_code: str) -> bool: ...

    def unserved_area(self, zip_code: str) -> str | None:
        """The place a real US ZIP outside the area served is in ("Puerto Rico"), or None."""
        ...

    def national_reference(self, slots: Mapping[str, Any]) -> Mapping[str, Any] | None:
        """Medians of the engine's estimates for the slots' bill and shade across the
        states and DC (``knowledge.national_reference``), or None when unavailable."""
        ...

    def estimate(self, slots: Mapping[str, Any]) -> dict[str, Any]:
        """A solar estimate for the slots' ZIP, bill and shade (engine result as JSON)."""
        ...

    def cost_per_watt(self, zip_code: str | None) -> float:
        """The installed cost per watt the engine assumes (for the ZIP's state if known)."""
        ...


@dataclass
class AgentState:
    slots: dict[str, Any] = field(default_factory=dict)
    awaiting: str | None = None
    estimate: dict[str, Any] | None = None
    # Recent transcript as (role, content), oldest first; the LLM agent reads it.
    history: list[tuple[str, str]] = field(default_factory=list)
    # The most installers a homeowner may agree to (MAX_SHARED_BUYERS).
    max_buyers: int = DEFAULT_MAX_BUYERS
    # Whether the advisor may say it e-mails the estimate (MAIL_ENABLED).
    sends_estimate_email: bool = True
    # Names of the active partner installers whose service area covers the slots' ZIP,
    # looked up by the conversation service before the turn; None: not looked up.
    area_partners: list[str] | None = None


@dataclass
class OutgoingMessage:
    content: str
    kind: str = "text"  # text | question | estimate | consent | faq | hint | closing
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass
class AgentTurn:
    messages: list[OutgoingMessage]
    state: AgentState
    quick_replies: list[str]
    outcome: Outcome | None = None
    streamed: bool = False  # the agent already sent its text through on_delta


DeltaCallback = Callable[[str], Awaitable[None]]
# Streams a reply as it is written: (index of the outgoing message, text chunk).
DeltaSink = Callable[[int, str], Awaitable[None]]
Agent = Callable[[AgentState, str, AdvisorTools, DeltaSink | None], Awaitable[AgentTurn]]


def chunk_text(text: str, words_per_chunk: int = 4) -> list[str]:
    """Split a reply into small word groups for streaming (joined, they equal the text)."""
    words = text.split(" ")
    return [
        " ".join(words[i : i + words_per_chunk]) + (" " if i + words_per_chunk < len(words) else "")
        for i in range(0, len(words), words_per_chunk)
    ]
