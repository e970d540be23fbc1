"""rclpy.lifecycle.node.LifecycleNode: the rcl_lifecycle state machine, its services and transition callbacks.

As in rclpy: each transition runs the matching ``on_*`` callback with the previous state;
SUCCESS moves to the goal state, FAILURE back to the start state, ERROR (or an exception)
to errorprocessing, where ``on_error`` decides between unconfigured and finalized. The
default ``on_*`` callbacks forward to the managed entities (lifecycle publishers).
"""

from __future__ import annotations

from typing import NamedTuple

import lifecycle_msgs.msg
import lifecycle_msgs.srv

from rclpy.lifecycle.managed_entity import ManagedEntity, TransitionCallbackReturn
from rclpy.lifecycle.publisher import LifecyclePublisher
from rclpy.node import Node

S, T = lifecycle_msgs.msg.State, lifecycle_msgs.msg.Transition
LABELS = {
    S.PRIMARY_STATE_UNKNOWN: "unknown", S.PRIMARY_STATE_UNCONFIGURED: "unconfigured",
    S.PRIMARY_STATE_INACTIVE: "inactive", S.PRIMARY_STATE_ACTIVE: "active", S.PRIMARY_STATE_FINALIZED: "finalized",
    S.TRANSITION_STATE_CONFIGURING: "configuring", S.TRANSITION_STATE_CLEANINGUP: "cleaningup",
    S.TRANSITION_STATE_SHUTTINGDOWN: "shuttingdown", S.TRANSITION_STATE_ACTIVATING: "activating",
    S.TRANSITION_STATE_DEACTIVATING: "deactivating", S.TRANSITION_STATE_ERRORPROCESSING: "errorprocessing",
}
# transition id -> (start state, intermediate state, goal on success, back on failure)
TRANSITIONS = {
    T.TRANSITION_CONFIGURE: (S.PRIMARY_STATE_UNCONFIGURED, S.TRANSITION_STATE_CONFIGURING,
                             S.PRIMARY_STATE_INACTIVE, S.PRIMARY_STATE_UNCONFIGURED),
    T.TRANSITION_CLEANUP: (S.PRIMARY_STATE_INACTIVE, S.TRANSITION_STATE_CLEANINGUP,
                           S.PRIMARY_STATE_UNCONFIGURED, S.PRIMARY_STATE_INACTIVE),
    T.TRANSITION_ACTIVATE: (S.PRIMARY_STATE_INACTIVE, S.TRANSITION_STATE_ACTIVATING,
                            S.PRIMARY_STATE_ACTIVE, S.PRIMARY_STATE_INACTIVE),
    T.TRANSITION_DEACTIVATE: (S.PRIMARY_STATE_ACTIVE, S.TRANSITION_STATE_DEACTIVATING,
                              S.PRIMARY_STATE_INACTIVE, S.PRIMARY_STATE_ACTIVE),
    T.TRANSITION_UNCONFIGURED_SHUTDOWN: (S.PRIMARY_STATE_UNCONFIGURED, S.TRANSITION_STATE_SHUTTINGDOWN,
                                         S.PRIMARY_STATE_FINALIZED, S.PRIMARY_STATE_FINALIZED),
    T.TRANSITION_INACTIVE_SHUTDOWN: (S.PRIMARY_STATE_INACTIVE, S.TRANSITION_STATE_SHUTTINGDOWN,
                                     S.PRIMARY_STATE_FINALIZED, S.PRIMARY_STATE_FINALIZED),
    T.TRANSITION_ACTIVE_SHUTDOWN: (S.PRIMARY_STATE_ACTIVE, S.TRANSITION_STATE_SHUTTINGDOWN,
                                   S.PRIMARY_STATE_FINALIZED, S.PRIMARY_STATE_FINALIZED),
}
TRANSITION_LABELS = {T.TRANSITION_CONFIGURE: "configure", T.TRANSITION_CLEANUP: "cleanup",
                     T.TRANSITION_ACTIVATE: "activate", T.TRANSITION_DEACTIVATE: "deactivate"}


class LifecycleState(NamedTuple):
    label: str
    state_id: int


class LifecycleNode(ManagedEntity, Node):
    def __init__(self, node_name, *, enable_communication_interface: bool = True, **kwargs):
        Node.__init__(self, node_name, **kwargs)
        self._state_id = S.PRIMARY_STATE_UNCONFIGURED
        self._managed_entities: set = set()
        self._callbacks = {
            S.TRANSITION_STATE_CONFIGURING: self.on_configure, S.TRANSITION_STATE_CLEANINGUP: self.on_cleanup,
            S.TRANSITION_STATE_SHUTTINGDOWN: self.on_shutdown, S.TRANSITION_STATE_ACTIVATING: self.on_activate,
            S.TRANSITION_STATE_DEACTIVATING: self.on_deactivate, S.TRANSITION_STATE_ERRORPROCESSING: self.on_error,
        }
        if enable_communication_interface:
            self.create_service(lifecycle_msgs.srv.ChangeState, "~/change_state", self.__on_change_state)
            self.create_service(lifecycle_msgs.srv.GetState, "~/get_state", self.__on_get_state)

    # -- the transitions ---------------------------------------------------------------------
    def trigger_configure(self):
        return self.__change_state(T.TRANSITION_CONFIGURE)

    def trigger_cleanup(self):
        return self.__change_state(T.TRANSITION_CLEANUP)

    def trigger_activate(self):
        return self.__change_state(T.TRANSITION_ACTIVATE)

    def trigger_deactivate(self):
        return self.__change_state(T.TRANSITION_DEACTIVATE)

    def trigger_shutdown(self):
        transition = {S.PRIMARY_STATE_UNCONFIGURED: T.TRANSITION_UNCONFIGURED_SHUTDOWN,
                      S.PRIMARY_STATE_INACTIVE: T.TRANSITION_INACTIVE_SHUTDOWN,
                      S.PRIMARY_STATE_ACTIVE: T.TRANSITION_ACTIVE_SHUTDOWN}.get(self._state_id)
        return None if transition is None else self.__change_state(transition)

    # -- managed entities (default callbacks forward to them) ------------------------------------
    def add_managed_entity(self, entity) -> None:
        self._managed_entities.add(entity)

    def create_lifecycle_publisher(self, *args, **kwargs):
        if "publisher_class" in kwargs:
            raise TypeError("create_publisher() got an unexpected keyword argument 'publisher_class'")
        publisher = Node.create_publisher(self, *args, **kwargs, publisher_class=LifecyclePublisher)
        self._managed_entities.add(publisher)
        return publisher

    def destroy_lifecycle_publisher(self, publisher) -> bool:
        self._managed_entities.discard(publisher)
        return Node.destroy_publisher(self, publisher)

    def _forward(self, hook: str, state):
        for entity in self._managed_entities:
            result = getattr(entity, hook)(state)
            if result != TransitionCallbackReturn.SUCCESS:
                return result
        return TransitionCallbackReturn.SUCCESS

    def on_configure(self, state):
        return self._forward("on_configure", state)

    def on_cleanup(self, state):
        return self._forward("on_cleanup", state)

    def on_shutdown(self, state):
        return self._forward("on_shutdown", state)

    def on_activate(self, state):
        return self._forward("on_activate", state)

    def on_deactivate(self, state):
        return self._forward("on_deactivate", state)

    def on_error(self, state):
        return self._forward("on_error", state)

    # -- the state machine ---------------------------------------------------------------------
    @property
    def standin_state(self) -> str:
        """The current state's label (tests only; the real node answers ~/get_state)."""
        return LABELS[self._state_id]

    def __execute(self, state_id: int, previous: LifecycleState):
        try:
            return self._callbacks[state_id](previous)
        except Exception:
            return TransitionCallbackReturn.ERROR

    def __change_state(self, transition_id: int):
        start, intermediate, goal, back = TRANSITIONS[transition_id]
        if self._state_id != start:
            raise RuntimeError(f"Transition is not registered: {transition_id} from state {LABELS[self._state_id]}")
        previous = LifecycleState(label=LABELS[start], state_id=start)
        self._state_id = intermediate
        result = self.__execute(intermediate, previous)
        if result == TransitionCallbackReturn.SUCCESS:
            self._state_id = goal
        elif result == TransitionCallbackReturn.FAILURE:
            self._state_id = back
        else:
            self._state_id = S.TRANSITION_STATE_ERRORPROCESSING
            recovered = self.__execute(S.TRANSITION_STATE_ERRORPROCESSING, previous)
            self._state_id = (S.PRIMARY_STATE_UNCONFIGURED if recovered == TransitionCallbackReturn.SUCCESS
                              else S.PRIMARY_STATE_FINALIZED)
        return result

    def __on_change_state(self, request, response):
        transition_id = request.transition.id
        if request.transition.label:
            labels = {label: tid for tid, label in TRANSITION_LABELS.items()}
            if request.transition.label not in labels:
                response.success = False
                return response
            transition_id = labels[request.transition.label]
        response.success = self.__change_state(transition_id) == TransitionCallbackReturn.SUCCESS
        return response

    def __on_get_state(self, request, response):
        response.current_state.id, response.current_state.label = self._state_id, LABELS[self._state_id]
        return response
