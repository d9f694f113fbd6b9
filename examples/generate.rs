//! Generate large, realistic inputs for benchmarks, deterministically from a seed.
//!
//! ```sh
//! cargo run --release --example generate -- netstat 100 > /tmp/netstat-100m.txt
//! cargo run --release --example generate -- ss 100 --seed 7 --captures 50 > /tmp/ss.txt
//! ```
//!
//! Formats: `netstat` (`netstat -neopa` as net-tools 2.10 prints it: its column widths,
//! rows that overflow them, IPv6 and v4-mapped addresses, program names with blanks),
//! `ss` (`ss -tupna` of iproute2 6.x: widths computed per table from the data, lines
//! padded to the widest Process cell), `netstat-s` (every section of a real capture, with
//! values drawn anew), `proc-netstat` (`/proc/net/netstat` and `/proc/net/snmp` pairs of
//! real length), `proc-net-tcp` (`/proc/net/tcp` of kernel 6.x: the 149-byte padded rows,
//! listeners, established, TIME_WAIT rows cut after the pointer; also `proc-net-tcp6`).
//! And the counter files of issue 13 from real captures with values drawn anew: `nstat`
//! (`nstat -zas`), `proc-snmp6`, `sockstat` (sockstat then sockstat6), `proc-net-dev`. SIZE is in megabytes; `--captures N` splits the output into N captures
//! (periodic logs), one big capture by default. Only values are drawn anew: the digits of
//! a name (`Icmp6`, `TCPMD5Unexpected`, `InType3`) stay, so the names lines of a periodic
//! log repeat as a real one's do.

use std::io::{self, BufWriter, Write};

/// xorshift64*: deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// Mostly small numbers, sometimes wide ones that overflow their column.
    fn queue(&mut self) -> u64 {
        match self.below(100) {
            0..=79 => 0,
            80..=97 => self.below(100_000),
            _ => self.below(100_000_000),
        }
    }
}

const PROGRAMS: &[&str] = &[
    "sshd",
    "nginx: worker process",
    "python3",
    "java",
    "zoo worker: accepting",
    "systemd-resolve",
    "chronyd",
    "postgres: checkpointer",
    "dockerd",
    "Web Content",
    "a-really-quite-long-daemon-name",
];

fn ipv4(rng: &mut Rng) -> String {
    format!("{}.{}.{}.{}", 10 + rng.below(200), rng.below(256), rng.below(256), 1 + rng.below(254))
}

fn ipv6(rng: &mut Rng) -> String {
    match rng.below(4) {
        0 => format!("::ffff:{}", ipv4(rng)),
        1 => "::1".to_string(),
        _ => format!("fd00::{:x}:{:x}", rng.below(0xffff), rng.below(0xffff)),
    }
}

/// One `netstat -neopa` internet row, as net-tools 2.10 prints it.
fn netstat_row(rng: &mut Rng, out: &mut String) {
    let (proto, v6) = *rng.pick(&[("tcp", false), ("tcp6", true), ("udp", false), ("udp6", true), ("tcp", false)]);
    let addr = |rng: &mut Rng| if v6 { ipv6(rng) } else { ipv4(rng) };
    let local = format!("{}:{}", addr(rng), rng.below(65536));
    let foreign = if rng.below(3) == 0 {
        format!("{}:*", if v6 { "::" } else { "0.0.0.0" })
    } else {
        format!("{}:{}", addr(rng), rng.below(65536))
    };
    let state = if proto.starts_with("udp") {
        ""
    } else {
        *rng.pick(&["ESTABLISHED", "LISTEN", "TIME_WAIT", "CLOSE_WAIT", "SYN_SENT", "FIN_WAIT2"])
    };
    let owner = if rng.below(5) == 0 {
        "-".to_string()
    } else {
        let name = rng.pick(PROGRAMS);
        let mut o = format!("{}/{}", 1 + rng.below(4_000_000), name);
        o.truncate(19);
        o.trim_end().to_string()
    };
    let timer = match rng.below(4) {
        0 => format!("keepalive ({}.{:02}/0/0)", rng.below(7200), rng.below(100)),
        1 => format!("on ({}.{:02}/{}/0)", rng.below(3), rng.below(100), rng.below(5)),
        _ => "off (0.00/0/0)".to_string(),
    };
    let head = if proto.len() <= 4 { format!("{proto:<4}  ") } else { format!("{proto:<5} ") };
    out.push_str(&format!(
        "{head}{:>6} {:>6} {local:<23} {foreign:<23} {state:<11} {:<10} {:<10} {owner:<20} {timer}\n",
        rng.queue(),
        rng.queue(),
        rng.below(2000),
        rng.below(10_000_000_000)
    ));
}

fn netstat_capture(rng: &mut Rng, bytes: usize, out: &mut String) {
    out.push_str("Active Internet connections (servers and established)\n");
    out.push_str("Proto Recv-Q Send-Q Local Address           Foreign Address         State       User       Inode      PID/Program name     Timer\n");
    let start = out.len();
    while out.len() - start < bytes * 4 / 5 {
        netstat_row(rng, out);
    }
    out.push_str("Active UNIX domain sockets (servers and established)\n");
    out.push_str("Proto RefCnt Flags       Type       State         I-Node   PID/Program name     Path\n");
    while out.len() - start < bytes {
        let (flags, state) = *rng.pick(&[("[ ACC ]", "LISTENING"), ("[ ]", "CONNECTED"), ("[ ]", "")]);
        let ty = *rng.pick(&["STREAM", "DGRAM", "SEQPACKET"]);
        let path = match rng.below(3) {
            0 => String::new(),
            1 => format!("/run/app-{}/sock", rng.below(1000)),
            _ => format!("@abstract-{}", rng.below(1000)),
        };
        let owner = format!("{}/{}", rng.below(100_000), rng.pick(PROGRAMS));
        let owner: String = owner.chars().take(19).collect();
        out.push_str(&format!(
            "unix  {:<6} {flags:<11} {ty:<10} {state:<13} {:<8} {:<20} {path}\n",
            1 + rng.below(3),
            rng.below(10_000_000),
            owner.trim_end()
        ));
    }
}

fn ss_capture(rng: &mut Rng, bytes: usize, out: &mut String) {
    // ss computes every column's width from the rows of the table, then pads every line.
    let mut rows: Vec<[String; 7]> = Vec::new();
    let mut size = 0;
    while size < bytes {
        let tcp = rng.below(4) != 0;
        let v6 = rng.below(3) == 0;
        let addr = |rng: &mut Rng| if v6 { format!("[{}]", ipv6(rng)) } else { ipv4(rng) };
        let state = if tcp { *rng.pick(&["ESTAB", "LISTEN", "TIME-WAIT", "CLOSE-WAIT"]) } else { "UNCONN" };
        let mut users = String::new();
        if rng.below(4) != 0 {
            users.push_str("users:(");
            for k in 0..=rng.below(2) {
                if k > 0 {
                    users.push(',');
                }
                users.push_str(&format!(
                    "(\"{}\",pid={},fd={})",
                    rng.pick(PROGRAMS),
                    rng.below(4_000_000),
                    rng.below(100)
                ));
            }
            users.push(')');
        }
        let row = [
            if tcp { "tcp" } else { "udp" }.to_string(),
            state.to_string(),
            rng.queue().to_string(),
            rng.queue().to_string(),
            format!("{}:{}", addr(rng), rng.below(65536)),
            format!("{}:{}", addr(rng), rng.below(65536)),
            users,
        ];
        size += row.iter().map(|c| c.len() + 2).sum::<usize>();
        rows.push(row);
    }
    let header = ["Netid", "State", "Recv-Q", "Send-Q", "Local Address:Port", "Peer Address:Port", "Process"];
    let mut w = [0usize; 7];
    for r in rows.iter().map(|r| r.each_ref().map(|c| c.len())).chain([header.map(str::len)]) {
        for (w, l) in w.iter_mut().zip(r) {
            *w = (*w).max(l);
        }
    }
    let line = |c: [&str; 7]| {
        format!(
            "{:<w0$} {:<w1$} {:<w2$} {:<w3$} {:>w4$} {:<w5$} {:<w6$}\n",
            c[0],
            c[1],
            c[2],
            c[3],
            c[4],
            c[5],
            c[6],
            w0 = w[0],
            w1 = w[1],
            w2 = w[2],
            w3 = w[3],
            w4 = w[4],
            w5 = w[5],
            w6 = w[6]
        )
    };
    out.push_str(&line(header));
    for r in &rows {
        out.push_str(&line(r.each_ref().map(String::as_str)));
    }
}

/// Replace every number of a real capture that stands alone (after a blank, a `:` or
/// at the start of a line: not the `6` of `Ip6` or the `0` of `eth0`) with a fresh one.
fn renumber_values(rng: &mut Rng, template: &str, out: &mut String) {
    let mut prev = '\n';
    let mut in_number = false;
    for ch in template.chars() {
        if ch.is_ascii_digit() && (in_number || matches!(prev, ' ' | '\t' | ':' | '\n' | '.')) {
            if !in_number {
                if prev == '.' {
                    // The one decimal of nstat's `%6.1f` rate.
                    out.push_str(&rng.below(10).to_string());
                } else {
                    let bits = rng.below(40) + 1;
                    out.push_str(&rng.below(1 << bits).to_string());
                }
            }
            in_number = true;
        } else {
            in_number = false;
            out.push(ch);
        }
        prev = ch;
    }
}

// Issue 13, counters: real captures as templates.
const NSTAT: &str = include_str!("../tests/fixtures/captured/deb12_zoo_nstat-zas.txt");
const SNMP6: &str = include_str!("../tests/fixtures/captured/deb12_zoo_proc-net-snmp6.txt");
const SOCKSTAT: [&str; 2] = [
    include_str!("../tests/fixtures/captured/deb12_zoo_proc-net-sockstat.txt"),
    include_str!("../tests/fixtures/captured/deb12_zoo_proc-net-sockstat6.txt"),
];
const PROC_NET_DEV: &str = include_str!("../tests/fixtures/corpus/procfs/procfs_proc_net_dev");

const NETSTAT_S: &str = include_str!("../tests/fixtures/corpus/real/r1_netstat-s.txt");
const PROC: [&str; 2] = [
    include_str!("../tests/fixtures/corpus/real/r1_proc-net-netstat.txt"),
    include_str!("../tests/fixtures/corpus/real/r1_proc-net-snmp.txt"),
];

/// A `/proc/net/tcp` (or tcp6) table as kernel 6.x prints it, about `bytes` long.
fn proc_net_tcp(rng: &mut Rng, bytes: usize, v6: bool, out: &mut String) {
    use std::fmt::Write;
    let start = out.len();
    if v6 {
        out.push_str("  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n");
    } else {
        out.push_str(&format!(
            "{:<149}\n",
            "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode"
        ));
    }
    let mut slot = 0;
    let addr = |rng: &mut Rng| -> String {
        if v6 {
            match rng.below(3) {
                0 => format!("0000000000000000FFFF0000{:08X}", rng.next() as u32),
                _ => format!("{:08X}{:08X}{:08X}{:08X}", 0xfd, 0, rng.next() as u32, rng.next() as u32),
            }
        } else {
            format!("{:08X}", rng.next() as u32)
        }
    };
    while out.len() - start < bytes {
        let mut row = String::with_capacity(160);
        let (state, listening) = match rng.below(10) {
            0..=1 => (0x0A, true),
            2..=6 => (0x01, false),
            7..=8 => (0x06, false),
            _ => (0x08, false),
        };
        let local = addr(rng);
        let remote = if listening { "0".repeat(local.len()) } else { addr(rng) };
        let remote_port = if listening { 0 } else { rng.below(65536) };
        let _ = write!(row, "{slot:4}: {local}:{:04X} {remote}:{remote_port:04X} {state:02X} ", rng.below(65536));
        if state == 0x06 {
            let _ = write!(
                row,
                "00000000:00000000 03:{:08X} 00000000     0        0 0 3 {:016x}",
                rng.below(6000),
                rng.next()
            );
        } else {
            let (tr, when) = match rng.below(4) {
                0 => (2, rng.below(720_000)),
                1 => (1, rng.below(300)),
                _ => (0, 0),
            };
            let _ = write!(
                row,
                "{:08X}:{:08X} {tr:02X}:{when:08X} {:08X} {:5} {:8} {} 1 {:016x} {} {} {} {} {}",
                rng.queue(),
                rng.queue(),
                rng.below(3),
                rng.below(2000),
                0,
                rng.below(10_000_000),
                rng.next(),
                20 + rng.below(200),
                rng.below(40),
                rng.below(4),
                10 + rng.below(100),
                if rng.below(2) == 0 { -1 } else { rng.below(1000) as i64 },
            );
        }
        if v6 {
            out.push_str(&row);
            out.push('\n');
        } else {
            let _ = writeln!(out, "{row:<149}");
        }
        slot += 1;
    }
}

fn main() -> io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage =
        "usage: generate FORMAT SIZE_MB [--seed N] [--captures N]  (FORMAT: netstat, ss, netstat-s, proc-netstat, nstat, proc-snmp6, sockstat, proc-net-dev, proc-net-tcp, proc-net-tcp6)";
    let (Some(format), Some(size)) = (args.first(), args.get(1).and_then(|s| s.parse::<usize>().ok())) else {
        eprintln!("{usage}");
        std::process::exit(2);
    };
    let flag = |name: &str| {
        args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).and_then(|v| v.parse::<u64>().ok())
    };
    let mut rng = Rng(flag("--seed").unwrap_or(1).max(1));
    let total = size << 20;
    let captures = flag("--captures").unwrap_or(1).max(1) as usize;
    let per_capture = total / captures;
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut written = 0;
    let mut text = String::new();
    while written < total {
        text.clear();
        match format.as_str() {
            "netstat" => netstat_capture(&mut rng, per_capture.min(total - written), &mut text),
            "ss" => ss_capture(&mut rng, per_capture.min(total - written), &mut text),
            "netstat-s" => renumber_values(&mut rng, NETSTAT_S, &mut text),
            "proc-netstat" => {
                for p in PROC {
                    renumber_values(&mut rng, p, &mut text);
                }
            }
            "proc-net-tcp" => proc_net_tcp(&mut rng, per_capture.min(total - written), false, &mut text),
            "proc-net-tcp6" => proc_net_tcp(&mut rng, per_capture.min(total - written), true, &mut text),
            "nstat" => renumber_values(&mut rng, NSTAT, &mut text),
            "proc-snmp6" => renumber_values(&mut rng, SNMP6, &mut text),
            "sockstat" => {
                for p in SOCKSTAT {
                    renumber_values(&mut rng, p, &mut text);
                }
            }
            "proc-net-dev" => renumber_values(&mut rng, PROC_NET_DEV, &mut text),
            _ => {
                eprintln!("{usage}");
                std::process::exit(2);
            }
        }
        out.write_all(text.as_bytes())?;
        written += text.len();
    }
    out.flush()
}
