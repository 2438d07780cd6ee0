//! The process's own streams and signals, for the commands and the window
//! alike: output that ends quietly when its reader goes away, and SIGINT and
//! SIGTERM turned into a request to stop at the end of an epoch.

pub mod out;
pub mod stop;
