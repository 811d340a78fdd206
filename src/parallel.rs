//! Independent pieces of work spread over the cores, with their results
//! taken in the order of the input, so that what the work feeds (the
//! plan's data, the site) is the same whatever thread finished first.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

/// Runs `work` on every item, on as many threads as there are cores, and
/// gives each result to `take` in item order, as soon as the ones before it
/// have been taken: results are merged while later items are still being
/// worked on, so they need not all be held at once. Items are handed out one
/// at a time, so a big one does not hold up a thread's share of small ones.
///
/// The calling thread is one of the workers, and takes what the others
/// finished between its own items: it waits for them only at the end. A
/// caller that only waited was a third thread on two cores, woken for every
/// result (on a large site, tens of thousands of wake-ups).
pub fn ordered<T: Sync, R: Send>(
    items: &[T],
    work: impl Fn(&T) -> R + Sync,
    mut take: impl FnMut(R),
) {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(items.len());
    if threads <= 1 {
        items.iter().for_each(|item| take(work(item)));
        return;
    }
    let next = AtomicUsize::new(0);
    // Bounded: a worker far ahead of `take` waits rather than piling up results.
    let (send, receive) = mpsc::sync_channel::<(usize, R)>(threads * 2);
    std::thread::scope(|scope| {
        for _ in 1..threads {
            let (send, next, work) = (send.clone(), &next, &work);
            scope.spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = items.get(i) else { break };
                    if send.send((i, work(item))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(send);
        let mut waiting = BTreeMap::new();
        let mut want = 0;
        let mut give = |waiting: &mut BTreeMap<usize, R>| {
            while let Some(result) = waiting.remove(&want) {
                take(result);
                want += 1;
            }
        };
        loop {
            waiting.extend(receive.try_iter());
            give(&mut waiting);
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(i) else { break };
            waiting.insert(i, work(item));
        }
        for (i, result) in receive {
            waiting.insert(i, result);
            give(&mut waiting);
        }
    });
}

/// What a scoped thread returned. A panic there is a bug: it goes on as one
/// here, in the thread that waits for it.
pub fn joined<T>(thread: std::thread::ScopedJoinHandle<'_, T>) -> T {
    thread
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_in_item_order() {
        let items: Vec<u64> = (0..200).collect();
        let mut out = Vec::new();
        // Later items finish first.
        ordered(
            &items,
            |&i| {
                std::thread::sleep(std::time::Duration::from_micros(200 - i));
                i * 2
            },
            |r| out.push(r),
        );
        assert_eq!(out, (0..200).map(|i| i * 2).collect::<Vec<_>>());
    }

    #[test]
    fn no_items_no_calls() {
        let mut calls = 0;
        ordered(&[] as &[u8], |_| (), |()| calls += 1);
        assert_eq!(calls, 0);
    }
}
