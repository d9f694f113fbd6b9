//! ss sockets as JSON (see [`super::json`] for the common fields).

use super::SsSocket;
use crate::json::Object;

/// The fields of an `ss_socket` event.
pub(super) fn ss_socket(o: &mut Object<'_>, s: &SsSocket<'_>) {
    o.bytes("raw", s.row.line);
    if !s.info.is_empty() {
        o.bytes("info", s.info);
    }
}
