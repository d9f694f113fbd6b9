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
//! | `sos_commands/networking/nstat_-zas` (and `nstat_-a`, `-az`, `-asz`, `-z`) | nstat |
//! | `proc/net/snmp6` | proc-snmp6 |
//! | `proc/net/sockstat`, `proc/net/sockstat6` | sockstat |
//! | `proc/net/dev` | proc-net-dev |
//! | `proc/net/tcp`, `tcp6`, `udp`, `udp6`, `udplite`, `udplite6`, `raw`, `raw6` | proc-net-tcp … (the protocol from the name) |
//! | `proc/net/unix` | proc-net-unix |
//!
//! `proc/<pid>/net/…`, `proc/self/net/…` and `proc/thread-self/net/…` are the same files as
//! `proc/net/…` ([`proc_net_path`]): a sosreport of a container host may keep them only at
//! `proc/3255/net/netstat`, with `proc/self` and `proc/net` as symbolic links.
//!
//! Links (symbolic links of a directory, symbolic and hard link entries of a tar) are never
//! visited as members, so each file is read once, under its own name. [`Links`] records
//! them, so that a path written through them (`proc/net/netstat`) can be resolved to the
//! file it names, as long as the path stays inside the archive.
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
    // Issue 13, counters: sosreport runs `nstat -zas`; the others are the usual spellings.
    ("nstat_-zas", Format::Nstat),
    ("nstat_-asz", Format::Nstat),
    ("nstat_-az", Format::Nstat),
    ("nstat_-a", Format::Nstat),
    ("nstat_-z", Format::Nstat),
];

/// The kernel counter files, by their path under `/proc`.
const PROC_FILES: &[[&str; 3]] = &[["proc", "net", "netstat"], ["proc", "net", "snmp"]];

/// More kernel files under `/proc/net` (issue 13, counters), with their format.
const PROC_NET_COUNTER_FILES: &[(&str, Format)] = &[
    ("snmp6", Format::ProcSnmp6),
    ("sockstat", Format::Sockstat),
    ("sockstat6", Format::Sockstat),
    ("dev", Format::ProcNetDev),
];

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
/// assert_eq!(member_kind("x/proc/net/snmp6"), Some(MemberKind::Known(Format::ProcSnmp6)));
/// assert_eq!(member_kind("x/sos_commands/networking/nstat_-zas"), Some(MemberKind::Known(Format::Nstat)));
/// assert_eq!(member_kind("x/proc/3255/net/snmp"), Some(MemberKind::Known(Format::ProcNetstat)));
/// assert_eq!(member_kind("x/proc/self/net/netstat"), Some(MemberKind::Known(Format::ProcNetstat)));
/// assert_eq!(member_kind("x/proc/net/unix"), Some(MemberKind::Known(Format::ProcNetUnix)));
/// assert_eq!(member_kind("x/sos_commands/networking/ip_-o_addr"), Some(MemberKind::Sniff));
/// assert_eq!(member_kind("x/etc/hostname"), None);
/// ```
pub fn member_kind(path: &str) -> Option<MemberKind> {
    let parts = proc_net_parts(path.split('/').filter(|p| !p.is_empty() && *p != ".").collect());
    if PROC_FILES.iter().any(|f| parts.ends_with(f)) {
        return Some(MemberKind::Known(Format::ProcNetstat));
    }
    // The counter files, and the kernel's socket tables (which sosreport copies with the
    // rest of /proc/net/).
    if let [.., "proc", "net", name] = parts[..] {
        let counter = PROC_NET_COUNTER_FILES.iter().find(|(file, _)| *file == name).map(|&(_, f)| f);
        if let Some(format) = counter.or_else(|| Format::kernel_table(name)) {
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

/// The path of a /proc file as `proc/net/…` when it is written through a process's view
/// of it: `proc/<pid>/net/X`, `proc/self/net/X` and `proc/thread-self/net/X` are
/// `proc/net/X` (the kernel makes `/proc/net` a link to `self/net`). Other paths are
/// returned as they are. Member tables are looked up with this path, so every `proc/net`
/// entry works through it.
///
/// ```
/// use netsift::archive::proc_net_path;
/// assert_eq!(proc_net_path("sos/proc/3255/net/netstat"), "sos/proc/net/netstat");
/// assert_eq!(proc_net_path("proc/self/net/snmp"), "proc/net/snmp");
/// assert_eq!(proc_net_path("proc/3255/status"), "proc/3255/status");
/// assert_eq!(proc_net_path("proc/net/tcp"), "proc/net/tcp");
/// ```
pub fn proc_net_path(path: &str) -> String {
    proc_net_parts(path.split('/').collect()).join("/")
}

/// [`proc_net_path`] on a path's components: drops the `<pid>`/`self`/`thread-self` of
/// the last `proc/<that>/net`.
fn proc_net_parts(mut parts: Vec<&str>) -> Vec<&str> {
    let process =
        |p: &str| p == "self" || p == "thread-self" || (!p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    let at = parts.windows(3).rposition(|w| w[0] == "proc" && process(w[1]) && w[2] == "net");
    if let Some(i) = at {
        parts.remove(i + 1);
    }
    parts
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
    walk_tar(reader, &mut Links::default(), visit)
}

/// [`for_each_tar_member`], recording in `links` the symbolic and hard link entries met
/// on the way (those before the walk stopped).
pub fn walk_tar<R: Read>(reader: R, links: &mut Links, visit: &mut Visit<'_>) -> io::Result<()> {
    let mut archive = tar::Archive::new(reader);
    for entry in archive.entries()? {
        let mut entry = entry?;
        let kind = entry.header().entry_type();
        if kind.is_symlink() || kind.is_hard_link() {
            let path = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
            if let Some(target) = entry.link_name_bytes() {
                let target = String::from_utf8_lossy(&target).into_owned();
                if kind.is_symlink() {
                    links.add_symbolic(&path, &target);
                } else {
                    links.add_hard(&path, &target);
                }
            }
            continue;
        }
        if !kind.is_file() {
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
/// links are not followed (sosreport links outputs from its top directory), and a file
/// with several hard links is visited once, under its first name.
pub fn for_each_dir_member(root: &Path, visit: &mut Visit<'_>) -> io::Result<()> {
    walk_dir(root, &mut Links::default(), visit)
}

/// [`for_each_dir_member`], recording in `links` the symbolic links met on the way, and
/// each further name of a hard-linked file as a hard link to its first name.
pub fn walk_dir(root: &Path, links: &mut Links, visit: &mut Visit<'_>) -> io::Result<()> {
    let top = root.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let mut pending: Vec<(PathBuf, String)> = vec![(root.to_path_buf(), top)];
    let mut first_names = FirstNames::default();
    // Depth first, in name order: a stack holding each directory's entries reversed.
    let mut is_root = true;
    while let Some((path, name)) = pending.pop() {
        // The root is followed if it is a link; nothing under it is.
        let meta =
            if std::mem::take(&mut is_root) { std::fs::metadata(&path)? } else { std::fs::symlink_metadata(&path)? };
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
        } else if meta.file_type().is_symlink() {
            let target = std::fs::read_link(&path)?;
            links.add_symbolic(&name, &target.to_string_lossy());
        } else if meta.is_file() {
            if let Some(first) = first_names.seen(&meta, &name) {
                links.add_hard(&name, first);
                continue;
            }
            let member = Member { kind: member_kind(&name), size: meta.len(), path: name };
            if visit(&member, &mut UnopenedFile::Closed(path))?.is_break() {
                break;
            }
        }
    }
    Ok(())
}

/// The first name of each file with several hard links, by its device and inode.
#[derive(Default)]
struct FirstNames(std::collections::HashMap<(u64, u64), String>);

impl FirstNames {
    /// The first name of the file `meta` describes when `name` is a later one; else `None`
    /// (and `name` is remembered if the file has other names).
    #[cfg(unix)]
    fn seen(&mut self, meta: &std::fs::Metadata, name: &str) -> Option<&str> {
        use std::os::unix::fs::MetadataExt;
        if meta.nlink() < 2 {
            return None;
        }
        match self.0.entry((meta.dev(), meta.ino())) {
            std::collections::hash_map::Entry::Occupied(first) => Some(first.into_mut().as_str()),
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(name.to_string());
                None
            }
        }
    }

    /// Hard links are not told apart off Unix: every name is visited.
    #[cfg(not(unix))]
    fn seen(&mut self, _meta: &std::fs::Metadata, _name: &str) -> Option<&str> {
        None
    }
}

/// How many links a path may go through before it is taken for a loop (Linux's limit).
const MAX_LINKS: usize = 40;

/// The links of an archive, by their path: symbolic links (their target is relative to
/// the link's directory) and hard links (their target is another path of the archive).
/// [`Links::resolve`] follows them inside the archive only.
#[derive(Debug, Clone, Default)]
pub struct Links {
    map: std::collections::HashMap<String, Link>,
}

#[derive(Debug, Clone)]
enum Link {
    Symbolic(String),
    Hard(String),
}

impl Links {
    /// Record the symbolic link `path` → `target`.
    pub fn add_symbolic(&mut self, path: &str, target: &str) {
        self.map.insert(clean(path), Link::Symbolic(target.to_string()));
    }

    /// Record the hard link `path` → `target` (a path of the archive).
    pub fn add_hard(&mut self, path: &str, target: &str) {
        self.map.insert(clean(path), Link::Hard(clean(target)));
    }

    /// Whether no link was recorded.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// The path `path` names once every link on it is followed; `None` when it leaves the
    /// archive (an absolute target, a `..` above its root) or goes through more than 40
    /// links (a loop).
    ///
    /// ```
    /// use netsift::archive::Links;
    /// let mut links = Links::default();
    /// links.add_symbolic("sos/proc/self", "3255");
    /// links.add_symbolic("sos/proc/net", "self/net");
    /// assert_eq!(links.resolve("sos/proc/net/netstat").as_deref(), Some("sos/proc/3255/net/netstat"));
    /// links.add_symbolic("sos/etc/passwd", "/etc/passwd");
    /// assert_eq!(links.resolve("sos/etc/passwd"), None);
    /// links.add_symbolic("sos/a", "b");
    /// links.add_symbolic("sos/b", "a");
    /// assert_eq!(links.resolve("sos/a/x"), None);
    /// ```
    pub fn resolve(&self, path: &str) -> Option<String> {
        // Components still to walk, the next one last; the resolved ones so far.
        let mut pending: Vec<String> = path.split('/').rev().map(str::to_string).collect();
        let mut done: Vec<String> = Vec::new();
        let mut followed = 0;
        while let Some(part) = pending.pop() {
            match part.as_str() {
                "" | "." => continue,
                ".." => {
                    done.pop()?;
                    continue;
                }
                _ => done.push(part),
            }
            let Some(link) = self.map.get(&done.join("/")) else { continue };
            followed += 1;
            if followed > MAX_LINKS {
                return None;
            }
            match link {
                Link::Symbolic(target) => {
                    if target.starts_with('/') {
                        return None;
                    }
                    done.pop();
                    pending.extend(target.split('/').rev().map(str::to_string));
                }
                Link::Hard(target) => done = target.split('/').map(str::to_string).collect(),
            }
        }
        Some(done.join("/"))
    }
}

/// A path without `.` components, empty ones, or a trailing `/`.
fn clean(path: &str) -> String {
    path.split('/').filter(|p| !p.is_empty() && *p != ".").collect::<Vec<_>>().join("/")
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

/// How a member is read: its format (from its path, or `auto` for a sniffed one) and its
/// bytes; `None` to skip it (not an output we read, not of the format asked for, or a
/// sniffed member with no table in its first bytes). `scan`, `report` and the Python
/// package choose members alike through it.
pub fn member_reader<'r>(
    requested: Format,
    member: &Member,
    reader: &'r mut dyn Read,
) -> io::Result<Option<(Format, Box<dyn Read + 'r>)>> {
    match member.kind {
        None => Ok(None),
        Some(MemberKind::Known(format)) => {
            let wanted = requested == Format::Auto
                || requested == format
                || (requested == Format::SsTulpn && format == Format::Ss);
            Ok(wanted.then(|| (if requested == Format::Auto { format } else { requested }, Box::new(reader) as _)))
        }
        Some(MemberKind::Sniff) if requested == Format::Auto => {
            let (prefix, reader) = peek(reader, SNIFF_BYTES)?;
            Ok(sniff(&prefix).then(|| (Format::Auto, Box::new(reader) as _)))
        }
        Some(MemberKind::Sniff) => Ok(None),
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
