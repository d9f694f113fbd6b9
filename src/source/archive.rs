//! Archives of captures: sosreport and insights archives, as tar files or unpacked
//! directories, and which of their members hold the outputs netsift reads.
//!
//! A tar archive is read as it streams, member after member, in archive order: nothing is
//! unpacked to disk, and the archive is never held in memory (compression is undone on the
//! way by [`crate::input::decompressed`]). A member is found by its path, the one the
//! collecting tool writes ([`member_kind`]):
//!
//! | path ends with | format |
//! |---|---|
//! | `sos_commands/networking/netstat_-neopa`, `netstat_-W_-neopa`, `netstat_-T_-neopa` | netstat |
//! | `sos_commands/networking/netstat_-agn`, `netstat_-W_-agn`, `netstat_-T_-agn` | netstat-agn |
//! | `sos_commands/networking/netstat_-s`, `netstat_-i` | netstat-s, netstat-i |
//! | `sos_commands/networking/ss_-peaonmi`, `ss_-tupna` | ss |
//! | `sos_commands/networking/ss_-tulpn` | ss-tulpn |
//! | `insights_commands/` + the same names (also written with the command's path, `bin.netstat_-neopa`) | as above |
//! | `proc/net/netstat`, `proc/net/snmp` | proc-netstat |
//! | `proc/net/tcp`, `tcp6`, `udp`, `udp6`, `udplite`, `udplite6`, `raw`, `raw6` | proc-net-tcp … (the protocol from the name) |
//! | `proc/net/unix` | proc-net-unix |
//!
//! Any other file directly under `sos_commands/networking/` or `insights_commands/` is
//! [`MemberKind::Sniff`]: its first [`SNIFF_BYTES`] are asked whether a known table starts
//! there ([`sniff`]). Files anywhere else (`etc/hostname`, logs…) are skipped unread.

use std::fs::File;
use std::io::{self, Read};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use crate::{Format, PushParser};

/// How many bytes of an unknown member under a networking tree are looked at to decide
/// whether it holds a known table: a command's title or header is on its first lines.
pub const SNIFF_BYTES: usize = 4096;

/// What a member's path says about its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberKind {
    /// The output of a command netsift reads, in this format.
    Known(Format),
    /// Some other output of the networking commands: read when [`sniff`] finds a table
    /// in its first bytes.
    Sniff,
}

/// The command outputs netsift reads, by the file name sosreport and insights give them.
const COMMANDS: &[(&str, Format)] = &[
    ("netstat_-neopa", Format::Netstat),
    ("netstat_-W_-neopa", Format::Netstat),
    ("netstat_-T_-neopa", Format::Netstat),
    ("netstat_-agn", Format::NetstatAgn),
    ("netstat_-W_-agn", Format::NetstatAgn),
    ("netstat_-T_-agn", Format::NetstatAgn),
    ("netstat_-s", Format::NetstatS),
    ("netstat_-i", Format::NetstatI),
    ("ss_-peaonmi", Format::Ss),
    ("ss_-tupna", Format::Ss),
    ("ss_-tulpn", Format::SsTulpn),
];

/// The kernel counter files, by their path under `/proc`.
const PROC_FILES: &[[&str; 3]] = &[["proc", "net", "netstat"], ["proc", "net", "snmp"]];

/// What a member's path says: a known output, one to sniff, or `None` (skip it). The path
/// is matched by its end, so an archive's top directory (`sosreport-host-2024-01-01-abc/`)
/// does not matter.
///
/// ```
/// use netsift::archive::{member_kind, MemberKind};
/// use netsift::Format;
/// let sos = "sosreport-web1-2024-01-01-abcdef/sos_commands/networking/netstat_-W_-neopa";
/// assert_eq!(member_kind(sos), Some(MemberKind::Known(Format::Netstat)));
/// assert_eq!(member_kind("insights-web1/insights_commands/bin.netstat_-s"), Some(MemberKind::Known(Format::NetstatS)));
/// assert_eq!(member_kind("x/proc/net/snmp"), Some(MemberKind::Known(Format::ProcNetstat)));
/// assert_eq!(member_kind("x/proc/net/unix"), Some(MemberKind::Known(Format::ProcNetUnix)));
/// assert_eq!(member_kind("x/sos_commands/networking/ip_-o_addr"), Some(MemberKind::Sniff));
/// assert_eq!(member_kind("x/etc/hostname"), None);
/// ```
pub fn member_kind(path: &str) -> Option<MemberKind> {
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty() && *p != ".").collect();
    if PROC_FILES.iter().any(|f| parts.ends_with(f)) {
        return Some(MemberKind::Known(Format::ProcNetstat));
    }
    // The kernel's socket tables, which sosreport copies with the rest of /proc/net/.
    if let [.., "proc", "net", name] = parts[..] {
        if let Some(format) = Format::kernel_table(name) {
            return Some(MemberKind::Known(format));
        }
    }
    let (name, dirs) = parts.split_last()?;
    let networking = dirs.ends_with(&["sos_commands", "networking"]) || dirs.last() == Some(&"insights_commands");
    if !networking {
        return None;
    }
    Some(command_format(name).map_or(MemberKind::Sniff, MemberKind::Known))
}

/// The format of a command output's file name: the name itself, or the name after the
/// command's dotted path (`bin.netstat_-neopa`, `usr.sbin.ss_-tupna`).
fn command_format(name: &str) -> Option<Format> {
    COMMANDS.iter().find_map(|&(command, format)| {
        let dotted = name.strip_suffix(command).is_some_and(|path| path.is_empty() || path.ends_with('.'));
        dotted.then_some(format)
    })
}

/// Does this start of a member hold a table netsift knows? Every format is tried on it as
/// `-f auto` does.
///
/// ```
/// assert!(netsift::archive::sniff(b"Netid State Recv-Q Send-Q Local Address:Port Peer Address:Port\n"));
/// assert!(!netsift::archive::sniff(b"1: lo    inet 127.0.0.1/8 scope host lo\n"));
/// ```
pub fn sniff(prefix: &[u8]) -> bool {
    let mut probe = PushParser::new(Format::Auto);
    let mut ignore = |_: crate::Event<'_>| {};
    probe.feed(prefix, &mut ignore);
    probe.finish(&mut ignore);
    probe.saw_table()
}

/// Is this the first block of a tar archive? POSIX and GNU tar write `ustar` at byte 257
/// of each header block.
///
/// ```
/// let mut block = [0u8; 512];
/// block[257..262].copy_from_slice(b"ustar");
/// assert!(netsift::archive::is_tar(&block));
/// assert!(!netsift::archive::is_tar(b"Active Internet connections"));
/// ```
pub fn is_tar(first_block: &[u8]) -> bool {
    first_block.get(257..262) == Some(&b"ustar"[..])
}

/// One member of an archive, as it is visited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// Its path in the archive (for a directory, the directory's name, then the path in it).
    pub path: String,
    /// Its size in bytes.
    pub size: u64,
    /// What its path says; `None` for a member that is no output netsift reads.
    pub kind: Option<MemberKind>,
}

/// What [`for_each_tar_member`] and [`for_each_dir_member`] call with each member and its
/// bytes; it says whether the walk goes on.
pub type Visit<'v> = dyn FnMut(&Member, &mut dyn Read) -> io::Result<ControlFlow<()>> + 'v;

/// Visit every regular file of a tar stream, in archive order; `visit` reads as much of
/// the member as it wants (what it leaves is skipped) and may stop the walk. Links,
/// directories and devices are not visited.
pub fn for_each_tar_member<R: Read>(reader: R, visit: &mut Visit<'_>) -> io::Result<()> {
    let mut archive = tar::Archive::new(reader);
    for entry in archive.entries()? {
        let mut entry = entry?;
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let path = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let member = Member { kind: member_kind(&path), size: entry.size(), path };
        if visit(&member, &mut entry)?.is_break() {
            break;
        }
    }
    Ok(())
}

/// Visit every regular file under `root` (an unpacked archive), in path order, named as in
/// the archive it was unpacked from: `root`'s own name, then the path under it. Symbolic
/// links are not followed (sosreport links outputs from its top directory).
pub fn for_each_dir_member(root: &Path, visit: &mut Visit<'_>) -> io::Result<()> {
    let top = root.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let mut pending: Vec<(PathBuf, String)> = vec![(root.to_path_buf(), top)];
    // Depth first, in name order: a stack holding each directory's entries reversed.
    while let Some((path, name)) = pending.pop() {
        let meta = std::fs::symlink_metadata(&path)?;
        if meta.is_dir() {
            let mut children = Vec::new();
            for entry in std::fs::read_dir(&path)? {
                let entry = entry?;
                let child = entry.file_name().to_string_lossy().into_owned();
                let child_name = if name.is_empty() { child } else { format!("{name}/{child}") };
                children.push((entry.path(), child_name));
            }
            children.sort_by(|a, b| b.1.cmp(&a.1));
            pending.extend(children);
        } else if meta.is_file() {
            let member = Member { kind: member_kind(&name), size: meta.len(), path: name };
            if visit(&member, &mut UnopenedFile::Closed(path))?.is_break() {
                break;
            }
        }
    }
    Ok(())
}

/// A member file of a directory, opened when it is first read: a member that is skipped
/// is never opened.
enum UnopenedFile {
    Closed(PathBuf),
    Open(File),
}

impl Read for UnopenedFile {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let UnopenedFile::Closed(path) = self {
            *self = UnopenedFile::Open(File::open(path)?);
        }
        match self {
            UnopenedFile::Open(file) => file.read(buf),
            UnopenedFile::Closed(_) => Ok(0),
        }
    }
}

/// Read up to `n` bytes from the start of `reader` (fewer only at its end), and give them
/// back with a reader that yields them again before the rest: a look at a stream's first
/// bytes that does not need to seek.
pub fn peek<'r, R: Read + 'r>(mut reader: R, n: usize) -> io::Result<(Vec<u8>, impl Read + 'r)> {
    let mut prefix = Vec::with_capacity(n);
    (&mut reader).take(n as u64).read_to_end(&mut prefix)?;
    let replay = io::Cursor::new(prefix.clone());
    Ok((prefix, replay.chain(reader)))
}
