//! Protocols: one module per protocol, each a set of sans-IO handlers behind [`crate::Replica`].

pub mod pbft;
pub mod tutorial;
