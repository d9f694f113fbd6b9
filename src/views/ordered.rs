//! The pieces of a view's JSON (blocks of a table's rows) written by two threads and
//! handed out in order.
//!
//! Each thread takes the next piece nobody took, as long as it is fewer than [`AHEAD`]
//! pieces past the next one to hand out, so that neither waits for the other at every
//! piece (a thread that the machine's other work holds back costs the other nothing
//! until the window is full), and the memory held is a few pieces. The calling thread
//! hands the pieces out in order, and writes a piece straight into the output when every
//! piece before it is out. The output is the same bytes as one thread's.

use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

use super::Spill;

/// How many pieces past the next one to hand out may be taken: the written pieces held
/// at once.
const AHEAD: usize = 8;

/// Where the pieces are, shared by the two threads.
struct State {
    /// Pieces before this one are taken.
    taken: usize,
    /// Pieces before this one are handed out.
    out: usize,
    /// Piece i, written and not yet handed out, at `i % AHEAD`.
    done: [Option<Vec<u8>>; AHEAD],
    /// Buffers to write the next pieces into.
    spare: Vec<Vec<u8>>,
    /// The second thread has stopped (it has stored every piece it wrote; after a
    /// panic, the one it was writing is missing).
    gone: bool,
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Append pieces `0..n` to `out`, piece i written by `write(i, buffer)` (which appends
/// it), handing `out` to `spill` as it fills. With `spill.two_threads`, a second thread
/// writes pieces too.
pub(crate) fn write_pieces<W>(out: &mut Vec<u8>, spill: &mut Spill<'_>, n: usize, write: W)
where
    W: Fn(usize, &mut Vec<u8>) + Sync,
{
    if !spill.two_threads || n < 2 {
        for i in 0..n {
            write(i, out);
            spill.check(out);
        }
        return;
    }
    let state = Mutex::new(State { taken: 0, out: 0, done: Default::default(), spare: Vec::new(), gone: false });
    let changed = Condvar::new();
    let write = &write;
    std::thread::scope(|scope| {
        let second = scope.spawn(|| helper(&state, &changed, n, write));
        let mut s = lock(&state);
        while s.out < n {
            let next = s.out;
            if let Some(buffer) = s.done[next % AHEAD].take() {
                s.out += 1;
                changed.notify_all();
                drop(s);
                spill.append(out, &buffer);
                s = lock(&state);
                s.spare.push(buffer);
            } else if s.taken == next || (s.gone && s.taken > next) {
                // Every piece before it is out: written straight into `out`. (Or the
                // other thread stopped, by a panic, while writing it: written here.)
                s.taken = s.taken.max(next + 1);
                drop(s);
                write(next, out);
                spill.check(out);
                s = lock(&state);
                s.out += 1;
                changed.notify_all();
            } else if s.taken < n && s.taken < next + AHEAD {
                // The next piece is being written by the other thread: one after it.
                s = take_and_write(&state, s, write);
            } else {
                s = changed.wait(s).unwrap_or_else(PoisonError::into_inner);
            }
        }
        drop(s);
        // Joined here so that a panic of the other thread (its pieces were written here)
        // is not the scope's.
        let _ = second.join();
    });
}

/// Take the next piece, write it into a spare buffer, and store it (called with the lock
/// held; returns it held again).
fn take_and_write<'s, W>(state: &'s Mutex<State>, mut s: MutexGuard<'s, State>, write: &W) -> MutexGuard<'s, State>
where
    W: Fn(usize, &mut Vec<u8>),
{
    let i = s.taken;
    s.taken += 1;
    let mut buffer = s.spare.pop().unwrap_or_default();
    drop(s);
    buffer.clear();
    write(i, &mut buffer);
    let mut s = lock(state);
    s.done[i % AHEAD] = Some(buffer);
    s
}

/// The second thread: takes pieces while there are some within the window.
fn helper<W>(state: &Mutex<State>, changed: &Condvar, n: usize, write: &W)
where
    W: Fn(usize, &mut Vec<u8>),
{
    /// Tells the calling thread that this one stopped, also when it panics.
    struct Gone<'a>(&'a Mutex<State>, &'a Condvar);
    impl Drop for Gone<'_> {
        fn drop(&mut self) {
            lock(self.0).gone = true;
            self.1.notify_all();
        }
    }
    let _gone = Gone(state, changed);
    let mut s = lock(state);
    while s.taken < n {
        if s.taken < s.out + AHEAD {
            s = take_and_write(state, s, write);
            changed.notify_all();
        } else {
            s = changed.wait(s).unwrap_or_else(PoisonError::into_inner);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pieces of many sizes, some empty, give the bytes of one thread, whichever thread
    /// is slower; a second thread that panics leaves its pieces to the calling one.
    #[test]
    fn two_threads_hand_out_the_pieces_in_order() {
        let piece = |i: usize, out: &mut Vec<u8>| {
            if i % 7 == 3 {
                std::thread::sleep(std::time::Duration::from_micros(200));
            }
            out.extend(std::iter::repeat_n((i % 251) as u8, (i * 7919) % 100_000));
        };
        for n in [0, 1, 2, 3, 9, 100] {
            let write = |two_threads: bool, chunked: bool| {
                let mut to = Vec::new();
                let mut out = Vec::new();
                {
                    let mut spill = if chunked { Spill::to(&mut to) } else { Spill::none() };
                    spill.two_threads = two_threads;
                    write_pieces(&mut out, &mut spill, n, piece);
                    let _ = spill.finish(&mut out);
                }
                to.extend_from_slice(&out);
                to
            };
            let one = write(false, false);
            assert!(one == write(true, false), "{n} pieces");
            assert!(one == write(true, true), "{n} pieces, handed over");
        }
        // The second thread panics on its first piece: every piece is written all the same.
        let main = std::thread::current().id();
        let panicky = |i: usize, out: &mut Vec<u8>| {
            assert!(std::thread::current().id() == main, "second thread");
            out.extend_from_slice(i.to_string().as_bytes());
        };
        let mut out = Vec::new();
        let mut spill = Spill::none();
        spill.two_threads = true;
        write_pieces(&mut out, &mut spill, 50, panicky);
        let expected: String = (0..50).map(|i| i.to_string()).collect();
        assert_eq!(String::from_utf8_lossy(&out), expected);
    }
}
