"""The account's event feed: what happened, who caused it, and the object as it was then."""

from paydesk.events.record import Actor, ActorType, record_event

__all__ = ["Actor", "ActorType", "record_event"]
