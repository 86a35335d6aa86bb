"""Which advisor answers: the guided agent by default, the LLM agent with an API key."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import Any

from app.conversation.agent import guided, knowledge
from app.conversation.agent.base import AdvisorTools, Agent, AgentState, AgentTurn, DeltaSink
from app.conversation.models import Conversation
from app.core.config import Settings
from app.leads.consent import DEFAULT_MAX_BUYERS
from app.solar.engine import SolarConfig, UnknownZip, estimate, lookup_location
from app.solar.location import unserved_area
from app.solar.schemas import EstimateInput, Shade

logger = logging.getLogger("aurum.conversation")


class SolarTools:
    """The advisor's view of the solar engine (in-process function calls, no HTTP)."""

    def __init__(
        self,
        config: SolarConfig,
        *,
        max_buyers: int = DEFAULT_MAX_BUYERS,
        sends_estimate_email: bool = True,
    ) -> None:
        self.config = config
        self.max_buyers = max_buyers
        self.sends_estimate_email = sends_estimate_email
        # National medians per (bill, shade): 51 engine runs the first time (~0.5 s).
        self._references: dict[tuple[float, str], Mapping[str, Any] | None] = {}

    def zip_is_known(self, zip_code: str) -> bool:
        try:
            lookup_location(zip_code)
        except UnknownZip:
            return False
        return True

    def unserved_area(self, zip_code: str) -> str | None:
        return unserved_area(zip_code)

    def national_reference(self, slots: Mapping[str, Any]) -> Mapping[str, Any] | None:
        bill, shade = float(slots["monthly_bill"]), slots.get("shade") or "none"
        key = (bill, shade)
        if key not in self._references:
            if len(self._references) >= 256:
                self._references.clear()

            def estimate_at(zip_code: str) -> dict[str, Any] | None:
                try:
                    slots = {"zip_code": zip_code, "monthly_bill": bill, "shade": shade}
                    return self.estimate(slots)
                except Exception:  # a reference place that fails is left out, never guessed
                    logger.exception("reference estimate failed", extra={"zip_code": zip_code})
                    return None

            self._references[key] = knowledge.national_reference(estimate_at)
        return self._references[key]

    def estimate(self, slots: Mapping[str, Any]) -> dict[str, Any]:
        request = EstimateInput(
            zip_code=slots["zip_code"],
            monthly_bill=float(slots["monthly_bill"]),
            shade=Shade(slots.get("shade") or "none"),
        )
        return estimate(request, self.config).model_dump(mode="json")

    def cost_per_watt(self, zip_code: str | None) -> float:
        state = None
        if zip_code:
            try:
                state = lookup_location(zip_code).state
            except UnknownZip:
                state = None
        return self.config.cost_per_watt_by_state.get(state or "", self.config.cost_per_watt_usd)


async def guided_agent(
    state: AgentState, text: str, tools: AdvisorTools, on_delta: DeltaSink | None
) -> AgentTurn:
    # In a worker thread, like the estimate route: a turn may run the engine dozens of
    # times (the national comparison), which must not hold up the event loop.
    return await asyncio.to_thread(guided.respond, state, text, tools)


class Advisor:
    def __init__(
        self, settings: Settings, solar_config: SolarConfig, *, openai_client: Any | None = None
    ) -> None:
        self.tools: AdvisorTools = SolarTools(
            solar_config,
            max_buyers=settings.max_shared_buyers,
            # The estimate e-mail is promised only when the worker will really send it.
            sends_estimate_email=settings.mail_enabled,
        )
        self.llm: Agent | None = None
        if settings.openai_api_key or openai_client is not None:
            from openai import AsyncOpenAI

            from app.conversation.agent.llm import LLMAgent

            client = openai_client or AsyncOpenAI(
                api_key=settings.openai_api_key,
                base_url=settings.openai_base_url or None,
                timeout=settings.openai_timeout_seconds,
                max_retries=0,
            )
            self.llm = LLMAgent(
                client, settings.openai_model, timeout_seconds=settings.openai_timeout_seconds
            )

    @property
    def kind(self) -> str:
        return "llm" if self.llm else "guided"

    def respond_for(self, conversation: Conversation) -> Agent:
        if conversation.agent == "llm" and self.llm is not None:
            return self.llm
        return guided_agent
