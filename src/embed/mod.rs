//! For programs that embed netsift: events that own their bytes ([`owned`]), an iterator
//! over any `Read` ([`read`]), a tokio decoder (`codec`, feature `tokio`) and `Serialize`
//! for events and views (`ser`, feature `serde`).

#[cfg(feature = "tokio")]
pub mod codec;
pub mod owned;
pub mod read;
#[cfg(feature = "serde")]
pub mod ser;
