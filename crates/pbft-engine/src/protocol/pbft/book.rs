//! What a replica knows of client requests (OSDI 1999 §4.1, §4.4): the client-signed requests it
//! holds, those it waits for, and the exactly-once table (per client, its last executed
//! timestamp and the result, which a retransmitted request gets again).
//!
//! A client has one request outstanding, so each list holds a few entries per client and lives
//! in a vector searched linearly: as fast at this size, and lighter in the browser's wasm than a
//! map per key type.

use crate::message::{ClientRecord, Digest, Message, NodeId, RequestId};
use crate::sim::signed::Signed;
use std::sync::Arc;

#[derive(Debug, Default)]
pub(crate) struct RequestBook {
    /// Client-signed REQUESTs learned since the last stable checkpoint, or not executed yet:
    /// what a PRE-PREPARE's validity and an execution need.
    signed: Vec<Arc<Signed>>,
    /// Requests known and not executed: the replica is waiting (§4.4).
    pending: Vec<(RequestId, Digest)>,
    /// Per client, in client order: its last executed request and the result.
    table: Vec<ClientRecord>,
}

/// The id and digest of a REQUEST.
pub(crate) fn request_id(request: &Signed) -> Option<(RequestId, Digest)> {
    match *request.body() {
        Message::Request {
            client,
            timestamp,
            digest,
        } => Some((RequestId { client, timestamp }, digest)),
        _ => None,
    }
}

impl RequestBook {
    /// The client's last executed request.
    pub fn record(&self, client: NodeId) -> Option<ClientRecord> {
        self.table.iter().find(|r| r.client == client).copied()
    }

    /// Whether request `id` (or a later one of its client) executed.
    pub fn executed(&self, id: RequestId) -> bool {
        self.record(id.client)
            .is_some_and(|r| r.timestamp >= id.timestamp)
    }

    /// Keeps a client-signed request (checked by the caller) and, unless it executed already,
    /// waits for it.
    pub fn learn(&mut self, request: &Signed) {
        let Some((id, digest)) = request_id(request) else {
            return;
        };
        if self.get(digest).is_none() {
            self.signed.push(Arc::new(request.clone()));
        }
        if !self.executed(id) && !self.is_pending(id) {
            self.pending.push((id, digest));
        }
    }

    /// The client-signed request with `digest`, if held.
    pub fn get(&self, digest: Digest) -> Option<&Arc<Signed>> {
        self.signed
            .iter()
            .find(|r| request_id(r).is_some_and(|(_, d)| d == digest))
    }

    /// Requests waited for, oldest first.
    pub fn pending(&self) -> &[(RequestId, Digest)] {
        &self.pending
    }

    pub fn is_pending(&self, id: RequestId) -> bool {
        self.pending.iter().any(|&(p, _)| p == id)
    }

    /// The client's request `record.timestamp` executed with `record.result`: the table moves
    /// on, and it and earlier requests of the client are no longer waited for.
    pub fn executed_now(&mut self, record: ClientRecord) {
        match self.table.iter().position(|r| r.client >= record.client) {
            Some(i) if self.table[i].client == record.client => self.table[i] = record,
            Some(i) => self.table.insert(i, record),
            None => self.table.push(record),
        }
        self.forget_executed();
    }

    /// The exactly-once table, in client order.
    pub fn table(&self) -> &[ClientRecord] {
        &self.table
    }

    /// State transfer: the table becomes `table` (in client order).
    pub fn restore(&mut self, table: &[ClientRecord]) {
        self.table = table.to_vec();
        self.forget_executed();
    }

    fn forget_executed(&mut self) {
        let table = &self.table;
        self.pending.retain(|&(id, _)| !done(table, id));
    }

    /// A checkpoint became stable: the bodies of executed requests are no longer needed (a
    /// request proposed again comes with its body in the PRE-PREPARE).
    pub fn collect_garbage(&mut self) {
        let table = &self.table;
        self.signed
            .retain(|r| request_id(r).is_none_or(|(id, _)| !done(table, id)));
    }
}

fn done(table: &[ClientRecord], id: RequestId) -> bool {
    table
        .iter()
        .any(|r| r.client == id.client && r.timestamp >= id.timestamp)
}
