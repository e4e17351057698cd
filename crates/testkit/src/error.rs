//! The one error of this crate's boundary.

/// Why the simulator could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SimulatorError {
    /// The loopback port could not be bound.
    #[error(
        "could not listen on 127.0.0.1:{port}: {source}; pick another port, or port 0 for any free one"
    )]
    BindLoopback {
        /// The port asked for (0 means any free port).
        port: u16,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
}
