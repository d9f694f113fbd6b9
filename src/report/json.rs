//! The report as one JSON object, for programs: the same sections as the text and the page.

use serde_json::{json, Map, Value};

use super::fold::{Listener, Point, Queued};
use super::summary::{Change, Level, Line, Pile, Summary, Timeline};

/// The report as a JSON value.
pub fn to_value(s: &Summary) -> Value {
    let mut o = Map::new();
    o.insert(
        "sources".into(),
        Value::Array(
            s.sources
                .iter()
                .map(|src| {
                    json!({
                        "name": src.name,
                        "events": src.kinds,
                        "captures": src.captures,
                        "cut_front": src.cut_front,
                        "malformed": src.malformed,
                    })
                })
                .collect(),
        ),
    );
    o.insert(
        "listeners".into(),
        s.listeners.as_ref().map_or(Value::Null, |l| {
            json!({
                "source": l.from.source,
                "capture": point(l.from.point.as_ref()),
                "captures": l.from.captures,
                "count": l.rows.len() as u64 + l.omitted,
                "all_addresses": l.rows.iter().filter(|r| r.all_addresses).count(),
                "omitted": l.omitted,
                "rows": l.rows.iter().map(listener).collect::<Vec<_>>(),
                "by_program": l.by_program.iter().map(|p| json!({
                    "program": p.program, "pids": p.pids, "ports": p.ports, "all_addresses": p.all_addresses,
                })).collect::<Vec<_>>(),
            })
        }),
    );
    o.insert(
        "connections".into(),
        s.connections.as_ref().map_or(Value::Null, |c| {
            json!({
                "source": c.from.source,
                "capture": point(c.from.point.as_ref()),
                "captures": c.from.captures,
                "total": c.total,
                "by_state": pairs(&c.by_state),
                "by_program": pairs(&c.by_program),
                "top_peers": pairs(&c.top_peers),
                "nonzero_queues": c.nonzero_queues,
                "queues": c.queues.iter().map(queued).collect::<Vec<_>>(),
                "time_wait": pile(&c.time_wait),
                "close_wait": pile(&c.close_wait),
                "approximate": c.approximate,
            })
        }),
    );
    o.insert(
        "counters".into(),
        s.counters.as_ref().map_or(Value::Null, |c| {
            json!({
                "rows": c.rows.iter().map(|r| json!({
                    "counter": r.key,
                    "meaning": r.meaning,
                    "source": r.source,
                    "value": int(r.value),
                    "change": r.change.as_ref().map_or(Value::Null, change),
                    "attention": r.attention,
                })).collect::<Vec<_>>(),
                "zero": c.zero,
                "missing": c.missing,
                "retransmission": c.retransmission.as_ref().map_or(Value::Null, |r| json!({
                    "source": r.source,
                    "retrans_segs": int(r.retrans_segs),
                    "out_segs": int(r.out_segs),
                    "percent": r.percent,
                    "log_percent": r.log_percent,
                })),
            })
        }),
    );
    o.insert(
        "interfaces".into(),
        Value::Array(
            s.interfaces
                .iter()
                .map(|i| {
                    json!({
                        "source": i.from.source,
                        "capture": point(i.from.point.as_ref()),
                        "captures": i.from.captures,
                        "rows": i.rows.iter().map(|r| json!({
                            "iface": r.name,
                            "mtu": r.mtu,
                            "stats": r.stats.as_ref().map_or(Value::Null, iface_stats),
                            "change": r.change.as_ref().map_or(Value::Null, iface_stats),
                            "attention": r.attention,
                        })).collect::<Vec<_>>(),
                    })
                })
                .collect(),
        ),
    );
    o.insert("states_over_time".into(), s.states_over_time.as_ref().map_or(Value::Null, timeline));
    o.insert("counters_over_time".into(), s.counters_over_time.as_ref().map_or(Value::Null, timeline));
    o.insert(
        "notes".into(),
        Value::Array(
            s.notes
                .iter()
                .map(|n| {
                    let level = match n.level {
                        Level::Info => "info",
                        Level::Warning => "warning",
                    };
                    json!({"level": level, "text": n.text})
                })
                .collect(),
        ),
    );
    Value::Object(o)
}

/// Write the report as one line of JSON.
pub fn write(s: &Summary, out: &mut Vec<u8>) {
    out.extend_from_slice(to_value(s).to_string().as_bytes());
    out.push(b'\n');
}

/// An integer as a JSON number (i128 fits u64/i64 for every kernel counter; a wider one is
/// written as a float).
fn int(v: i128) -> Value {
    if let Ok(n) = i64::try_from(v) {
        json!(n)
    } else if let Ok(n) = u64::try_from(v) {
        json!(n)
    } else {
        json!(v as f64)
    }
}

fn iface_stats(s: &netsift_grammar::netstat_i::IfaceStats) -> Value {
    json!({
        "RX-OK": s.rx_ok, "RX-ERR": s.rx_err, "RX-DRP": s.rx_drp, "RX-OVR": s.rx_ovr,
        "TX-OK": s.tx_ok, "TX-ERR": s.tx_err, "TX-DRP": s.tx_drp, "TX-OVR": s.tx_ovr,
    })
}

fn point(p: Option<&Point>) -> Value {
    p.map_or(Value::Null, |p| json!({"number": p.capture, "time": p.time}))
}

fn pairs(list: &[(String, u64)]) -> Value {
    Value::Array(list.iter().map(|(k, v)| json!({"name": k, "count": v})).collect())
}

fn pile(p: &Pile) -> Value {
    json!({"count": p.count, "top": pairs(&p.top)})
}

fn listener(l: &Listener) -> Value {
    json!({
        "proto": l.proto, "address": l.address, "port": l.port, "program": l.program,
        "pid": l.pid, "user": l.user, "all_addresses": l.all_addresses,
    })
}

fn queued(q: &Queued) -> Value {
    json!({
        "proto": q.proto, "local": q.local, "foreign": q.foreign, "state": q.state,
        "recv_q": q.recv_q, "send_q": q.send_q, "program": q.program,
    })
}

fn change(c: &Change) -> Value {
    json!({
        "increase": int(c.increase),
        "intervals": c.intervals,
        "mean_per_interval": c.mean,
        "max_per_interval": int(c.max),
        "max_at": point(c.max_at.as_ref()),
        "resets": c.resets,
    })
}

fn timeline(t: &Timeline) -> Value {
    let line = |l: &Line| {
        json!({
            "name": l.name, "unit": l.unit, "trouble": l.trouble,
            "values": l.values.iter().map(|v| v.map_or(Value::Null, int)).collect::<Vec<_>>(),
        })
    };
    json!({
        "source": t.source,
        "captures": t.points.iter().map(|p| p.capture).collect::<Vec<_>>(),
        "times": t.points.iter().map(|p| p.time.clone()).collect::<Vec<_>>(),
        "thinned": t.thinned,
        "series": t.lines.iter().map(line).collect::<Vec<_>>(),
    })
}
