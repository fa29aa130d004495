//! Handler tests: exact outputs of the PBFT replica for each message kind.
