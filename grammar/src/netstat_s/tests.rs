//! Tests of the `netstat -s` line grammar, on lines copied from real captures.

use super::*;

fn counter_of(line: &str) -> Counter<'_> {
    match classify(line.as_bytes()) {
        Ok(StatLine::Counter(c)) => c,
        other => panic!("{line:?}: {other:?}"),
    }
}

fn in_section(section: &'static str) -> Context<'static> {
    Context { section: Some(section.as_bytes()), histogram: None }
}

fn known(section: &'static str, name: &'static str) -> Mapping<'static> {
    Mapping::Known { section, name }
}

#[test]
fn section_titles() {
    for title in ["Ip:", "Icmp:", "IcmpMsg:", "Tcp:", "Udp:", "UdpLite:", "TcpExt:", "IpExt:", "MPTcpExt:"] {
        match classify(title.as_bytes()).unwrap() {
            StatLine::Section(s) => {
                assert_eq!(s.name, title.trim_end_matches(':').as_bytes());
                assert!(s.known);
            }
            other => panic!("{title}: {other:?}"),
        }
    }
    // A translated or new title is still a title.
    assert!(matches!(classify(b"NewStuff:").unwrap(), StatLine::Section(s) if !s.known));
    assert!(matches!(classify("Tcp-Statistik:".as_bytes()).unwrap(), StatLine::Section(_)));
    assert!(matches!(classify(b"Ip:   ").unwrap(), StatLine::Section(s) if s.name == b"Ip"));
    assert_eq!(classify(b"").unwrap(), StatLine::Blank);
    assert_eq!(classify(b"  \t ").unwrap(), StatLine::Blank);
}

#[test]
fn histogram_titles_in_every_language() {
    for (line, dir) in [
        ("    ICMP input histogram:", Direction::Input),
        ("    ICMP output histogram:", Direction::Output),
        ("ICMP output histogram:", Direction::Output),
        ("    ICMP-Eingabehistogramm:", Direction::Input),
        ("    ICMP-Ausgabehistogramm:", Direction::Output),
        ("    Histogramme d'entrée ICMP", Direction::Input),
        ("    Histogramme de sortie ICMP", Direction::Output),
        ("    ICMP入力ヒストグラム:", Direction::Input),
        ("    Histograma de saída ICMP", Direction::Output),
        ("    ICMP input histogram: ", Direction::Input),
    ] {
        match classify(line.as_bytes()).unwrap() {
            StatLine::Histogram(h) => assert_eq!(h.direction, Some(dir), "{line}"),
            other => panic!("{line}: {other:?}"),
        }
    }
    let h = classify(b"        Some other histogram:").unwrap();
    assert_eq!(h, StatLine::Histogram(Histogram { text: b"Some other histogram:", direction: None, lang: None }));
}

#[test]
fn sentences_with_the_value_first_in_the_middle_and_after_a_colon() {
    let c = counter_of("    236 active connection openings");
    assert_eq!((c.value, c.form, c.indent()), (236, CounterForm::Sentence, 4));
    assert_eq!(c.text(), b"236 active connection openings");
    assert_eq!(c.number_text(), b"236");
    assert_eq!(c.mapping(in_section("Tcp")), known("Tcp", "ActiveOpens"));
    assert_eq!(c.lang(), Some(Lang::C));
    assert!(c.templates().next().unwrap().versions.contains(Versions::V2_10));

    let c = counter_of("    Quick ack mode was activated 4 times");
    assert_eq!(c.value, 4);
    assert_eq!((c.before(), c.after()), (&b"Quick ack mode was activated "[..], &b" times"[..]));
    assert_eq!(c.mapping(in_section("TcpExt")), known("TcpExt", "DelayedACKLost"));

    let c = counter_of("        destination unreachable: 1");
    let input = Context { section: Some(b"Icmp"), histogram: Some(Direction::Input) };
    assert_eq!(c.mapping(input), known("Icmp", "InDestUnreachs"));
    assert_eq!(c.form, CounterForm::Sentence);

    // RHEL 7 (2013 snapshot) wording, from insights-core's fixture.
    for (line, section, name) in [
        ("    1648 active connections openings", "Tcp", "ActiveOpens"),
        ("    2890303 segments send out", "Tcp", "OutSegs"),
        ("    428 segments retransmited", "Tcp", "RetransSegs"),
        ("    0 bad segments received.", "Tcp", "InErrs"),
        ("    0 input ICMP message failed.", "Icmp", "InErrors"),
        ("    107 packets to unknown port received.", "Udp", "NoPorts"),
        ("    4 fragments received ok", "Ip", "FragOKs"),
        ("    999263 packets directly queued to recvmsg prequeue.", "TcpExt", "TCPPrequeued"),
        ("    8266 bytes directly in process context from backlog", "TcpExt", "TCPDirectCopyFromBacklog"),
        ("    339500 packets header predicted and directly queued to user", "TcpExt", "TCPHPHitsToUser"),
        ("    1 times recovered from packet loss by selective acknowledgements", "TcpExt", "TCPSackRecovery"),
        ("    1 congestion windows recovered without slow start after partial ack", "TcpExt", "TCPLossUndo"),
        ("    54 other TCP timeouts", "TcpExt", "TCPTimeouts"),
        ("    53 connections aborted due to timeout", "TcpExt", "TCPAbortOnTimeout"),
    ] {
        assert_eq!(counter_of(line).mapping(in_section(section)), known(section, name), "{line}");
    }
    let out = Context { section: Some(b"Icmp"), histogram: Some(Direction::Output) };
    assert_eq!(counter_of("        echo request: 3").mapping(out), known("Icmp", "OutEchos"));
    assert_eq!(counter_of("        echo replies: 4").mapping(out), known("Icmp", "OutEchoReps"));
}

#[test]
fn named_counters_and_leaked_indentation() {
    let c = counter_of("    TCPLossProbes: 22");
    assert_eq!((c.value, c.form), (22, CounterForm::Named));
    assert_eq!(c.name(), Some(&b"TCPLossProbes"[..]));
    assert_eq!(c.mapping(in_section("TcpExt")), Mapping::Named(b"TCPLossProbes"));
    let c = counter_of("        InType3: 1");
    assert_eq!((c.name(), c.value, c.indent()), (Some(&b"InType3"[..]), 1, 8));
    let c = counter_of("    InOctets: 129960374");
    assert_eq!(c.value, 129_960_374);
    let c = counter_of("    Forwarding: 2");
    assert_eq!(c.mapping(in_section("Ip")), Mapping::Named(b"Forwarding"));
    let c = counter_of("\t1 forwarded");
    assert_eq!(c.mapping(in_section("Ip")), known("Ip", "ForwDatagrams"));
}

#[test]
fn negative_and_wide_values() {
    // net-tools 1.60 prints counters of 2^31 and more as negative 32-bit numbers.
    let c = counter_of("    -1294967296 total packets received");
    assert_eq!(c.value, -1_294_967_296);
    assert_eq!(c.mapping(Context::default()), known("Ip", "InReceives"));
    let c = counter_of("    InOctets: -5");
    assert_eq!(c.value, -5);
    let c = counter_of("    18446744073709551615 segments received");
    assert_eq!(c.value, i128::from(u64::MAX));
    let e = classify(b"    18446744073709551616 segments received").unwrap_err();
    assert_eq!(e, LineError::new(4, "a number that fits in 64 bits"));
}

#[test]
fn unknown_sentences_are_counters() {
    let c = counter_of("    7 things nobody prints");
    assert_eq!((c.value, c.is_known()), (7, false));
    assert_eq!(c.mapping(Context::default()), Mapping::Unknown);
    // insights' number-rule quirks: these are counters too.
    assert_eq!(counter_of("    3 3 things").value, 3);
    assert_eq!(counter_of("    x 12 y 12 z.").value, 12);
    assert_eq!(counter_of("    -1 neg").value, -1);
    assert_eq!(counter_of("    2 a 3 b").value, 2);
    assert_eq!(counter_of("    42").value, 42);
    // Digits inside a word are taken only when no number stands alone.
    assert_eq!(counter_of("    ICMPv6 stuff 12").value, 12);
    assert_eq!(counter_of("    ICMPv6stuff").value, 6);
}

#[test]
fn a_line_without_a_number() {
    let e = classify(b"    three hundred and eighty eight packets glanced at").unwrap_err();
    assert_eq!(e, LineError::new(4, "a counter: a sentence with a number, or `Name: value`"));
    assert!(classify(b"    Foo Bar: Baz Qux").is_err());
    assert!(classify(b"    Foo: BAR").is_err());
}

#[test]
fn notices() {
    for (line, kind) in [
        ("error parsing /proc/net/netstat: No such file or directory", NoticeKind::ProcError),
        ("error parsing /proc/net/snmp: Success", NoticeKind::ProcError),
        ("cannot open /proc/net/snmp", NoticeKind::ProcError),
        ("Problem while parsing /proc/net/netstat", NoticeKind::ProcError),
        ("Fehler beim Parsen von /proc/net/snmp: Erfolg", NoticeKind::ProcError),
        ("unknown title MPTcpExt", NoticeKind::Unknown),
        ("/bin/sh: /bin/netstat: No such file or directory", NoticeKind::Shell),
        ("bash: netstat: command not found", NoticeKind::Shell),
        ("Fri Nov 27 04:02:25 UTC 2026", NoticeKind::Timestamp),
        ("netstat: no support for `AF INET (sctp)' on this system.", NoticeKind::Tool),
        ("ERROR: x", NoticeKind::Other),
        ("error x", NoticeKind::Other),
        ("=== run 2 ===", NoticeKind::Other),
    ] {
        match classify(line.as_bytes()).unwrap() {
            StatLine::Notice(n) => {
                assert_eq!(n.kind, kind, "{line}");
                assert_eq!(n.text, line.as_bytes());
            }
            other => panic!("{line}: {other:?}"),
        }
    }
    assert_eq!(NoticeKind::ProcError.name(), "proc_error");
}

#[test]
fn column_zero_counters_only_when_sure() {
    // A capture whose first line lost its indentation still reads.
    assert!(matches!(classify(b"6793 total packets received").unwrap(), StatLine::Counter(_)));
    assert!(matches!(classify(b"InType3: 1").unwrap(), StatLine::Counter(_)));
    assert!(matches!(classify(b"Forwarding is enabled").unwrap(), StatLine::Counter(c) if c.value == 1));
    assert!(matches!(classify(b"12 things").unwrap(), StatLine::Notice(n) if n.kind == NoticeKind::Other));
}

#[test]
fn word_sentences() {
    let c = counter_of("    RTO algorithm is vanj");
    assert_eq!((c.value, c.form), (4, CounterForm::Word(WordSentence::RtoAlgorithm)));
    assert_eq!(c.number_text(), b"vanj");
    assert_eq!(c.mapping(Context::default()), known("Tcp", "RtoAlgorithm"));
    let c = counter_of("    Réacheminement est désactivée");
    assert_eq!((c.value, c.lang()), (2, Some(Lang::Fr)));
    assert_eq!(c.mapping(Context::default()), known("Ip", "Forwarding"));
}

#[test]
fn translated_sentences() {
    // The wording of old net-tools with the German, French, Japanese … catalogues.
    for (line, section, name) in [
        ("    236 Verbindungen aktiv geöffnet", "Tcp", "ActiveOpens"),
        ("    6168 Segmente abgeschickt", "Tcp", "OutSegs"),
        ("    236 ouvertures de connexions actives", "Tcp", "ActiveOpens"),
        ("    97 segments retransmis", "Tcp", "RetransSegs"),
        ("    0 paquets reçus pour un port inconnu", "Udp", "NoPorts"),
        ("    合計6793パケットを受信", "Ip", "InReceives"),
        ("    クイックackモードが4回稼働", "TcpExt", "DelayedACKLost"),
        ("    kokku võeti vastu 6793 paketti", "Ip", "InReceives"),
        ("    Kolikrát TCP zpomalilo kvůli paměti: 3", "TcpExt", "TCPMemoryPressures"),
    ] {
        let c = counter_of(line);
        assert_eq!(c.mapping(in_section(section)), known(section, name), "{line}");
        assert_ne!(c.lang(), Some(Lang::C), "{line}");
    }
    let c = counter_of("        requêtes datées: 2");
    let out = Context { section: Some(b"Icmp"), histogram: Some(Direction::Output) };
    assert_eq!(c.mapping(out), known("Icmp", "OutTimestamps"));
    assert_eq!(c.lang(), Some(Lang::Fr));
}

#[test]
fn never_panics_on_odd_bytes() {
    for line in [
        &b"\xff\xfe:"[..],
        b"    \xff 1 \x00",
        b"    -",
        b"    - 1",
        b"    :",
        b":",
        b"    1:",
        b"    a: -",
        b"\r",
        b"    99999999999999999999999999999999999999999 x",
    ] {
        let _ = classify(line);
    }
}

/// The reference capture: every counter line of `netstat -s` maps to a kernel counter whose
/// value in /proc/net/snmp or /proc/net/netstat, captured at the same moment, is the same.
#[test]
fn deb12_capture_agrees_with_proc_counter_by_counter() {
    let netstat_s = include_str!("../../../tests/fixtures/captured/deb12_netstat-s.txt");
    let snmp = include_str!("../../../tests/fixtures/captured/deb12_proc-net-snmp.txt");
    let netstat = include_str!("../../../tests/fixtures/captured/deb12_proc-net-netstat.txt");
    let proc_value = |section: &[u8], name: &[u8]| -> Option<i128> {
        let lines: Vec<&str> = snmp.lines().chain(netstat.lines()).collect();
        for pair in lines.chunks(2) {
            let names = crate::proc_net::pair_line(pair[0].as_bytes()).ok()?;
            let values = crate::proc_net::pair_line(pair[1].as_bytes()).ok()?;
            if names.prefix != section {
                continue;
            }
            for p in crate::proc_net::pairs(&names, &values) {
                let (n, v) = p.ok()?;
                if n == name {
                    return Some(v);
                }
            }
        }
        None
    };
    check_against_proc(netstat_s, proc_value, |_| 0);
    // German: same sentences (2.10 never translates them), translated histogram titles.
    let de = include_str!("../../../tests/fixtures/captured/deb12_de_netstat-s.txt");
    check_against_proc(de, proc_value, |_| 0);
}

/// Walk a capture and check each counter against `proc_value`, allowing `slack(value)` of
/// drift for captures taken a moment apart.
fn check_against_proc(
    capture: &str,
    proc_value: impl Fn(&[u8], &[u8]) -> Option<i128>,
    slack: fn(i128) -> i128,
) -> usize {
    let mut section: &[u8] = b"";
    let mut histogram = None;
    let mut checked = 0;
    for line in capture.lines() {
        match classify(line.as_bytes()).unwrap_or_else(|e| panic!("{e}: {line}")) {
            StatLine::Section(s) => {
                section = s.name;
                histogram = None;
            }
            StatLine::Histogram(h) => histogram = h.direction,
            StatLine::Counter(c) => {
                let ctx = Context { section: Some(section), histogram };
                let (sec, name): (&[u8], &[u8]) = match c.mapping(ctx) {
                    Mapping::Known { section, name } => (section.as_bytes(), name.as_bytes()),
                    Mapping::Named(name) => (section, name),
                    other => panic!("{line}: {other:?}"),
                };
                let expected = proc_value(sec, name).unwrap_or_else(|| panic!("{line}: no such counter"));
                assert!((expected - c.value).abs() <= slack(expected), "{line}: /proc says {expected}");
                checked += 1;
            }
            StatLine::Blank | StatLine::Notice(_) => {}
        }
    }
    assert!(checked > 50, "only {checked} counters");
    checked
}

/// Corpus run r1 (Debian 12, net-tools 2.10): `netstat -s` and the /proc files, captured a
/// fraction of a second apart, so a few busy counters moved by a little.
#[test]
fn r1_capture_agrees_with_proc() {
    let (snmp, netstat) = (R1_SNMP, R1_NETSTAT);
    let proc_value = |section: &[u8], name: &[u8]| -> Option<i128> {
        let lines: Vec<&str> = snmp.lines().chain(netstat.lines()).collect();
        for pair in lines.chunks(2) {
            let names = crate::proc_net::pair_line(pair[0].as_bytes()).ok()?;
            let values = crate::proc_net::pair_line(pair[1].as_bytes()).ok()?;
            if names.prefix == section {
                for p in crate::proc_net::pairs(&names, &values) {
                    let (n, v) = p.ok()?;
                    if n == name {
                        return Some(v);
                    }
                }
            }
        }
        None
    };
    // At most 2, or 0.2 % for the byte counters.
    check_against_proc(R1_NETSTAT_S, proc_value, |v| 2 + v / 500);
}

// Copied from tests/fixtures/corpus/real/r1_netstat-s.txt.
const R1_NETSTAT_S: &str = "Ip:
    Forwarding: 2
    6793 total packets received
    0 forwarded
    0 incoming packets discarded
    6784 incoming packets delivered
    6226 requests sent out
    OutTransmits: 6226
Icmp:
    1 ICMP messages received
    0 input ICMP message failed
    ICMP input histogram:
        destination unreachable: 1
    0 ICMP messages sent
    0 ICMP messages failed
    ICMP output histogram:
IcmpMsg:
        InType3: 1
Tcp:
    236 active connection openings
    142 passive connection openings
    0 failed connection attempts
    74 connection resets received
    71 connections established
    6732 segments received
    6167 segments sent out
    96 segments retransmitted
    0 bad segments received
    94 resets sent
Udp:
    167 packets received
    0 packets to unknown port received
    0 packet receive errors
    183 packets sent
    0 receive buffer errors
    0 send buffer errors
UdpLite:
TcpExt:
    12 packets pruned from receive queue because of socket buffer overrun
    12 packets pruned from receive queue
    100 TCP sockets finished time wait in fast timer
    BeyondWindow: 59
    65 delayed acks sent
    Quick ack mode was activated 4 times
    42 times the listen queue of a socket overflowed
    42 SYNs to LISTEN sockets dropped
    1149 packet headers predicted
    1529 acknowledgments not containing data payload received
    103 predicted acknowledgments
    TCPLostRetransmit: 62
    TCPTimeouts: 53
    TCPLossProbes: 22
    TCPBacklogCoalesce: 47
    TCPDSACKOldSent: 4
    TCPDSACKRecv: 4
    7 connections reset due to unexpected data
    72 connections reset due to early user close
    TCPDSACKIgnoredNoUndo: 4
    TCPDeferAcceptDrop: 9
    TCPRcvCoalesce: 3280
    TCPSpuriousRtxHostQueues: 2
    TCPAutoCorking: 60
    TCPFromZeroWindowAdv: 42
    TCPToZeroWindowAdv: 34
    TCPWantZeroWindowAdv: 15
    TCPSynRetrans: 33
    TCPOrigDataSent: 3045
    TCPDelivered: 3230
    TCPRcvQDrop: 12
    TcpTimeoutRehash: 35
    TCPDSACKRecvSegs: 4
IpExt:
    InMcastPkts: 9
    OutMcastPkts: 11
    InOctets: 129960374
    OutOctets: 79003732
    InMcastOctets: 504
    OutMcastOctets: 584
    InNoECTPkts: 6793
MPTcpExt:
";

// Copied from tests/fixtures/corpus/real/r1_proc-net-snmp.txt.
const R1_SNMP: &str = "Ip: Forwarding DefaultTTL InReceives InHdrErrors InAddrErrors ForwDatagrams InUnknownProtos InDiscards InDelivers OutRequests OutDiscards OutNoRoutes ReasmTimeout ReasmReqds ReasmOKs ReasmFails FragOKs FragFails FragCreates OutTransmits
Ip: 2 64 6795 0 0 0 0 0 6786 6228 0 0 0 0 0 0 0 0 0 6228
Icmp: InMsgs InErrors InCsumErrors InDestUnreachs InTimeExcds InParmProbs InSrcQuenchs InRedirects InEchos InEchoReps InTimestamps InTimestampReps InAddrMasks InAddrMaskReps OutMsgs OutErrors OutRateLimitGlobal OutRateLimitHost OutDestUnreachs OutTimeExcds OutParmProbs OutSrcQuenchs OutRedirects OutEchos OutEchoReps OutTimestamps OutTimestampReps OutAddrMasks OutAddrMaskReps
Icmp: 1 0 0 1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
IcmpMsg: InType3
IcmpMsg: 1
Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens AttemptFails EstabResets CurrEstab InSegs OutSegs RetransSegs InErrs OutRsts InCsumErrors
Tcp: 1 200 120000 -1 236 142 0 74 71 6734 6168 97 0 94 0
Udp: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors InCsumErrors IgnoredMulti MemErrors
Udp: 167 0 0 183 0 0 0 0 0
UdpLite: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors InCsumErrors IgnoredMulti MemErrors
UdpLite: 0 0 0 0 0 0 0 0 0
";

// Copied from tests/fixtures/corpus/real/r1_proc-net-netstat.txt (TcpExt and IpExt pairs).
const R1_NETSTAT: &str = "TcpExt: SyncookiesSent SyncookiesRecv SyncookiesFailed EmbryonicRsts PruneCalled RcvPruned OfoPruned OutOfWindowIcmps LockDroppedIcmps ArpFilter TW TWRecycled TWKilled PAWSActive PAWSEstab BeyondWindow TSEcrRejected PAWSOldAck PAWSTimewait DelayedACKs DelayedACKLocked DelayedACKLost ListenOverflows ListenDrops TCPHPHits TCPPureAcks TCPHPAcks TCPRenoRecovery TCPSackRecovery TCPSACKReneging TCPSACKReorder TCPRenoReorder TCPTSReorder TCPFullUndo TCPPartialUndo TCPDSACKUndo TCPLossUndo TCPLostRetransmit TCPRenoFailures TCPSackFailures TCPLossFailures TCPFastRetrans TCPSlowStartRetrans TCPTimeouts TCPLossProbes TCPLossProbeRecovery TCPRenoRecoveryFail TCPSackRecoveryFail TCPRcvCollapsed TCPBacklogCoalesce TCPDSACKOldSent TCPDSACKOfoSent TCPDSACKRecv TCPDSACKOfoRecv TCPAbortOnData TCPAbortOnClose TCPAbortOnMemory TCPAbortOnTimeout TCPAbortOnLinger TCPAbortFailed TCPMemoryPressures TCPMemoryPressuresChrono TCPSACKDiscard TCPDSACKIgnoredOld TCPDSACKIgnoredNoUndo TCPSpuriousRTOs TCPMD5NotFound TCPMD5Unexpected TCPMD5Failure TCPSackShifted TCPSackMerged TCPSackShiftFallback TCPBacklogDrop PFMemallocDrop TCPMinTTLDrop TCPDeferAcceptDrop IPReversePathFilter TCPTimeWaitOverflow TCPReqQFullDoCookies TCPReqQFullDrop TCPRetransFail TCPRcvCoalesce TCPOFOQueue TCPOFODrop TCPOFOMerge TCPChallengeACK TCPSYNChallenge TCPFastOpenActive TCPFastOpenActiveFail TCPFastOpenPassive TCPFastOpenPassiveFail TCPFastOpenListenOverflow TCPFastOpenCookieReqd TCPFastOpenBlackhole TCPSpuriousRtxHostQueues BusyPollRxPackets TCPAutoCorking TCPFromZeroWindowAdv TCPToZeroWindowAdv TCPWantZeroWindowAdv TCPSynRetrans TCPOrigDataSent TCPHystartTrainDetect TCPHystartTrainCwnd TCPHystartDelayDetect TCPHystartDelayCwnd TCPACKSkippedSynRecv TCPACKSkippedPAWS TCPACKSkippedSeq TCPACKSkippedFinWait2 TCPACKSkippedTimeWait TCPACKSkippedChallenge TCPWinProbe TCPKeepAlive TCPMTUPFail TCPMTUPSuccess TCPDelivered TCPDeliveredCE TCPAckCompressed TCPZeroWindowDrop TCPRcvQDrop TCPWqueueTooBig TCPFastOpenPassiveAltKey TcpTimeoutRehash TcpDuplicateDataRehash TCPDSACKRecvSegs TCPDSACKIgnoredDubious TCPMigrateReqSuccess TCPMigrateReqFailure TCPPLBRehash TCPAORequired TCPAOBad TCPAOKeyNotFound TCPAOGood TCPAODroppedIcmps
TcpExt: 0 0 0 0 12 12 0 0 0 0 100 0 0 0 0 60 0 0 0 65 0 4 42 42 1149 1530 103 0 0 0 0 0 0 0 0 0 0 63 0 0 0 0 0 53 22 0 0 0 0 47 4 0 4 0 7 72 0 0 0 0 0 0 0 0 4 0 0 0 0 0 0 0 0 0 0 9 0 0 0 0 0 3280 0 0 0 0 0 0 0 0 0 0 0 0 2 0 60 42 34 15 33 3045 0 0 0 0 0 0 0 0 0 0 0 0 0 0 3230 0 0 0 12 0 0 35 0 4 0 0 0 0 0 0 0 0 0
IpExt: InNoRoutes InTruncatedPkts InMcastPkts OutMcastPkts InBcastPkts OutBcastPkts InOctets OutOctets InMcastOctets OutMcastOctets InBcastOctets OutBcastOctets InCsumErrors InNoECTPkts InECT1Pkts InECT0Pkts InCEPkts ReasmOverlaps
IpExt: 0 0 9 11 0 0 129993246 79036604 504 584 0 0 0 6795 0 0 0 0
";

/// net-tools 1.60 and the 2013 snapshot (tests/fixtures/corpus/old/), on kernel 6.18: the old
/// wording, `Name: value` for counters without a sentence, and an empty last section.
#[test]
fn old_versions_capture() {
    const OLD_2013: &str = "Ip:
    21465 total packets received
    0 forwarded
    0 incoming packets discarded
    21424 incoming packets delivered
    19809 requests sent out
    OutTransmits: 19809
Icmp:
    1 ICMP messages received
    0 input ICMP message failed.
    ICMP input histogram:
        destination unreachable: 1
    0 ICMP messages sent
    0 ICMP messages failed
    ICMP output histogram:
IcmpMsg:
        InType3: 1
Tcp:
    683 active connections openings
    506 passive connection openings
    0 failed connection attempts
    164 connection resets received
    63 connections established
    21627 segments received
    19775 segments send out
    422 segments retransmited
    0 bad segments received.
    211 resets sent
Udp:
    238 packets received
    0 packets to unknown port received.
    0 packet receive errors
    294 packets sent
    0 receive buffer errors
    0 send buffer errors
UdpLite:
";
    let mut section: &[u8] = b"";
    let mut histogram = None;
    let mut mapped = Vec::new();
    for line in OLD_2013.lines() {
        match classify(line.as_bytes()).unwrap() {
            StatLine::Section(s) => (section, histogram) = (s.name, None),
            StatLine::Histogram(h) => histogram = h.direction,
            StatLine::Counter(c) => {
                let m = c.mapping(Context { section: Some(section), histogram });
                assert_ne!(m, Mapping::Unknown, "{line}");
                assert_ne!(m, Mapping::Ambiguous, "{line}");
                mapped.push(m);
            }
            other => panic!("{line}: {other:?}"),
        }
    }
    assert_eq!(mapped.len(), 28);
    assert!(mapped.contains(&known("Icmp", "InDestUnreachs")));
    assert!(mapped.contains(&known("Udp", "RcvbufErrors")));
    // 1.60 prints counters it has no sentence for even when 0.
    assert_eq!(counter_of("    RcvbufErrors: 0").mapping(in_section("UdpLite")), Mapping::Named(b"RcvbufErrors"));
}

/// The data facts [`Counter::shape`] rests on: the run of digits that is a counter's value
/// cannot turn another part of its line into a template's text, a histogram title or a
/// word sentence.
#[test]
fn shape_facts_of_the_tables() {
    let digit = |t: &str| t.bytes().any(|b| b.is_ascii_digit());
    for t in templates() {
        let (_, after) = t.text.split_once('%').expect("a number");
        assert!(!digit(after), "a digit after the number: {:?}", t.text);
    }
    for (title, _, _) in sentences_data::HISTOGRAMS {
        assert!(!digit(title), "{title:?}");
    }
    for (template, _, _) in sentences_data::WORD_SENTENCES {
        assert!(!digit(template), "{template:?}");
    }
    for (word, _) in sentences_data::FORWARDING_WORDS {
        assert!(!digit(word), "{word:?}");
    }
}

mod shape_props {
    use super::*;
    use proptest::prelude::*;

    /// An indented counter-like line: a template of the table, `Name: value`, or words with
    /// digits, signs and colons in them, with a number where the template says.
    fn line() -> impl Strategy<Value = String> {
        let number = (any::<bool>(), "[0-9]{1,20}").prop_map(|(neg, d)| if neg { format!("-{d}") } else { d });
        let word = prop_oneof![
            "[a-zA-Z]{1,6}",
            "[a-z]{0,3}[0-9]{1,3}[a-z]{0,2}",
            Just("ICMPv6".to_string()),
            Just("-".to_string()),
            "[a-z]{1,5}:",
            "-[0-9]{1,3}",
        ];
        let body = prop_oneof![
            (0..templates().len(), number.clone()).prop_map(|(i, n)| templates()[i].text.replacen('%', &n, 1)),
            ("[A-Za-z][A-Za-z0-9_]{0,12}", " {1,3}", number.clone()).prop_map(|(k, b, n)| format!("{k}:{b}{n}")),
            (prop::collection::vec(word, 0..5), number, prop::collection::vec("[a-z:.]{1,6}", 0..3))
                .prop_map(|(w, n, t)| format!("{} {n} {}", w.join(" "), t.join(" "))),
        ];
        (" {1,8}", body, "[ \t]{0,2}").prop_map(|(i, b, t)| format!("{i}{b}{t}"))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        /// A line that differs from a counter line with a shape only in the shape's digits is
        /// the same counter with the new value: what the push parser's memo of periodic logs
        /// takes for granted.
        #[test]
        fn same_shape_same_counter(line in line(), digits in "[0-9]{1,18}") {
            let Ok(StatLine::Counter(a)) = classify(line.as_bytes()) else { return Ok(()) };
            let Some((start, end, negative)) = a.shape() else { return Ok(()) };
            let mut other = line.as_bytes()[..start].to_vec();
            other.extend_from_slice(digits.as_bytes());
            other.extend_from_slice(&line.as_bytes()[end..]);
            let b = match classify(&other) {
                Ok(StatLine::Counter(b)) => b,
                got => panic!("{line:?} → {:?}: {got:?}", String::from_utf8_lossy(&other)),
            };
            let magnitude = i128::from(digits.parse::<u64>().unwrap());
            prop_assert_eq!(b.value, if negative { -magnitude } else { magnitude });
            prop_assert_eq!(b.shape(), Some((start, start + digits.len(), negative)));
            prop_assert_eq!((b.form, b.matches, b.word_lang), (a.form, a.matches, a.word_lang));
            prop_assert_eq!((b.before(), b.after(), b.name(), b.indent()), (a.before(), a.after(), a.name(), a.indent()));
            prop_assert_eq!(b.line.len() - b.text.1 as usize, a.line.len() - a.text.1 as usize);
            for section in [None, Some(&b"Icmp"[..]), Some(b"Tcp"), Some(b"Ip6"), Some(b"Other")] {
                for histogram in [None, Some(Direction::Input), Some(Direction::Output)] {
                    let ctx = Context { section, histogram };
                    prop_assert_eq!(b.mapping(ctx), a.mapping(ctx));
                }
            }
        }
    }
}
