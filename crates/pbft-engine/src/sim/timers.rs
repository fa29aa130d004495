//! Node timers in virtual time: set, replaced, cancelled, fired.
//!
//! A timer set again replaces the pending one of the same id. Setting it *later* (a protocol
//! pushing a deadline back on every bit of progress, as PBFT's retransmission timer does) costs
//! no queue entry: the queued event keeps its place and, when it comes due, moves itself on to
//! the new deadline. Setting it earlier queues a new event; the old one is recognised as stale
//! by its generation and dropped when it comes due.

use super::{Event, Pending, Simulation};
use crate::message::NodeId;
use crate::node::TimerId;
use crate::trace::TraceKind;

/// One pending timer of a node.
#[derive(Clone, Copy, Debug)]
pub(super) struct TimerSlot {
    /// The generation of the queued `Event::Timer` that counts.
    pub generation: u64,
    /// When the queued event is due (at or before `fires_us`).
    pub queued_us: u64,
    pub set_us: u64,
    pub fires_us: u64,
}

impl Simulation {
    pub(super) fn set_timer(&mut self, node: NodeId, id: TimerId, after_us: u64) {
        let (now_us, fires_us) = (self.now_us, self.now_us + after_us);
        let timers = &mut self.nodes[node as usize].timers;
        match timers.get_mut(&id) {
            Some(t) if t.queued_us <= fires_us => {
                t.set_us = now_us;
                t.fires_us = fires_us;
            }
            _ => {
                let generation = self.next_timer_generation;
                self.next_timer_generation += 1;
                timers.insert(
                    id,
                    TimerSlot {
                        generation,
                        queued_us: fires_us,
                        set_us: now_us,
                        fires_us,
                    },
                );
                let event = Event::Timer {
                    node,
                    id,
                    generation,
                };
                self.queue.push(fires_us, event);
            }
        }
        if self.tracing {
            let name = self.nodes[node as usize].replica.timer_name(id);
            let timer = id;
            self.emit(TraceKind::TimerSet {
                node,
                timer,
                name,
                fires_us,
            });
        }
    }

    pub(super) fn cancel_timer(&mut self, node: NodeId, id: TimerId) {
        let was_pending = self.nodes[node as usize].timers.remove(&id).is_some();
        if was_pending && self.tracing {
            let name = self.nodes[node as usize].replica.timer_name(id);
            let timer = id;
            self.emit(TraceKind::TimerCancel { node, timer, name });
        }
    }

    /// A queued timer event came due: fire it, move it on to a later deadline, or drop it as
    /// stale.
    pub(super) fn timer_due(&mut self, node: NodeId, id: TimerId, generation: u64) {
        let now_us = self.now_us;
        let timers = &mut self.nodes[node as usize].timers;
        let Some(t) = timers.get_mut(&id).filter(|t| t.generation == generation) else {
            return;
        };
        if t.fires_us > now_us {
            t.queued_us = t.fires_us;
            let fires_us = t.fires_us;
            let event = Event::Timer {
                node,
                id,
                generation,
            };
            self.queue.push(fires_us, event);
            return;
        }
        timers.remove(&id);
        let name = self.nodes[node as usize].replica.timer_name(id);
        self.emit(TraceKind::Timer {
            node,
            timer: id,
            name,
        });
        self.arrive(node, Pending::Timer { id });
    }
}
