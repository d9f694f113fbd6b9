//! Re-pointing the byte slices a parsed value borrows, so that a caller can move the value
//! onto another buffer holding the same bytes (a copy of the line, a shared `Bytes` chunk)
//! and keep it after the line it was parsed from is gone.
//!
//! Every borrowed type of this crate implements [`MapBytes`], written out field by field:
//! a new field that borrows must be mapped here too, or the compiler says so (the `Mapped`
//! value is built with every field named).
//!
//! ```
//! use netsift_grammar::netstat::{inet_row, InetLayout};
//! use netsift_grammar::MapBytes;
//!
//! let line = b"tcp        0      0 0.0.0.0:22              0.0.0.0:*               LISTEN      0          1578       900/sshd             off (0.00/0/0)".to_vec();
//! let row = inet_row(&line, InetLayout::FULL).unwrap();
//! let copy = line.clone();
//! // Each slice of `row` lies in `line`: point it at the same bytes of `copy`.
//! let moved = row.map_bytes(&mut |s: &[u8]| {
//!     let start = s.as_ptr() as usize - line.as_ptr() as usize;
//!     &copy[start..start + s.len()]
//! });
//! drop(row);
//! assert_eq!(moved, inet_row(&copy, InetLayout::FULL).unwrap());
//! assert_eq!(moved.line.as_ptr(), copy.as_ptr());
//! ```

use crate::{netstat, netstat_agn, netstat_i, ss};

/// A value that borrows byte slices, and can be rebuilt with each slice replaced.
pub trait MapBytes<'a> {
    /// The same type, borrowing for `'b` instead of `'a`.
    type Mapped<'b>;

    /// Rebuild the value with every slice `s` it borrows replaced by `f(s)`, visiting the
    /// slices in field order. `f` must return a slice holding the same bytes as `s`: a
    /// `&str` field is rebuilt from what `f` returns and would be empty if that were not
    /// UTF-8. With `f` returning its argument, this is a visit of every slice.
    fn map_bytes<'b>(&self, f: &mut dyn FnMut(&'a [u8]) -> &'b [u8]) -> Self::Mapped<'b>;
}

/// Map a `&str` through a byte mapping that keeps the bytes.
pub fn map_str<'a, 'b>(s: &'a str, f: &mut dyn FnMut(&'a [u8]) -> &'b [u8]) -> &'b str {
    // Same bytes in, same bytes out: this is UTF-8 whenever `f` keeps its contract.
    std::str::from_utf8(f(s.as_bytes())).unwrap_or_default()
}

impl<'a, T: MapBytes<'a>> MapBytes<'a> for Option<T> {
    type Mapped<'b> = Option<T::Mapped<'b>>;

    #[inline]
    fn map_bytes<'b>(&self, f: &mut dyn FnMut(&'a [u8]) -> &'b [u8]) -> Self::Mapped<'b> {
        self.as_ref().map(|v| v.map_bytes(f))
    }
}

impl<'a> MapBytes<'a> for &'a [u8] {
    type Mapped<'b> = &'b [u8];

    #[inline]
    fn map_bytes<'b>(&self, f: &mut dyn FnMut(&'a [u8]) -> &'b [u8]) -> &'b [u8] {
        f(self)
    }
}

impl<'a> MapBytes<'a> for netstat::InetRow<'a> {
    type Mapped<'b> = netstat::InetRow<'b>;

    #[inline]
    fn map_bytes<'b>(&self, f: &mut dyn FnMut(&'a [u8]) -> &'b [u8]) -> Self::Mapped<'b> {
        let netstat::InetRow {
            line,
            layout,
            proto,
            recv_q,
            send_q,
            local,
            foreign,
            state,
            user,
            inode,
            owner,
            timer,
            spans,
            kernel,
        } = *self;
        netstat::InetRow {
            line: f(line),
            layout,
            proto,
            recv_q,
            send_q,
            local: local.map_bytes(f),
            foreign: foreign.map_bytes(f),
            state: state.map_bytes(f),
            user: user.map_bytes(f),
            inode,
            owner: owner.map_bytes(f),
            timer: timer.map_bytes(f),
            spans,
            kernel,
        }
    }
}

impl<'a> MapBytes<'a> for netstat::Endpoint<'a> {
    type Mapped<'b> = netstat::Endpoint<'b>;

    #[inline]
    fn map_bytes<'b>(&self, f: &mut dyn FnMut(&'a [u8]) -> &'b [u8]) -> Self::Mapped<'b> {
        let netstat::Endpoint { host, port, maybe_truncated } = *self;
        netstat::Endpoint { host: host.map_bytes(f), port: port.map_bytes(f), maybe_truncated }
    }
}

impl<'a> MapBytes<'a> for netstat::Host<'a> {
    type Mapped<'b> = netstat::Host<'b>;

    #[inline]
    fn map_bytes<'b>(&self, f: &mut dyn FnMut(&'a [u8]) -> &'b [u8]) -> Self::Mapped<'b> {
        match *self {
            netstat::Host::Ip(ip) => netstat::Host::Ip(ip),
            netstat::Host::Any => netstat::Host::Any,
            netstat::Host::Name(s) => netstat::Host::Name(map_str(s, f)),
            netstat::Host::Truncated(s) => netstat::Host::Truncated(map_str(s, f)),
        }
    }
}

impl<'a> MapBytes<'a> for netstat::Port<'a> {
    type Mapped<'b> = netstat::Port<'b>;

    #[inline]
    fn map_bytes<'b>(&self, f: &mut dyn FnMut(&'a [u8]) -> &'b [u8]) -> Self::Mapped<'b> {
        match *self {
            netstat::Port::Number(n) => netstat::Port::Number(n),
            netstat::Port::Any => netstat::Port::Any,
            netstat::Port::Name(s) => netstat::Port::Name(map_str(s, f)),
        }
    }
}

impl<'a> MapBytes<'a> for netstat::InetState<'a> {
    type Mapped<'b> = netstat::InetState<'b>;

    #[inline]
    fn map_bytes<'b>(&self, f: &mut dyn FnMut(&'a [u8]) -> &'b [u8]) -> Self::Mapped<'b> {
        match *self {
            netstat::InetState::Empty => netstat::InetState::Empty,
            netstat::InetState::Known(s) => netstat::InetState::Known(s),
            netstat::InetState::Kernel(n) => netstat::InetState::Kernel(n),
            netstat::InetState::Other(s) => netstat::InetState::Other(f(s)),
        }
    }
}

impl<'a> MapBytes<'a> for netstat::User<'a> {
    type Mapped<'b> = netstat::User<'b>;

    #[inline]
    fn map_bytes<'b>(&self, f: &mut dyn FnMut(&'a [u8]) -> &'b [u8]) -> Self::Mapped<'b> {
        match *self {
            netstat::User::Uid(uid) => netstat::User::Uid(uid),
            netstat::User::Name(s) => netstat::User::Name(f(s)),
        }
    }
}

impl<'a> MapBytes<'a> for netstat::Owner<'a> {
    type Mapped<'b> = netstat::Owner<'b>;

    #[inline]
    fn map_bytes<'b>(&self, f: &mut dyn FnMut(&'a [u8]) -> &'b [u8]) -> Self::Mapped<'b> {
        match *self {
            netstat::Owner::Hidden => netstat::Owner::Hidden,
            netstat::Owner::Process { pid, name } => netstat::Owner::Process { pid, name: f(name) },
            netstat::Owner::Other(s) => netstat::Owner::Other(f(s)),
        }
    }
}

impl<'a> MapBytes<'a> for netstat::Timer<'a> {
    type Mapped<'b> = netstat::Timer<'b>;

    #[inline]
    fn map_bytes<'b>(&self, f: &mut dyn FnMut(&'a [u8]) -> &'b [u8]) -> Self::Mapped<'b> {
        let netstat::Timer { kind, word, expires_ms, retransmits, probes } = *self;
        netstat::Timer { kind, word: f(word), expires_ms, retransmits, probes }
    }
}

impl<'a> MapBytes<'a> for netstat::UnixRow<'a> {
    type Mapped<'b> = netstat::UnixRow<'b>;

    #[inline]
    fn map_bytes<'b>(&self, f: &mut dyn FnMut(&'a [u8]) -> &'b [u8]) -> Self::Mapped<'b> {
        let netstat::UnixRow { line, layout, refcnt, flags, sock_type, state, inode, owner, path, spans, kernel } =
            *self;
        netstat::UnixRow {
            line: f(line),
            layout,
            refcnt,
            flags,
            sock_type: sock_type.map_bytes(f),
            state: state.map_bytes(f),
            inode,
            owner: owner.map_bytes(f),
            path: f(path),
            spans,
            kernel,
        }
    }
}

impl<'a> MapBytes<'a> for netstat::UnixType<'a> {
    type Mapped<'b> = netstat::UnixType<'b>;

    #[inline]
    fn map_bytes<'b>(&self, f: &mut dyn FnMut(&'a [u8]) -> &'b [u8]) -> Self::Mapped<'b> {
        use netstat::UnixType as T;
        match *self {
            T::Stream => T::Stream,
            T::Dgram => T::Dgram,
            T::Raw => T::Raw,
            T::Rdm => T::Rdm,
            T::SeqPacket => T::SeqPacket,
            T::Unknown => T::Unknown,
            T::Other(s) => T::Other(f(s)),
        }
    }
}

impl<'a> MapBytes<'a> for netstat::UnixState<'a> {
    type Mapped<'b> = netstat::UnixState<'b>;

    #[inline]
    fn map_bytes<'b>(&self, f: &mut dyn FnMut(&'a [u8]) -> &'b [u8]) -> Self::Mapped<'b> {
        use netstat::UnixState as S;
        match *self {
            S::Empty => S::Empty,
            S::Free => S::Free,
            S::Listening => S::Listening,
            S::Connecting => S::Connecting,
            S::Connected => S::Connected,
            S::Disconnecting => S::Disconnecting,
            S::Unknown => S::Unknown,
            S::Other(s) => S::Other(f(s)),
        }
    }
}

impl<'a> MapBytes<'a> for netstat_i::IfaceRow<'a> {
    type Mapped<'b> = netstat_i::IfaceRow<'b>;

    fn map_bytes<'b>(&self, f: &mut dyn FnMut(&'a [u8]) -> &'b [u8]) -> Self::Mapped<'b> {
        let netstat_i::IfaceRow { line, iface, mtu, metric, stats, no_stats, flags, flags_text, spans, dev } = *self;
        netstat_i::IfaceRow {
            line: f(line),
            iface: f(iface),
            mtu,
            metric,
            stats,
            no_stats: no_stats.map_bytes(f),
            flags,
            flags_text: f(flags_text),
            spans,
            dev,
        }
    }
}

impl<'a> MapBytes<'a> for netstat_agn::Membership<'a> {
    type Mapped<'b> = netstat_agn::Membership<'b>;

    fn map_bytes<'b>(&self, f: &mut dyn FnMut(&'a [u8]) -> &'b [u8]) -> Self::Mapped<'b> {
        let netstat_agn::Membership { line, interface, refcnt, group, group_text, spans } = *self;
        let group = match group {
            netstat_agn::Group::Ip(ip) => netstat_agn::Group::Ip(ip),
            netstat_agn::Group::Name(s) => netstat_agn::Group::Name(f(s)),
        };
        netstat_agn::Membership {
            line: f(line),
            interface: f(interface),
            refcnt,
            group,
            group_text: f(group_text),
            spans,
        }
    }
}

impl<'a> MapBytes<'a> for ss::SsRow<'a> {
    type Mapped<'b> = ss::SsRow<'b>;

    fn map_bytes<'b>(&self, f: &mut dyn FnMut(&'a [u8]) -> &'b [u8]) -> Self::Mapped<'b> {
        let ss::SsRow { line, columns, netid, sctp_assoc, state, recv_q, send_q, local, peer, process, extras, spans } =
            *self;
        ss::SsRow {
            line: f(line),
            columns,
            netid: netid.map_bytes(f),
            sctp_assoc,
            state: state.map_bytes(f),
            recv_q,
            send_q,
            local: local.map_bytes(f),
            peer: peer.map_bytes(f),
            process: process.map_bytes(f),
            extras: extras.map_bytes(f),
            spans,
        }
    }
}

impl<'a> MapBytes<'a> for ss::Netid<'a> {
    type Mapped<'b> = ss::Netid<'b>;

    fn map_bytes<'b>(&self, f: &mut dyn FnMut(&'a [u8]) -> &'b [u8]) -> Self::Mapped<'b> {
        use ss::Netid as N;
        match *self {
            N::Tcp => N::Tcp,
            N::Udp => N::Udp,
            N::Raw => N::Raw,
            N::Icmp6 => N::Icmp6,
            N::Mptcp => N::Mptcp,
            N::Sctp => N::Sctp,
            N::Dccp => N::Dccp,
            N::UStr => N::UStr,
            N::UDgr => N::UDgr,
            N::USeq => N::USeq,
            N::PRaw => N::PRaw,
            N::PDgr => N::PDgr,
            N::Nl => N::Nl,
            N::VStr => N::VStr,
            N::VDgr => N::VDgr,
            N::Tipc => N::Tipc,
            N::Xdp => N::Xdp,
            N::Other(s) => N::Other(f(s)),
        }
    }
}

impl<'a> MapBytes<'a> for ss::State<'a> {
    type Mapped<'b> = ss::State<'b>;

    fn map_bytes<'b>(&self, f: &mut dyn FnMut(&'a [u8]) -> &'b [u8]) -> Self::Mapped<'b> {
        use ss::State as S;
        match *self {
            S::Estab => S::Estab,
            S::SynSent => S::SynSent,
            S::SynRecv => S::SynRecv,
            S::FinWait1 => S::FinWait1,
            S::FinWait2 => S::FinWait2,
            S::TimeWait => S::TimeWait,
            S::Unconn => S::Unconn,
            S::Close => S::Close,
            S::CloseWait => S::CloseWait,
            S::LastAck => S::LastAck,
            S::Listen => S::Listen,
            S::Closing => S::Closing,
            S::Other(s) => S::Other(f(s)),
        }
    }
}

impl<'a> MapBytes<'a> for ss::Endpoint<'a> {
    type Mapped<'b> = ss::Endpoint<'b>;

    fn map_bytes<'b>(&self, f: &mut dyn FnMut(&'a [u8]) -> &'b [u8]) -> Self::Mapped<'b> {
        let ss::Endpoint { host, iface, port, inode } = *self;
        let host = match host {
            ss::Host::Ip(ip) => ss::Host::Ip(ip),
            ss::Host::Any => ss::Host::Any,
            ss::Host::Name(s) => ss::Host::Name(f(s)),
            ss::Host::Path(s) => ss::Host::Path(f(s)),
            ss::Host::Other(s) => ss::Host::Other(f(s)),
        };
        let iface = iface.map_bytes(f);
        let port = port.map(|p| match p {
            ss::Port::Number(n) => ss::Port::Number(n),
            ss::Port::Any => ss::Port::Any,
            ss::Port::Name(s) => ss::Port::Name(f(s)),
        });
        ss::Endpoint { host, iface, port, inode }
    }
}
